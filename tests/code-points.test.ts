/**
 * Text helpers that stand in for a plainer expression: counting and cutting in characters
 * agrees with Array.from, surrogates and all; isBlank with squash.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { codePointCount, firstCodePoints } from '../src/ingest/text/code-points.ts';
import { makeExcerpt } from '../src/ingest/article.ts';
import { isBlank, squash } from '../src/ingest/html/hast.ts';

// Pairs, lone high and low surrogates (also at either end), and plain units.
const text = fc
  .array(fc.constantFrom('a', '中', '𠀀', '😀', '\ud800', '\udc00', '。', '\n', ' '), { maxLength: 300 })
  .map((pieces) => pieces.join(''));

describe('code points', () => {
  it('are counted and cut as Array.from does', () => {
    fc.assert(
      fc.property(text, fc.nat({ max: 320 }), (s, max) => {
        assert.equal(codePointCount(s), Array.from(s).length);
        assert.equal(firstCodePoints(s, max), Array.from(s).slice(0, max).join(''));
      }),
      { numRuns: 3000, seed: 11 },
    );
  });
  it('cut an excerpt at a sentence end within its first 120 characters, astral ones counted once', () => {
    const sentence = '𠀀'.repeat(59) + '。';
    assert.equal(makeExcerpt(sentence + '后文'.repeat(40)), sentence);
    assert.equal(makeExcerpt('𠀀'.repeat(120)), '𠀀'.repeat(120));
    assert.equal(makeExcerpt('𠀀'.repeat(121)), '𠀀'.repeat(120) + '…');
  });
});

describe('isBlank', () => {
  it('is true exactly when squash leaves nothing, for every kind of white space', () => {
    const piece = fc.oneof(
      fc.constantFrom(' ', '\t', '\n', '\r', '\v', '\f', '\u00a0', '\u1680', '\u2000', '\u200a', '\u2028', '\u2029'),
      fc.constantFrom('\u202f', '\u205f', '\u3000', '\ufeff', '\u200b', '\u180e', 'a', '中', '\ud800'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const value = pieces.join('');
        assert.equal(isBlank(value), squash(value) === '', JSON.stringify(value));
      }),
      { numRuns: 3000, seed: 13 },
    );
  });
});
