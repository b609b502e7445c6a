/**
 * The compiled article check (src/schema/check-article.ts) against zod's: the generated code
 * is up to date with the schema, and it never accepts an article that zod refuses.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import {
  VALIDATOR_PATH,
  VALIDATOR_TYPES,
  VALIDATOR_TYPES_PATH,
  validatorSource,
} from '../scripts/article-validator.ts';
import { validate } from '../src/schema/article-validator.generated.js';
import { ArticleSchema, type Article } from '../src/schema/article.ts';
import { checkArticle } from '../src/schema/check-article.ts';

const golden: Article[] = readdirSync('tests/golden')
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => JSON.parse(readFileSync(`tests/golden/${name}`, 'utf8')) as Article);

/** A golden article with every optional part present, so that mutations reach every path. */
function filled(article: Article): Article {
  const image = { src: 'https://example.org/a.jpg', width: 640, height: 480, alt: 'a', caption: 'c', credit: 'x 摄' };
  return {
    ...structuredClone(article),
    capturedAt: '2023-11-15T08:00:00+08:00',
    origin: 'xinhua',
    credits: [{ role: '编辑', name: '王某' }],
    author: '王某',
    url: 'https://example.org/story',
    copyright: '©',
    leadImage: image,
    images: [image, { ...image, width: null, height: null, alt: null, caption: null, credit: null }],
    tags: ['中美'],
    categories: ['国际'],
    event: 'sf-2023',
    eventLink: { confidence: 0.9, reason: 'the dateline' },
    topics: ['trade'],
    reprint: { group: 'a-group', original: 'a-original', similarity: 0.95 },
    related: [{ id: 'other-article', similarity: 0.4 }],
    inferred: [{ field: 'published', method: 'from the event' }],
    warnings: ['a warning'],
  };
}

type Json = Record<string, unknown> | unknown[];

/** Every path to a value inside `value` (object keys and array indexes). */
function pathsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...prefix, i], ...pathsOf(v, [...prefix, i])]);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
  }
  return [];
}

function parentOf(root: unknown, path: Array<string | number>): Json {
  let at = root as Json;
  for (const step of path.slice(0, -1)) at = (at as Record<string | number, unknown>)[step] as Json;
  return at;
}

/** Values a bug could leave in a field, the edges of each JSON Schema keyword among them. */
const oddValue = fc.oneof(
  fc.constantFrom(
    undefined,
    null,
    '',
    ' ',
    'x',
    'HTTP://EXAMPLE.ORG/A',
    'https://example.org/a b',
    'javascript:alert(1)',
    '2023-02-29T00:00:00Z',
    '2023-11-15T25:00:00Z',
    '2023-11-15',
    'zh-Hant',
    'day',
    'front-matter',
    'Upper-Case',
    '-leading',
    'a'.repeat(90),
    '\ud800',
    0,
    -0,
    -1,
    1,
    1.5,
    2,
    2 ** 53,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    true,
    false,
    [],
    {},
    [null],
    [''],
    [{}],
  ),
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.anything(),
);

const mutation = fc.record({
  base: fc.integer({ min: 0, max: golden.length - 1 }),
  full: fc.boolean(),
  edits: fc.array(
    fc.record({
      kind: fc.constantFrom('set', 'delete', 'extra'),
      at: fc.nat(),
      value: oddValue,
      key: fc.constantFrom('extra', 'constructor', '__proto__', 'toString', 'id', 'html'),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate({ base, full, edits }: Mutation): unknown {
  const article = full ? filled(golden[base]!) : structuredClone(golden[base]!);
  for (const edit of edits) {
    const paths = [[], ...pathsOf(article)];
    const path = paths[edit.at % paths.length]!;
    if (edit.kind === 'extra') {
      const target = path.length === 0 ? article : (parentOf(article, [...path, '']) as Record<string, unknown>);
      if (typeof target === 'object' && target !== null && !Array.isArray(target)) {
        Object.defineProperty(target, edit.key, {
          value: edit.value,
          enumerable: true,
          configurable: true,
          writable: true,
        });
      }
      continue;
    }
    if (path.length === 0) continue;
    const parent = parentOf(article, path) as Record<string | number, unknown>;
    const last = path[path.length - 1]!;
    if (edit.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else parent[last] = edit.value;
  }
  return article;
}

describe('compiled article check', () => {
  it('is the code the generator makes from the current schema', () => {
    const stale = 'stale: run `node --import tsx scripts/article-validator.ts` after changing src/schema/article.ts';
    // Not assert.equal: its diff of two 70 kB lines would bury the message.
    assert.ok(readFileSync(VALIDATOR_PATH, 'utf8') === validatorSource(), `${VALIDATOR_PATH} is ${stale}`);
    assert.ok(readFileSync(VALIDATOR_TYPES_PATH, 'utf8') === VALIDATOR_TYPES, `${VALIDATOR_TYPES_PATH} is ${stale}`);
  });

  it('accepts the golden articles, as zod does, and hands back the same object', () => {
    for (const article of [...golden, ...golden.map(filled)]) {
      assert.ok(ArticleSchema.safeParse(article).success, article.id);
      assert.ok(validate(article), article.id);
      const checked = checkArticle(article);
      assert.ok(checked.ok && checked.article === article, article.id);
    }
  });

  it('never accepts an article that zod refuses, and decides as zod does', () => {
    let refused = 0;
    fc.assert(
      fc.property(mutation, (m) => {
        const candidate = mutate(m);
        const byZod = ArticleSchema.safeParse(candidate);
        if (!byZod.success) refused++;
        if (validate(candidate)) assert.ok(byZod.success, JSON.stringify(byZod.error?.issues[0]));
        assert.equal(checkArticle(candidate).ok, byZod.success);
      }),
      { numRuns: 3000, seed: 20261202 },
    );
    // The mutations reach the schema's checks: most of them make an invalid article.
    assert.ok(refused > 1500, `only ${refused} of 3000 mutations were refused by zod`);
  });

  it('defers to zod where JSON Schema cannot say what zod checks, and names the field zod names', () => {
    // The URL pattern is case-insensitive in zod; JSON Schema patterns carry no flags.
    const upper = { ...filled(golden[0]!), url: 'HTTPS://EXAMPLE.ORG/STORY' };
    assert.equal(validate(upper), false);
    const checked = checkArticle(upper);
    assert.ok(checked.ok);
    assert.equal(checked.article.url, upper.url);

    const bad = { ...filled(golden[0]!), chars: 1.5 };
    assert.deepEqual(checkArticle(bad), {
      ok: false,
      path: 'chars',
      message: 'Invalid input: expected int, received number',
    });
  });
});
