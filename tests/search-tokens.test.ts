/**
 * The index's words (src/search/tokens.js): a Chinese query must find exactly the texts that
 * hold it, as a substring, and the words must give the text back for the excerpts. Pagefind
 * is modelled here by what it does with the words (positions, exact words for a phrase,
 * prefixes otherwise); the browser tests run the real thing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MARK, hanWords, indexWords, searchQueries, wordsToText } from '../src/search/tokens.js';

// Few characters, so that substrings recur; an astral one (𠮷, U+20BB7) and a pair that
// is also a common word (拜会) among them.
const han = fc.constantFrom('拜', '登', '习', '会', '美', '中', '𠮷');
const other = fc.constantFrom('G20', 'Biden', '2023', '，', '。', '“', '”', '.', '-', '(', ')');
const space = fc.constantFrom(' ', '  ', '\n');
const text = fc
  .array(fc.oneof({ weight: 5, arbitrary: han }, { weight: 2, arbitrary: other }, space), {
    maxLength: 40,
  })
  .map((pieces) => pieces.join(''));
const hanQuery = fc.array(han, { minLength: 2, maxLength: 4 }).map((chars) => chars.join(''));

function words(t: string): string[] {
  return indexWords(t).split(' ').filter(Boolean);
}

/** The words of a phrase query, as Pagefind reads it (quotes off, split on spaces). */
function phraseWords(query: string): string[] {
  const { words: plain, phrase } = searchQueries(query);
  return (phrase ?? plain).replace(/"/g, '').split(' ');
}

/** Where Pagefind's phrase search finds `wanted`: exact words at consecutive positions. */
function phraseAt(index: string[], wanted: string[]): number[] {
  const found: number[] = [];
  for (let i = 0; i + wanted.length <= index.length; i++) {
    if (wanted.every((w, k) => index[i + k] === w)) found.push(i);
  }
  return found;
}

function shown(index: string[], marks?: number[]): string {
  return wordsToText(index, marks)
    .map((piece) => piece.text)
    .join('');
}

describe('index words', () => {
  it('cut a Han run into its overlapping pairs and its last character', () => {
    assert.equal(indexWords('拜登访华'), '拜登 登访 访华 华');
    assert.equal(indexWords('在G20峰会上，拜登说'), '在 G20 峰会 会上 上 ， 拜登 登说 说');
    assert.equal(indexWords('Biden said: 𠮷野家'), 'Biden said: 𠮷野 野家 家');
    assert.equal(indexWords(''), '');
  });

  it('find a Han query of two or more characters exactly where the text holds it', () => {
    fc.assert(
      fc.property(text, hanQuery, fc.nat(), (t, random, pick) => {
        // Half the time a piece of the text itself, so that matches are tested, not only misses.
        const runs = t.match(/\p{Script=Han}{2,}/gu) ?? [];
        const run = runs.length > 0 ? Array.from(runs[pick % runs.length]!) : [];
        const start = run.length > 1 ? pick % (run.length - 1) : 0;
        const query = pick % 2 === 0 && run.length > 1 ? run.slice(start, start + 2 + (pick % 3)).join('') : random;
        assert.equal(phraseAt(words(t), phraseWords(query)).length > 0, t.includes(query), `${query} in ${t}`);
      }),
      { numRuns: 3000 },
    );
  });

  it('find a lone character, as a prefix, at every place the text holds it', () => {
    fc.assert(
      fc.property(text, han, (t, ch) => {
        const { words: query, phrase } = searchQueries(ch);
        assert.equal(phrase, null);
        const at = words(t).filter((w) => w.startsWith(query)).length;
        assert.equal(at, Array.from(t).filter((c) => c === ch).length);
      }),
      { numRuns: 2000 },
    );
  });

  it('give the text back, without the spaces between Chinese words', () => {
    fc.assert(
      fc.property(text, (t) => {
        const back = shown(words(t));
        // Nothing lost or added but spaces.
        assert.equal(back.replace(/\s/g, ''), t.replace(/\s/g, ''));
        // Text without Han characters keeps its spaces, one for each run of them.
        if (!/\p{Script=Han}/u.test(t)) assert.equal(back, t.trim().replace(/\s+/g, ' '));
      }),
      { numRuns: 3000 },
    );
    assert.equal(
      shown(words('美国总统 拜登 在 G20 峰会上说：“Build Back Better.”')),
      '美国总统拜登在G20峰会上说：“Build Back Better.”',
    );
  });

  it('show an excerpt with the whole match highlighted, even where it ends the excerpt', () => {
    const index = words('习近平同美国总统拜登举行视频会晤');
    const wanted = phraseWords('视频会晤');
    const [at] = phraseAt(index, wanted);
    assert.ok(at !== undefined);
    const marks = index.map((_, i) => (i >= at && i < at + wanted.length ? MARK.WHOLE : MARK.NONE));
    assert.deepEqual(wordsToText(index, marks), [
      { text: '习近平同美国总统拜登举行', marked: false },
      { text: '视频会晤', marked: true },
    ]);
    // An excerpt is a window of the words: its last pair shows both characters.
    const window = index.slice(0, at + 2);
    assert.deepEqual(
      wordsToText(window, marks.slice(0, at + 2)).map((p) => p.text),
      ['习近平同美国总统拜登举行', '视频会'],
    );
  });

  it('highlight only the first character of a word found by a lone character', () => {
    const index = words('中美关系');
    const marks = index.map((w) => (w.startsWith('美') ? MARK.FIRST : MARK.NONE));
    assert.deepEqual(wordsToText(index, marks), [
      { text: '中', marked: false },
      { text: '美', marked: true },
      { text: '关系', marked: false },
    ]);
  });

  it('keep a space after the full stop Pagefind puts after a heading', () => {
    // Pagefind ends a block that has no final punctuation with "." on its last word.
    assert.equal(shown(['视频', '频会', '会晤', '晤.', '据新', '新华', '华社']), '视频会晤. 据新华社');
  });
});

describe('search queries', () => {
  it('look up one Han run of three or more characters as a phrase, ranked by its pairs', () => {
    assert.deepEqual(searchQueries('芬太尼'), {
      words: '芬太 太尼',
      phrase: '"芬太 太尼"',
      pairs: new Set(['芬太', '太尼']),
    });
    assert.deepEqual(searchQueries('拜登'), { words: '拜登', phrase: null, pairs: new Set(['拜登']) });
  });

  it('look up words typed apart, and mixed runs, each as a prefix', () => {
    assert.deepEqual(searchQueries('华盛顿 拜登').phrase, null);
    assert.equal(searchQueries('华盛顿 拜登').words, '华盛 盛顿 拜登');
    // 2023年 must find 2023年度: 年 as a prefix, which a phrase (exact words) would not give.
    assert.deepEqual(searchQueries('2023年'), { words: '2023 年', phrase: null, pairs: new Set() });
    assert.equal(searchQueries('，。').words, '');
  });

  it("keep a reader's quotes as a phrase", () => {
    assert.equal(searchQueries('"G20 峰会"').phrase, '"G20 峰会"');
  });

  it('name the Chinese words a result must hold', () => {
    assert.deepEqual(hanWords('"习拜" Biden 芬太尼'), ['习拜', '芬太尼']);
  });
});
