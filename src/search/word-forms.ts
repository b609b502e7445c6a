/**
 * The words Pagefind 1.6 indexes for one whitespace-free word of a page (its
 * `get_indexable_words`, for a language without a stemmer, as the index's `und` is).
 *
 * The shard writer (shard-writer.ts) builds Pagefind's index itself and needs, for every word
 * of the text, the exact forms Pagefind would store: the word lowercased without its
 * punctuation, its form without diacritics (the stored word, the original kept as a
 * variant), the parts of a compound (`foo-bar` → `foo`, `bar`, at a share of the weight),
 * emoji on their own. Those rules are Pagefind's own and partly undocumented (camel case,
 * digits, acronyms and some scripts are cut by the `convert_case` crate, and katakana runs
 * get their suffixes: `カタカナ` → `タカナ`, `カナ`). So only two kinds of word, which are
 * nearly all of an archive of Chinese news, are decided here, where the rules are plain:
 * a run of CJK ideographs, and a Latin or digit word with no capital after its first letter.
 * Every other word is asked of Pagefind itself (`probeForms`): all of a shard's such words
 * on one page, whose index tells each word's forms by its position.
 */
import { close, createIndex } from 'pagefind';
import { CborReader } from './cbor.ts';
import { unpack } from './merge.ts';

/** One word Pagefind stores for a word of the text. */
export interface WordForm {
  /** The stored word (lowercased, without punctuation or diacritics). */
  word: string;
  /** The form with its diacritics, when it differs: Pagefind stores it as the word's variant. */
  original: string | null;
  /** A part of a compound word: it gets the word's weight divided by the number of parts. */
  part: boolean;
}

/**
 * Ideographs (CJK Unified, extension A, compatibility excluded: those change under NFD):
 * letters without case or decomposition, so a run of them is one word, as written.
 */
const IDEOGRAPHS = /^[\u3400-\u4dbf\u4e00-\u9fff]+$/;
/** ASCII letters and digits, with at most the first letter a capital: lowercased, whole. */
const PLAIN_LATIN = /^[A-Za-z0-9][a-z0-9]*$/;

/** The forms of a word when the rules are plain (see the module comment), else null. */
export function plainForms(word: string): WordForm[] | null {
  if (IDEOGRAPHS.test(word)) return [{ word, original: null, part: false }];
  if (PLAIN_LATIN.test(word)) return [{ word: word.toLowerCase(), original: null, part: false }];
  return null;
}

/**
 * What ends a probe page's text: a word that is always stored (Pagefind leaves out a page
 * without one, with its metadata), then one that takes no sentence stop (Pagefind appends
 * `.` to a block that ends in a word character, which would change the last word).
 */
const PROBE_END = ['probe', '。'];

/** The weight a probe page gives its words: a part's weight (its share) then differs from it. */
const PROBE_WEIGHT = 10;
const PROBE_WEIGHT_STORED = PROBE_WEIGHT * 24;

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function reader(bytes: Uint8Array): CborReader {
  return new CborReader(unpack(bytes, 'a probe index'), 'a probe index');
}

/** Pagefind's runtime files (the script, its worker, the WebAssembly) and its entry, from a probe. */
export interface PagefindRuntime {
  files: Array<{ path: string; content: Buffer }>;
  entry: { version: string; languages: Record<string, { wasm: string | null }>; include_characters: string[] };
}

/** The forms Pagefind stores for words of a page's text, and for words of its metadata. */
export interface ProbedForms {
  content: Map<string, WordForm[]>;
  /** A metadata word's forms: not always a text word's (no suffixes of compounds). */
  meta: Map<string, WordForm[]>;
  runtime: PagefindRuntime;
}

/**
 * Asks Pagefind for the forms of `words` in a page's text and of `metaWords` in its
 * metadata (none with whitespace or U+200B, none starting with `___PAGEFIND_`, which
 * Pagefind reads as its own markers): indexes them as one page, word `i` at position `i` of
 * the text or of a metadata field, and reads each position's forms back from the index. A
 * part is told by its weight, the page's divided by the number of parts. Also returns
 * Pagefind's runtime files, which the shards' bundles carry.
 *
 * The page's text, as Pagefind kept it, must be the words as given: a word Pagefind cut in
 * two or dropped would move every later word's forms onto the wrong word. If it is not, the
 * words are asked again one page each, and a word Pagefind does not keep as given alone
 * gets no forms.
 */
export async function probeForms(words: string[], metaWords: string[]): Promise<ProbedForms> {
  const whole = await probePages([{ text: words, meta: metaWords }]);
  const page = whole.pages[0]!;
  if (page.textKept && page.metaKept) {
    return {
      content: new Map(words.map((word, i) => [word, page.text[i]!])),
      meta: new Map(metaWords.map((word, i) => [word, page.meta[i]!])),
      runtime: whole.runtime,
    };
  }
  const count = Math.max(words.length, metaWords.length);
  const single = await probePages(
    Array.from({ length: count }, (_, i) => ({
      text: i < words.length ? [words[i]!] : [],
      meta: i < metaWords.length ? [metaWords[i]!] : [],
    })),
  );
  // A word Pagefind still does not keep as given, alone, is not one word to it: its forms
  // are none, where its place's would be another word's.
  return {
    content: new Map(words.map((word, i) => [word, single.pages[i]!.textKept ? single.pages[i]!.text[0]! : []])),
    meta: new Map(metaWords.map((word, i) => [word, single.pages[i]!.metaKept ? single.pages[i]!.meta[0]! : []])),
    runtime: single.runtime,
  };
}

/** Each probe page's forms by position, and whether Pagefind kept its text's and metadata's words as given. */
async function probePages(pages: Array<{ text: string[]; meta: string[] }>): Promise<{
  pages: Array<{ text: WordForm[][]; meta: WordForm[][]; textKept: boolean; metaKept: boolean }>;
  runtime: PagefindRuntime;
}> {
  const { index, errors } = await createIndex({ forceLanguage: 'und' });
  if (!index) throw new Error(`Pagefind could not start: ${errors.join('; ')}`);
  for (const [i, page] of pages.entries()) {
    const body = [...page.text.map(escapeHtml), ...PROBE_END].join(' ');
    const html =
      `<html><body><div data-pagefind-meta="probe">${page.meta.map(escapeHtml).join(' ')}</div>` +
      `<main data-pagefind-body><p data-pagefind-weight="${PROBE_WEIGHT}">${body}</p></main></body></html>`;
    const added = await index.addHTMLFile({ url: `/${i}/`, content: html });
    if (added.errors.length > 0) throw new Error(`Pagefind probe: ${added.errors.join('; ')}`);
  }
  const got = await index.getFiles();
  if (got.errors.length > 0) throw new Error(`Pagefind probe: ${got.errors.join('; ')}`);
  await index.deleteIndex();
  const files = new Map(got.files.map((f) => [f.path, Buffer.from(f.content)]));
  const entryFile = files.get('pagefind-entry.json');
  if (!entryFile) throw new Error('Pagefind probe: no pagefind-entry.json');
  const entry = JSON.parse(entryFile.toString('utf8')) as PagefindRuntime['entry'] & {
    languages: Record<string, { hash: string }>;
  };
  const meta = files.get(`pagefind.${entry.languages.und?.hash}.pf_meta`);
  if (!meta) throw new Error('Pagefind probe: no index metadata for und');
  const r = reader(meta);
  r.struct(6, 'the metadata');
  r.text();
  const fragments: string[] = [];
  for (let n = r.array(); n > 0; n--) {
    r.struct(3, 'a page');
    fragments.push(r.text());
    r.uint();
    r.text();
  }
  const chunks: string[] = [];
  for (let n = r.array(); n > 0; n--) {
    r.struct(3, 'a chunk');
    r.text();
    r.text();
    chunks.push(r.text());
  }
  // Each page is told by its URL (Pagefind leaves out a page with no word to store, which
  // PROBE_END prevents).
  const result = pages.map((page) => ({
    text: page.text.map((): WordForm[] => []),
    meta: page.meta.map((): WordForm[] => []),
    textKept: true,
    metaKept: true,
  }));
  const numbered = fragments.map((hash) => {
    const fragment = files.get(`fragment/${hash}.pf_fragment`);
    if (!fragment) throw new Error(`Pagefind probe: no fragment ${hash}`);
    const kept = JSON.parse(unpack(fragment, 'a probe fragment').toString('utf8')) as {
      url: string;
      content: string;
      meta: Record<string, string>;
    };
    const i = Number(/^\/(\d+)\/$/.exec(kept.url)?.[1] ?? NaN);
    const page = pages[i];
    if (!page) throw new Error(`Pagefind probe: a page it was not given (${kept.url})`);
    result[i]!.textKept = kept.content === [...page.text, ...PROBE_END].join(' ');
    result[i]!.metaKept = (kept.meta.probe ?? '') === page.meta.join(' ');
    return i;
  });
  const record = (page: number, word: string, original: string | null, locs: number[], metaLocs: number[]): void => {
    const into = result[numbered[page] ?? -1];
    if (!into) return;
    let weight = 0;
    let position = 0;
    for (let i = 0; i < locs.length; i++) {
      const value = locs[i]!;
      if (value < 0) {
        weight = -value - 1;
        position = locs[++i]!;
      } else {
        position += value;
      }
      into.text[position]?.push({ word, original, part: weight !== PROBE_WEIGHT_STORED });
    }
    // One field: its marker, then positions as deltas from 0.
    position = 0;
    for (const value of metaLocs) {
      if (value < 0) continue;
      position += value;
      into.meta[position]?.push({ word, original, part: false });
    }
  };
  const readPages = (c: CborReader, word: string, original: string | null): void => {
    let page = 0;
    for (let n = c.array(); n > 0; n--) {
      c.struct(3, 'a word page');
      page += c.uint();
      const locs: number[] = [];
      for (let k = c.array(); k > 0; k--) locs.push(c.int());
      const metaLocs: number[] = [];
      for (let k = c.array(); k > 0; k--) metaLocs.push(c.int());
      record(page, word, original, locs, metaLocs);
    }
  };
  for (const hash of chunks) {
    const file = files.get(`index/${hash}.pf_index`);
    if (!file) throw new Error(`Pagefind probe: no chunk ${hash}`);
    const c = reader(file);
    c.struct(1, 'a chunk');
    for (let n = c.array(); n > 0; n--) {
      c.struct(3, 'a word');
      const word = c.text();
      readPages(c, word, null);
      for (let v = c.array(); v > 0; v--) {
        c.struct(2, 'a variant');
        const form = c.text();
        readPages(c, word, form);
      }
    }
  }
  for (const page of result) {
    page.text = page.text.map(canonical);
    page.meta = page.meta.map(canonical);
  }
  const runtime: PagefindRuntime = {
    files: [...files]
      .filter(([path]) => /^(pagefind\.js|pagefind-worker\.js|wasm\.[^/]+\.pagefind)$/.test(path))
      .map(([path, content]) => ({ path, content })),
    entry,
  };
  return { pages: result, runtime };
}

/** The forms in one order, whatever order the index listed them in (it lists by word). */
function canonical(forms: WordForm[]): WordForm[] {
  const key = (f: WordForm): string => `${f.part ? 1 : 0}\u0000${f.word}\u0000${f.original ?? ''}`;
  return forms.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

const ZERO_WIDTH_SPACE = /\u200b/g;
/** Words Pagefind would read as its own markers: not asked of it (see shard-writer.ts). */
const MARKER = /^___PAGEFIND_/;

/**
 * The forms of words, as a shard writer asks for them: decided by the plain rules, or asked
 * of Pagefind (`ask`) once per word for as long as the table lives, in text and in metadata
 * apart. A metadata word with U+200B is looked up without it (Pagefind keeps it there: rare
 * enough in a headline not to ask for).
 */
export class WordFormTable {
  private readonly asked = { content: new Map<string, WordForm[]>(), meta: new Map<string, WordForm[]>() };
  /** Pagefind's runtime files, from the first probe. */
  runtime: PagefindRuntime | null = null;

  private lookup(kind: 'content' | 'meta', word: string): WordForm[] | null | undefined {
    const bare = word.replace(ZERO_WIDTH_SPACE, '');
    if (bare === '' || MARKER.test(bare)) return null;
    return plainForms(bare) ?? this.asked[kind].get(bare);
  }

  readonly formsOf = (word: string): WordForm[] | null | undefined => this.lookup('content', word);
  readonly metaFormsOf = (word: string): WordForm[] | null | undefined => this.lookup('meta', word);

  /** Asks Pagefind the forms of these words (those the table could not give), and its runtime files. */
  async ask(words: { content: string[]; meta: string[] }): Promise<PagefindRuntime> {
    const bare = (list: string[]): string[] => [...new Set(list.map((w) => w.replace(ZERO_WIDTH_SPACE, '')))];
    if (words.content.length > 0 || words.meta.length > 0 || !this.runtime) {
      const probed = await probeForms(bare(words.content), bare(words.meta));
      for (const [word, forms] of probed.content) this.asked.content.set(word, forms);
      for (const [word, forms] of probed.meta) this.asked.meta.set(word, forms);
      this.runtime = probed.runtime;
    }
    return this.runtime;
  }
}

/** Ends the Pagefind service this thread started for its probes. */
export const closeProbes = close;
