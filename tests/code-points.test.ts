/** Counting and cutting in characters agrees with Array.from, surrogates and all. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { codePointCount, firstCodePoints } from '../src/ingest/text/code-points.ts';
import { makeExcerpt } from '../src/ingest/article.ts';

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
