// @ts-check
// The words of the search index, shared by the indexer (record.ts, in Node) and the
// search page (published as /search-tokens.js), so that both sides cut text the same way.
//
// Chinese is written without spaces, and a reader expects a search to find any run of
// characters, names included: 拜登, 芬太尼, 习拜 (as in 习拜会). A word segmenter cannot give
// that: Pagefind's (jieba) and the browser's (ICU) cut the same text differently, and
// neither cuts through a word (measured on 10k articles: 习拜 listed 3,078 pages where 73
// hold it). So a run of Han characters is indexed as its overlapping pairs, one word per
// position: 拜登访华 → 拜登 登访 访华 华. The last character of a run stands alone, so that
// every position holds one word starting with its character, and a one-character query
// (a prefix of those words) finds every occurrence. A query of two characters is then one
// exact word, and a longer one its pairs at consecutive positions (a phrase), which is
// exact substring matching (see searchQueries). Everything else (Latin words, numbers,
// punctuation) is kept as written, between spaces; Pagefind drops punctuation from its
// words but counts its position.
//
// Plain JavaScript with no imports: it runs in a worker thread without a loader, and in the
// browser as it is.

const HAN = /\p{Script=Han}/u;
const PIECES = /(\p{Script=Han}+)|([^\s\p{Script=Han}]+)/gu;
const WORDLIKE = /[\p{L}\p{N}]/u;

/**
 * The text as the index's words: each Han run as its overlapping pairs and its last
 * character; anything else as written.
 * @param {string} text
 * @returns {string[]}
 */
export function indexTokens(text) {
  /** @type {string[]} */
  const words = [];
  for (const [, han, other] of text.matchAll(PIECES)) {
    if (other) {
      words.push(other);
      continue;
    }
    const chars = Array.from(han ?? '');
    chars.forEach((ch, i) => words.push(ch + (chars[i + 1] ?? '')));
  }
  return words;
}

/**
 * The text as the index's words (indexTokens), separated by spaces.
 * @param {string} text
 * @returns {string}
 */
export function indexWords(text) {
  return indexTokens(text).join(' ');
}

/**
 * The overlapping pairs of a Han run.
 * @param {string[]} chars
 * @returns {string[]}
 */
function pairsOf(chars) {
  return chars.slice(1).map((ch, i) => chars[i] + ch);
}

/**
 * The index words a query word is looked up by: a Han run of two or more characters as its
 * pairs (the last character needs no word of its own: it is in the last pair), one
 * character alone (Pagefind matches it as a prefix), anything else as written, without
 * pieces that hold no letter or digit.
 * @param {string} word
 * @returns {string[]}
 */
function queryWords(word) {
  /** @type {string[]} */
  const words = [];
  for (const [, han, other] of word.matchAll(PIECES)) {
    if (other) {
      if (WORDLIKE.test(other)) words.push(other);
      continue;
    }
    const chars = Array.from(han ?? '');
    words.push(...(chars.length === 1 ? chars : pairsOf(chars)));
  }
  return words;
}

/**
 * What to ask Pagefind for what a reader typed (already folded to Simplified): `words`,
 * looked up each as a prefix, all of them required anywhere in the page (Pagefind's plain
 * search, which ranks), and `phrase`, when the words must also stand in a row (Pagefind's
 * phrase search, which matches word for word and does not rank), or null.
 *
 * A query of one Han run of three characters or more wants its pairs in a row: that is
 * exact substring matching. A phrase is not asked for otherwise: it would require an exact
 * word where a prefix is meant (`2023年` must find `2023 年度`), and Pagefind takes one
 * phrase per query. A reader's own quotes ask for the words in a row, as written.
 * `pairs` are the Han pairs among the words: a word of the index that matched one of them
 * matched whole, where one that matched a lone character matched by its first.
 * @param {string} query
 * @returns {{ words: string; phrase: string | null; pairs: Set<string> }}
 */
export function searchQueries(query) {
  const quoted = /^\s*".+"\s*$/.test(query);
  const typed = query.replace(/"/g, ' ').trim().split(/\s+/).filter(Boolean);
  const words = typed.flatMap(queryWords);
  const oneRun = typed.length === 1 && /^\p{Script=Han}{3,}$/u.test(typed[0] ?? '');
  const phrase = words.length > 1 && (quoted || oneRun) ? `"${words.join(' ')}"` : null;
  const pairs = new Set(words.filter((word) => /^\p{Script=Han}{2}$/u.test(word)));
  return { words: words.join(' '), phrase, pairs };
}

/**
 * @typedef {{ id: string; data(): Promise<unknown> }} PagefindResult
 * @typedef {{ results: PagefindResult[]; filters?: Record<string, Record<string, number>> }} PagefindAnswer
 * @typedef {{ search(term: string, options?: object): Promise<PagefindAnswer> }} Pagefind
 */

/**
 * Pagefind's answer for a (folded) query, asked in the index's words. A phrase is matched
 * by a second search, whose pages are listed in the order of the first: Pagefind's phrase
 * search finds the right pages but does not rank them. Its results are the ones kept,
 * since their excerpts are cut around the phrase.
 * @param {Pagefind} pagefind
 * @param {string} query
 * @param {object} [options] Pagefind's search options (filters, sort)
 * @returns {Promise<{ results: PagefindResult[]; filters: Record<string, Record<string, number>>; pairs: Set<string> }>}
 */
export async function find(pagefind, query, options = {}) {
  const { words, phrase, pairs } = searchQueries(query);
  if (!words) return { results: [], filters: {}, pairs };
  const ranked = await pagefind.search(words, options);
  if (!phrase) return { results: ranked.results, filters: ranked.filters ?? {}, pairs };
  const exact = await pagefind.search(phrase, options);
  const byPage = new Map(exact.results.map((result) => [result.id, result]));
  return {
    results: ranked.results.flatMap((result) => byPage.get(result.id) ?? []),
    filters: exact.filters ?? {},
    pairs,
  };
}

/**
 * The text of a fragment's content (the index's words) as written.
 * @param {string} content
 * @returns {string}
 */
export function contentText(content) {
  return wordsToText(content.split(/\s+/).filter(Boolean))
    .map((piece) => piece.text)
    .join('');
}

/**
 * The Han words of a query as a reader reads them (each typed word that holds a Han
 * character), which a result's text must hold (see the search page's check of short lists).
 * @param {string} query
 * @returns {string[]}
 */
export function hanWords(query) {
  return query
    .replace(/"/g, ' ')
    .split(/\s+/)
    .filter((word) => HAN.test(word));
}

/** A word of the index as a Han pair or character, and what Pagefind appended to it. */
const INDEX_WORD = /^(\p{Script=Han})(\p{Script=Han})?([^\p{Script=Han}]*)$/u;

/** How much of a word matched: none of it, its first character, or all of it. */
export const MARK = /** @type {const} */ ({ NONE: 0, FIRST: 1, WHOLE: 2 });

/**
 * How much of an index word Pagefind marked as a match shows highlighted: a pair of the
 * query (searchQueries `pairs`), or a Latin word, whole; a word found by a lone character
 * of the query, that character only.
 * @param {string} word
 * @param {Set<string>} pairs
 * @returns {number}
 */
export function markOf(word, pairs) {
  return pairs.has(word) || !HAN.test(word) ? MARK.WHOLE : MARK.FIRST;
}

/**
 * Index words back into text, for excerpts and checks. A pair shows its first character
 * when the next word starts with its second (as the index writes them), and both otherwise
 * (the last word of an excerpt). Other words keep a space between them, as written; so
 * does the full stop Pagefind puts after a heading. `marks[i]` (MARK) is how much of word
 * `i` matched the query: a whole pair marks its second character too, which the next word
 * shows. Returns the text in pieces, each marked or not.
 * @param {string[]} words
 * @param {number[]} [marks]
 * @returns {Array<{ text: string; marked: boolean }>}
 */
export function wordsToText(words, marks = []) {
  /** @type {Array<{ text: string; marked: boolean }>} */
  const pieces = [];
  const push = (/** @type {string} */ text, /** @type {boolean} */ marked) => {
    if (!text) return;
    const last = pieces[pieces.length - 1];
    if (last && last.marked === marked) last.text += text;
    else pieces.push({ text, marked });
  };
  // Whether the previous word's second character, shown by this word, matched.
  let carry = false;
  let spaceBefore = false;
  words.forEach((word, i) => {
    const mark = marks[i] ?? MARK.NONE;
    const han = INDEX_WORD.exec(word);
    if (!han) {
      if (spaceBefore) push(' ', false);
      push(word, mark !== MARK.NONE);
      carry = false;
      spaceBefore = true;
      return;
    }
    const [, first = '', second, rest = ''] = han;
    const next = words[i + 1];
    const shownByNext = second !== undefined && next !== undefined && next.startsWith(second);
    if (spaceBefore && /[.!?]$/.test(words[i - 1] ?? '')) push(' ', false);
    push(first, mark !== MARK.NONE || carry);
    if (second !== undefined && !shownByNext) push(second, mark === MARK.WHOLE);
    push(rest, false);
    carry = mark === MARK.WHOLE && shownByNext;
    spaceBefore = rest !== '';
  });
  return pieces;
}
