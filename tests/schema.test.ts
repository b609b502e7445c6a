/** The published article contract: its JSON Schema, and the seed articles against it. */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { loadContentConfig } from '../src/content/load.ts';
import { ingestBytes } from '../src/ingest/article.ts';
import { ArticleSchema, articleJsonSchema, type Article } from '../src/schema/article.ts';

/** The fields of the brief's table (section 3); the schema may hold more, never fewer. */
const BRIEF_FIELDS = [
  'id',
  'title',
  'published',
  'dateProvenance',
  'source',
  'origin',
  'credits',
  'author',
  'url',
  'leadImage',
  'images',
  'html',
  'text',
  'excerpt',
  'lang',
  'tags',
  'event',
  'input',
  'warnings',
];

/** Fields that are `null` when unknown. */
const NULLABLE = ['origin', 'author', 'url', 'leadImage', 'event', 'capturedAt', 'copyright'];

interface JsonSchemaObject {
  $schema?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchemaObject>;
  required?: string[];
  additionalProperties?: boolean | JsonSchemaObject;
  anyOf?: JsonSchemaObject[];
  oneOf?: JsonSchemaObject[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function allowsNull(schema: JsonSchemaObject): boolean {
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.includes('null')) return true;
  return [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].some(allowsNull);
}

/** Every key path in a JSON value whose value is `undefined`. */
function undefinedPaths(value: unknown, path = ''): string[] {
  if (value === undefined) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => undefinedPaths(v, `${path}[${i}]`));
  if (isRecord(value)) return Object.entries(value).flatMap(([k, v]) => undefinedPaths(v, `${path}.${k}`));
  return [];
}

describe('articleJsonSchema', () => {
  const schema = articleJsonSchema() as JsonSchemaObject;

  it('is a draft 2020-12 object schema', () => {
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.equal(schema.type, 'object');
    assert.equal(schema.additionalProperties, false);
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(schema)));
  });

  it('describes every field of the contract, all of them required', () => {
    const properties = Object.keys(schema.properties ?? {});
    for (const field of BRIEF_FIELDS) {
      assert.ok(properties.includes(field), `no property "${field}"`);
      assert.ok(schema.required?.includes(field), `"${field}" is not required`);
    }
    // Unknown values are null, never missing: every property is required.
    assert.deepEqual([...(schema.required ?? [])].sort(), [...properties].sort());
  });

  it('allows null exactly where a value may be unknown', () => {
    for (const field of NULLABLE) {
      assert.ok(allowsNull(schema.properties![field]!), `"${field}" does not allow null`);
    }
    for (const field of ['id', 'title', 'published', 'html', 'text', 'images', 'tags', 'source', 'input']) {
      assert.ok(!allowsNull(schema.properties![field]!), `"${field}" should never be null`);
    }
  });

  it('describes nested objects strictly', () => {
    const source = schema.properties!['source']!;
    assert.deepEqual(Object.keys(source.properties ?? {}).sort(), ['id', 'name', 'nameZh']);
    assert.equal(source.additionalProperties, false);
    const input = schema.properties!['input']!;
    for (const key of ['path', 'format', 'sha256']) assert.ok(input.properties?.[key], `input.${key}`);
    const lead = schema.properties!['leadImage']!;
    const image = [lead, ...(lead.anyOf ?? []), ...(lead.oneOf ?? [])].find((s) => s.properties);
    assert.deepEqual(Object.keys(image?.properties ?? {}).sort(), [
      'alt',
      'caption',
      'credit',
      'height',
      'src',
      'width',
    ]);
  });
});

describe('seed articles', () => {
  const dir = new URL('../content/articles/', import.meta.url);
  const files = readdirSync(dir)
    .filter((f) => !f.startsWith('.'))
    .sort();
  const articles = new Map<string, Article>();

  before(async () => {
    const config = await loadContentConfig(new URL('../content', import.meta.url).pathname);
    for (const file of files) {
      const { article } = ingestBytes(readFileSync(new URL(file, dir)), file, {
        events: config.events,
        defaultTimeZone: config.site.timeZone,
      });
      articles.set(file, article);
    }
  });

  it('finds the seeds', () => {
    assert.ok(files.length >= 5, `only ${files.length} files in content/articles`);
  });

  for (const file of files) {
    it(`${file} validates against ArticleSchema and keeps every key through JSON`, () => {
      const article = articles.get(file);
      assert.ok(article, `${file} did not ingest`);
      const parsed = ArticleSchema.safeParse(article);
      assert.ok(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues));
      assert.deepEqual(undefinedPaths(article), []);
      const roundTrip = JSON.parse(JSON.stringify(article)) as Record<string, unknown>;
      // Through a cast, so the assertion does not narrow roundTrip to Article.
      assert.deepEqual(roundTrip as unknown, article);
      for (const field of BRIEF_FIELDS) assert.ok(field in roundTrip, `"${field}" lost in JSON`);
      for (const field of NULLABLE) {
        assert.notEqual(roundTrip[field], undefined, `"${field}" is undefined`);
      }
      assert.ok(ArticleSchema.safeParse(roundTrip).success, 'the JSON form no longer validates');
    });
  }

  it('gives every seed a distinct id', () => {
    const ids = [...articles.values()].map((a) => a.id);
    assert.equal(new Set(ids).size, ids.length);
  });
});
