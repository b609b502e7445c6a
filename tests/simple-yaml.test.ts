/**
 * The front matter fast path (src/ingest/parse/simple-yaml.ts) against the `yaml` package:
 * wherever the fast path answers, it must give exactly what yaml gives, and it must answer
 * for the front matter the real pipelines write (or it saves nothing).
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseYaml } from '../src/ingest/parse/frontmatter.ts';
import { readSimpleYaml } from '../src/ingest/parse/simple-yaml.ts';

/** yaml's reading, or 'error' where yaml refuses the text. */
function reference(text: string): unknown {
  const doc = parseYaml(text);
  if (doc.errors.length > 0) return 'error';
  return doc.toJS({ maxAliasCount: 100 }) ?? {};
}

function agrees(text: string): boolean {
  const fast = readSimpleYaml(text);
  if (fast === null) return false;
  assert.deepEqual(fast, reference(text), `front matter:\n${text}`);
  return true;
}

// Pieces that make YAML mean something else: quotes, escapes, indicators, comments,
// colons, commas, brackets, numbers, booleans, and the spaces YAML does and does not strip.
const piece = fc.constantFrom(
  '中美',
  '拜登',
  'Biden',
  ' ',
  '  ',
  ':',
  ': ',
  ' #',
  '#',
  ',',
  ', ',
  '[',
  ']',
  '{',
  '}',
  '"',
  "'",
  "''",
  '\\',
  '\\"',
  '\\n',
  '-',
  '- ',
  '?',
  '&a',
  '*a',
  '!',
  '|',
  '>',
  '%',
  '@',
  '`',
  '.',
  '~',
  '+',
  '0',
  '12',
  '3.5',
  '1e3',
  '0x1F',
  '0o7',
  '1_0',
  '007',
  'true',
  'False',
  'NULL',
  'null',
  'yes',
  '.inf',
  '2020-12-21',
  'T08:43:00.000Z',
  'https://example.com/a?b=c',
  '\u3000',
  '\u00a0',
  '\t',
  'é',
);
const text = fc.array(piece, { maxLength: 6 }).map((parts) => parts.join(''));
const key = fc.constantFrom('title', 'date', 'tags', 'author', 'from', 'x-y', 'true', 'null', '_k', '中文');
const value = fc.oneof(
  text,
  text.map((t) => `"${t}"`),
  text.map((t) => `'${t}'`),
  fc.array(text, { maxLength: 4 }).map((items) => `[ ${items.join(', ')} ]`),
  fc.array(text, { maxLength: 4 }).map((items) => `[${items.map((t) => `"${t}"`).join(',')}]`),
);
const entry = fc.oneof(
  fc.tuple(key, value).map(([k, v]) => `${k}: ${v}`),
  fc.tuple(key, fc.constantFrom('', ' ', '  ')).map(([k, pad]) => `${k}:${pad}`),
  fc
    .tuple(
      key,
      fc.constantFrom('', ' ', '  '),
      fc.array(
        fc.oneof(
          text,
          text.map((t) => `"${t}"`),
        ),
        { maxLength: 3 },
      ),
    )
    .map(([k, indent, items]) => [`${k}:`, ...items.map((t) => `${indent}- ${t}`)].join('\n')),
  fc.constantFrom('', '   ', '# a comment', '  indented: x', '- item', 'key:value', 'k: a\n  b'),
);
const document = fc.array(entry, { maxLength: 6 }).map((lines) => lines.join('\n'));

describe('front matter fast path', () => {
  it('reads generated values and documents exactly as yaml does, wherever it answers', () => {
    for (const [label, arbitrary] of [
      ['one entry', entry],
      ['documents', document],
    ] as const) {
      let answered = 0;
      fc.assert(
        fc.property(arbitrary, (doc) => {
          if (agrees(doc)) answered++;
        }),
        { numRuns: 5000, seed: 20261201 },
      );
      // Not a vacuous pass: it must answer for a good share of them.
      assert.ok(answered > 1000, `${label}: answered for ${answered} of 5000`);
    }
  });

  it('reads the front matter of the seeds and the development corpus exactly as yaml does', () => {
    const files: string[] = [];
    for (const root of ['../shared/seeds', '../shared/corpus-dev']) {
      for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
        if (entry.isFile() && entry.name.endsWith('.md') && entry.name !== 'README.md') {
          files.push(join(entry.parentPath, entry.name));
        }
      }
    }
    let withFrontMatter = 0;
    let answered = 0;
    for (const file of files) {
      const lines = readFileSync(file, 'utf8').split('\n');
      let first = 0;
      while (first < lines.length && lines[first]!.trim() === '') first++;
      if (lines[first]?.trim() !== '---') continue;
      const close = lines.findIndex((line, i) => i > first && /^(?:---|\.\.\.)\s*$/.test(line));
      if (close < 0) continue;
      withFrontMatter++;
      if (agrees(lines.slice(first + 1, close).join('\n'))) answered++;
    }
    assert.ok(withFrontMatter >= 100, `${withFrontMatter} files with front matter`);
    // The fast path is only worth having if it reads what the pipelines write.
    assert.ok(answered / withFrontMatter >= 0.9, `answered for ${answered} of ${withFrontMatter}`);
  });

  it('leaves to yaml what it cannot be sure of', () => {
    for (const doc of [
      'title: a # comment',
      'title: "a\\u00e9"',
      'n: 0x1F',
      'n: 12345678901234567890',
      'title: a\n  continued',
      'a: 1\na: 2',
      'nested:\n  key: value',
      'title: "open',
      'tags: [a, [b]]',
      'x: &anchor a',
      'x: !!str 1',
      'x: |\n  block',
      'title:\ta',
    ]) {
      assert.equal(readSimpleYaml(doc), null, doc);
    }
  });

  it('reads the common shapes', () => {
    assert.deepEqual(
      readSimpleYaml(
        [
          'layout: post',
          'title: "中美外交部：\\"铭记\\"傅高义"',
          "sub: 'it''s'",
          'date: 2020-12-21T08:43:00.000Z',
          'when: Fri, 09 Jul 2021 23:08:23 GMT',
          'from: https://www.zaobao.com/realtime/china/story20201221-1110509',
          'tags: [ 联合早报 ]',
          'categories: ',
          ' - 新媒体',
          ' - ZAKER',
          'comments: false',
          'count: 12',
          'empty:',
          'title2: 中美　',
        ].join('\n'),
      ),
      {
        layout: 'post',
        title: '中美外交部："铭记"傅高义',
        sub: "it's",
        date: '2020-12-21T08:43:00.000Z',
        when: 'Fri, 09 Jul 2021 23:08:23 GMT',
        from: 'https://www.zaobao.com/realtime/china/story20201221-1110509',
        tags: ['联合早报'],
        categories: ['新媒体', 'ZAKER'],
        comments: false,
        count: 12,
        empty: null,
        title2: '中美　',
      },
    );
  });
});
