/**
 * Traditional → Simplified folding for search. The index holds each article's text plus,
 * for Traditional articles, its Simplified form; the search page folds the reader's query
 * to Simplified with a character table, so either script finds either.
 *
 * opencc-js does the conversion at build time. The browser gets only a character table,
 * not opencc's dictionaries: character-level folding is what matching needs. The table is
 * cut into blocks of 256 code points (`foldBlocks`), and the search page fetches only the
 * blocks of the query's characters: the whole table was 18 KB of every query's download,
 * a block is ~0.2 KB.
 */
import * as OpenCC from 'opencc-js';

const toSimplified = OpenCC.Converter({ from: 'tw', to: 'cn' });

let cached: Record<string, string> | null = null;

/** The table, built once per process (it is used for the index and written for the page). */
export function sharedFoldTable(): Record<string, string> {
  cached ??= foldTable();
  return cached;
}

/**
 * Folds character by character with the same table the search page uses, so that a query
 * and the text it should find are folded alike (opencc's phrase rules would differ).
 */
export function foldToSimplified(text: string): string {
  const table = sharedFoldTable();
  let out = '';
  for (const ch of text) out += table[ch] ?? ch;
  return out;
}

/** The block of the fold table a character's entry is in (see foldBlocks); public/search.js agrees. */
export function foldBlockOf(ch: string): string {
  return (ch.codePointAt(0)! >> 8).toString(16);
}

/** The fold table cut into blocks of 256 code points, by block name; only blocks with entries. */
export function foldBlocks(table: Record<string, string>): Map<string, Record<string, string>> {
  const blocks = new Map<string, Record<string, string>>();
  for (const [from, to] of Object.entries(table)) {
    const name = foldBlockOf(from);
    const block = blocks.get(name) ?? {};
    block[from] = to;
    blocks.set(name, block);
  }
  return blocks;
}

/** Every CJK character whose Simplified form differs, as `{ traditional: simplified }`. */
export function foldTable(): Record<string, string> {
  const table: Record<string, string> = {};
  const ranges: Array<[number, number]> = [
    [0x3400, 0x4dbf],
    [0x4e00, 0x9fff],
    [0xf900, 0xfaff],
  ];
  for (const [from, to] of ranges) {
    let block = '';
    for (let code = from; code <= to; code++) block += String.fromCodePoint(code);
    const folded = Array.from(toSimplified(block) as string);
    const original = Array.from(block);
    // opencc maps character for character here; if a block's length changed, fall back to
    // converting its characters one by one.
    if (folded.length === original.length) {
      original.forEach((ch, i) => {
        if (folded[i] !== ch) table[ch] = folded[i]!;
      });
    } else {
      for (const ch of original) {
        const s = toSimplified(ch);
        if (s !== ch && Array.from(s).length === 1) table[ch] = s;
      }
    }
  }
  return table;
}
