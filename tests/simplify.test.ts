/**
 * `toSimplified` must return exactly what opencc-js returns, for every string: it runs
 * opencc-js's passes only where a key may occur, over its own tries. Compared here with
 * opencc-js itself on generated strings that reach every branch (keys and values cut and
 * joined, so that matches overlap segment boundaries; lone surrogates; astral characters;
 * ideographic description sequences), on every real text in the repository, and on a few
 * cases written out.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as OpenCC from 'opencc-js';
import { toSimplified, toSimplifiedReference } from '../src/ingest/text/simplify.ts';

/** Every `key value` entry of the preset's dictionaries (all of them serialized strings). */
function entries(value: unknown): string[][] {
  if (typeof value === 'string') return value.split('|').map((line) => line.split(' '));
  if (Array.isArray(value)) return value.flatMap(entries);
  if (value && typeof value === 'object') return Object.values(value).flatMap(entries);
  return [];
}

const dictionary = entries(OpenCC.Locale.configs['tw2s']);
const words = [...new Set(dictionary.flatMap(([key, value]) => [key!, value!]))];
const characters = [...new Set(words.flatMap((word) => Array.from(word)))];
/** Keys by their first character, to make keys overlap: the crux of segmentation and of the passes' order. */
const keysByFirst = new Map<string, string[]>();
for (const [key] of dictionary) {
  const first = Array.from(key!)[0] ?? '';
  const keys = keysByFirst.get(first);
  if (keys) keys.push(key!);
  else keysByFirst.set(first, [key!]);
}

const codeUnit = (min: number, max: number) => fc.integer({ min, max }).map((c) => String.fromCharCode(c));

const piece = fc.oneof(
  { arbitrary: fc.constantFrom(...words), weight: 6 },
  // A word cut anywhere, also inside a surrogate pair.
  {
    arbitrary: fc
      .tuple(fc.constantFrom(...words), fc.nat(), fc.nat())
      .map(([word, a, b]) => word.slice(a % (word.length + 1), word.length - (b % (word.length + 1)))),
    weight: 3,
  },
  // A word and a key overlapping on its last character.
  {
    arbitrary: fc.tuple(fc.constantFrom(...words), fc.nat()).map(([word, i]) => {
      const last = Array.from(word).at(-1) ?? '';
      const next = keysByFirst.get(last);
      return next ? word + next[i % next.length]!.slice(last.length) : word;
    }),
    weight: 6,
  },
  { arbitrary: fc.constantFrom(...characters), weight: 6 },
  { arbitrary: codeUnit(0x4e00, 0x9fff), weight: 2 },
  {
    arbitrary: fc.constantFrom('，', '。', '、', '「', '」', '《', '》', '：', '（', '）', '…', '·', ' ', '\n'),
    weight: 2,
  },
  { arbitrary: fc.string({ maxLength: 4 }), weight: 2 },
  { arbitrary: codeUnit(0xd800, 0xdfff), weight: 1 },
  { arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)), weight: 1 },
  { arbitrary: codeUnit(0x2ff0, 0x2fff), weight: 1 },
);

const text = fc.array(piece, { maxLength: 32, size: 'large' }).map((pieces) => pieces.join(''));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

describe('toSimplified', () => {
  it('equals opencc-js on generated strings', () => {
    fc.assert(
      fc.property(text, (s) => {
        assert.equal(toSimplified(s), toSimplifiedReference(s));
      }),
      { numRuns: 5000, seed: Number(process.env['FC_SEED'] ?? 20240611) },
    );
  });

  it('equals opencc-js on every corpus and seed file', () => {
    const files = [...filesUnder('tests/fixtures/corpus-dev'), ...filesUnder('content/articles')];
    assert.ok(files.length > 100);
    for (const file of files) {
      const content = readFileSync(file, 'utf8');
      assert.ok(toSimplified(content) === toSimplifiedReference(content), file);
    }
  });

  it('equals opencc-js on written-out cases', () => {
    const cases = [
      '',
      '體',
      '简体字，没有要改的。',
      // Ideographic description sequences are copied whole, nested or not, even across
      // characters in no key; cut short, only the first character is.
      '⿰體國',
      '⿰⿱體國語',
      '⿲體國語後',
      '⿰a體',
      '後⿰',
      '後⿰⿱國',
      '⿰⿱⿲',
      // A lone high surrogate at the end, a lone low one at the start, a cut pair between keys.
      '體\ud840',
      '\udc00體',
      '國\ud840體\udc00',
      // An astral key, and a CJK compatibility ideograph normalized before conversion.
      '㗲𠵾',
      '\uf92d',
      // A segment (么麼, 李澤鉅) is converted on its own, so the key across its edge does not match.
      '什么麼',
      '李澤鉅著',
      '藉藉无名著',
    ];
    for (const s of cases) assert.equal(toSimplified(s), toSimplifiedReference(s), JSON.stringify(s));
  });

  it('returns what opencc-js would, fast, where opencc-js is exponential', () => {
    // opencc-js's recursion steps over ⿰…⿰體 whole for an even count of ⿰ and over one ⿰
    // for an odd one, so 體 is never converted from two on. It takes 0.1 s on 40 ⿰ and
    // does not finish 1000 (nor 10 000 without overflowing the stack).
    for (let n = 0; n <= 16; n++) {
      const s = '⿰'.repeat(n) + '體';
      assert.equal(toSimplified(s), toSimplifiedReference(s), s);
    }
    for (const n of [1000, 1001, 20_000]) {
      const s = '⿰'.repeat(n) + '體';
      assert.equal(toSimplified(s), s);
    }
  });
});
