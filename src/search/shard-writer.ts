/**
 * Writes a Pagefind 1.6 bundle (a shard of index.ts) from records, without Pagefind: the
 * files Pagefind's `writeFiles` would write for the same pages, decoded word for word and
 * position for position (the tests index the same records with Pagefind and compare).
 *
 * Why: Pagefind took ~5 ms of CPU per article, over half of a full build at 10k articles.
 * Our records are not HTML that needs parsing: they are a few known blocks of text already
 * cut into the index's words (tokens.js), so the writer goes from them to the index directly
 * (measured at 10k articles, warm ingest: the build took 53.2 s with Pagefind indexing the
 * shards, 29.9 s with this writer, and wrote the same index).
 *
 * What it reproduces, from Pagefind's source (fossick/mod.rs, fossick/parser.rs,
 * index/mod.rs): the body's text as Pagefind's parser leaves it (a `.` after a block that ends
 * in a word character), cut at whitespace into positions; each word's stored forms
 * (word-forms.ts) at the block's weight (×24, compound parts sharing it); the metadata's
 * words with their field and position (`meta_locs`); positions packed by weight with
 * deltas; words sorted by their UTF-8 bytes and cut into chunks of 20,000 positions; the
 * fragments, filters, sorts and metadata, named by SHA-1 as Pagefind names them. Pagefind's
 * own runtime files (its script, worker and WebAssembly) are copied from a probe.
 *
 * Not reproduced: Pagefind reads `___PAGEFIND_…` words of the text as its own markers (of
 * weight, of anchors); here they are words (with no forms), so an article cannot change how
 * the rest of it is weighed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CborWriter } from './cbor.ts';
import { chunkRanges, shortName, SIGNATURE } from './merge.ts';
import type { PagefindRuntime, WordForm } from './word-forms.ts';

/** A run of block elements under one weight (null: the page's default, 1). */
export interface ShardSection {
  weight: number | null;
  /**
   * Each is one block element (a `<p>`, a heading): its text, the words given apart (the
   * text is them separated by spaces).
   */
  blocks: string[][];
}

export interface ShardPage {
  url: string;
  sections: ShardSection[];
  /** Metadata, as the fragment holds it and its words are indexed (with their field). */
  meta: Record<string, string>;
  filters: Record<string, string[]>;
  sort: Record<string, string>;
}

export interface ShardWriterOptions {
  /**
   * The stored forms of a word of the text (word-forms.ts), null for a word with none,
   * undefined while they are not known (see `unknownWords`).
   */
  formsOf: (word: string) => WordForm[] | null | undefined;
  /** The stored forms of a word of the metadata, likewise. */
  metaFormsOf: (word: string) => WordForm[] | null | undefined;
  /**
   * zlib level of the index, filter and metadata files: the merge reads them, the site never
   * serves them (default 0, stored: at 10k articles level 1 took ~1.1 s of CPU to write the
   * shards' 86 MB of chunks as 44 MB, and the merge ~0.2 s more to read them back; the
   * shards' folder is 140 MB instead of 100 MB).
   */
  indexLevel?: number;
  /** zlib level of the fragments, which the site serves (default 6, Pagefind's). */
  fragmentLevel?: number;
}

const LANGUAGE = 'und';
/** Pagefind's `index_chunk_size`. */
const CHUNK_SIZE = 20_000;
/** Pagefind stores a weight as weight × 24 in a byte (fossick/mod.rs). */
const WEIGHT_SCALE = 24;
const DEFAULT_WEIGHT = WEIGHT_SCALE;
/** Rust's `char::is_whitespace` (White_Space), which `split_whitespace` cuts at. */
const WHITESPACE = /\p{White_Space}+/u;
/**
 * The parser's SENTENCE_CHARS (`[\w'"\)\$\*]`, regex crate, Unicode `\w`): a block whose
 * last character is one gets a `.` appended.
 */
const SENTENCE_CHAR = /^[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}'")$*]$/u;
const ZERO_WIDTH_SPACE = /\u200b/g;

function storedWeight(weight: number | null): number {
  if (weight === null) return DEFAULT_WEIGHT;
  if (weight <= 0) return 0;
  return Math.max(1, Math.floor(Math.fround(Math.min(weight, 10) * WEIGHT_SCALE)));
}

/**
 * The parser's `normalize_content` of an attribute or element's text (HTML entities already
 * decoded here): trimmed, newlines and runs of whitespace as one space.
 */
export function normalizeContent(text: string): string {
  return text
    .replace(/^[\n\r\p{White_Space}]+|[\n\r\p{White_Space}]+$/gu, '')
    .replace(/(\n|\r\n)+/g, ' ')
    .replace(/\p{White_Space}{2,}/gu, ' ');
}

function lastCodePoint(text: string): string {
  const cp = text.codePointAt(text.length - 2);
  return cp !== undefined && cp > 0xffff ? String.fromCodePoint(cp) : (text.at(-1) ?? '');
}

/**
 * The stop Pagefind's parser appends to a block: `.` when the last character of the
 * element's HTML text is a sentence character; `&<>"` are entities there, ending in `;`.
 */
function stopOf(block: string): string {
  const last = lastCodePoint(block);
  return last !== '' && !/[&<>"]/.test(last) && SENTENCE_CHAR.test(last) ? '.' : '';
}

/** White_Space other than the space: the index's words (tokens.js) hold none. */
const OTHER_WHITESPACE = /[\t-\r\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

/**
 * The words of a block whose text is `words` separated by spaces, as Pagefind's digest cuts
 * that text: the stop appended to its last word, cut at any whitespace, U+200B removed.
 */
export function blockWords(words: readonly string[]): string[] {
  const out: string[] = [];
  const last = words.length - 1;
  words.forEach((raw, i) => {
    const word = i === last ? raw + stopOf(raw) : raw;
    const pieces = OTHER_WHITESPACE.test(word) ? word.split(WHITESPACE) : [word];
    for (const piece of pieces) {
      const bare = piece.includes('\u200b') ? piece.replace(ZERO_WIDTH_SPACE, '') : piece;
      if (bare !== '') out.push(bare);
    }
  });
  return out;
}

/** Rust's `String` order: by UTF-8 bytes (as Latin-1 strings, compared as code units). */
function utf8Key(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** Pagefind's `full_hash`: SHA-1, each byte in hex without its leading zero (`0e` → `e`). */
function sha1(bytes: Buffer | string): string {
  let hex = '';
  for (const byte of createHash('sha1').update(bytes).digest()) hex += byte.toString(16);
  return hex;
}

/** A growable list of 32-bit integers: a shard's postings are millions, kept out of the collector's way. */
class IntList {
  data = new Int32Array(4096);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }
}

/**
 * Postings as flat lists, one entry per stored form at a position: its key (a word, or one of
 * a word's diacritic variants), page, and position and weight (in text) or field and
 * position (in metadata).
 */
class Entries {
  readonly key = new IntList();
  readonly page = new IntList();
  readonly a = new IntList();
  readonly b = new IntList();

  add(key: number, page: number, a: number, b: number): void {
    this.key.push(key);
    this.page.push(page);
    this.a.push(a);
    this.b.push(b);
  }

  /**
   * The entries grouped by key, with a counting sort that keeps each key's entries in the
   * order they came (by page, then by position, as Pagefind packs them): key `k`'s are from
   * `start[k]` to `start[k + 1]`. Copied into that order once, so that writing them reads
   * memory in order (reading through an index of the entries instead cost ~0.6 µs an entry).
   */
  byKey(keys: number): Grouped {
    const start = new Int32Array(keys + 1);
    const key = this.key.data;
    const n = this.key.length;
    for (let i = 0; i < n; i++) start[key[i]! + 1] = start[key[i]! + 1]! + 1;
    for (let k = 0; k < keys; k++) start[k + 1] = start[k + 1]! + start[k]!;
    const fill = start.slice(0, keys);
    const page = new Int32Array(n);
    const a = new Int32Array(n);
    const b = new Int32Array(n);
    const [fromPage, fromA, fromB] = [this.page.data, this.a.data, this.b.data];
    for (let i = 0; i < n; i++) {
      const k = key[i]!;
      const to = fill[k]!;
      fill[k] = to + 1;
      page[to] = fromPage[i]!;
      a[to] = fromA[i]!;
      b[to] = fromB[i]!;
    }
    return { start, page, a, b };
  }
}

/** Entries grouped by key (Entries.byKey). */
interface Grouped {
  start: Int32Array;
  page: Int32Array;
  a: Int32Array;
  b: Int32Array;
}

/** A stored word and its keys: the word itself, and each variant form. */
interface WordKeys {
  word: string;
  /** The key of the word's own postings, -1 while it has none. */
  plain: number;
  variants: Map<string, number> | null;
}

/** A weight's place in Pagefind's order of a page's positions: the common 25 first, then ascending. */
function weightOrder(weight: number): number {
  return weight === 25 ? 0 : weight;
}

/**
 * Writes keys' postings as Pagefind's chunks hold them (index/mod.rs): a page list, each page
 * with its number (a delta from the one before), its positions and its metadata positions.
 * Positions go by weight (weightOrder), each weight's first after its marker `-weight - 1`
 * and the rest as deltas (positions_to_packed_page); metadata positions by field, each
 * field's after its marker `-field - 1`, as deltas from 0 (meta_positions_to_packed).
 */
class PostingsWriter {
  private readonly text: Grouped;
  private readonly meta: Grouped;
  private readonly sortable: number[] = [];

  constructor(textEntries: Entries, metaEntries: Entries, keys: number) {
    this.text = textEntries.byKey(keys);
    this.meta = metaEntries.byKey(keys);
  }

  /**
   * A word's variants in the order Pagefind lists them: as a page meets them, those of its
   * text in order of their form, then those only in its metadata; new ones of later pages
   * after them.
   */
  variantOrder(variants: Map<string, number>): Array<[string, number]> {
    const firstPage = (groups: Grouped, key: number): number =>
      groups.start[key] === groups.start[key + 1] ? Infinity : groups.page[groups.start[key]!]!;
    return [...variants]
      .map(([form, key]) => {
        const inText = firstPage(this.text, key);
        const inMeta = firstPage(this.meta, key);
        return [Math.min(inText, inMeta), inText <= inMeta ? 0 : 1, utf8Key(form), form, key] as const;
      })
      .sort((x, y) => x[0] - y[0] || x[1] - y[1] || (x[2] < y[2] ? -1 : x[2] > y[2] ? 1 : 0))
      .map(([, , , form, key]) => [form, key]);
  }

  /** Writes a key's page list (empty for -1); returns what it adds to a chunk's fill. */
  write(w: CborWriter, key: number): number {
    if (key < 0) {
      w.array(0);
      return 0;
    }
    const tPage = this.text.page;
    const mPage = this.meta.page;
    const tEnd = this.text.start[key + 1]!;
    const mEnd = this.meta.start[key + 1]!;
    // The pages: those of the text's entries and of the metadata's, merged.
    let pages = 0;
    for (let t = this.text.start[key]!, m = this.meta.start[key]!; t < tEnd || m < mEnd; pages++) {
      const page = Math.min(t < tEnd ? tPage[t]! : Infinity, m < mEnd ? mPage[m]! : Infinity);
      while (t < tEnd && tPage[t] === page) t++;
      while (m < mEnd && mPage[m] === page) m++;
    }
    w.array(pages);
    let size = 0;
    let last = 0;
    for (let t = this.text.start[key]!, m = this.meta.start[key]!; t < tEnd || m < mEnd;) {
      const page = Math.min(t < tEnd ? tPage[t]! : Infinity, m < mEnd ? mPage[m]! : Infinity);
      let tTo = t;
      while (tTo < tEnd && tPage[tTo] === page) tTo++;
      let mTo = m;
      while (mTo < mEnd && mPage[mTo] === page) mTo++;
      w.array(3).uint(page - last);
      last = page;
      size += this.writeLocs(w, t, tTo) + this.writeMetaLocs(w, m, mTo) + 1;
      t = tTo;
      m = mTo;
    }
    return size;
  }

  private writeLocs(w: CborWriter, from: number, to: number): number {
    if (from === to) {
      w.array(0);
      return 0;
    }
    const position = this.text.a;
    const weight = this.text.b;
    let uniform = true;
    const first = weight[from]!;
    for (let i = from + 1; i < to; i++) if (weight[i] !== first) uniform = false;
    if (uniform) {
      const marker = first !== 25;
      w.array(to - from + (marker ? 1 : 0));
      if (marker) w.int(-first - 1);
      let lastPosition = 0;
      for (let i = from; i < to; i++) {
        w.uint(position[i]! - lastPosition);
        lastPosition = position[i]!;
      }
      return to - from + (marker ? 1 : 0);
    }
    const sorted = this.sortable;
    sorted.length = 0;
    for (let i = from; i < to; i++) sorted.push(i);
    sorted.sort((a, b) => weightOrder(weight[a]!) - weightOrder(weight[b]!) || position[a]! - position[b]! || a - b);
    let markers = 0;
    for (let i = 0, current = 25; i < sorted.length; i++) {
      const wt = weight[sorted[i]!]!;
      if (wt !== current) {
        markers++;
        current = wt;
      }
    }
    const count = sorted.length + markers;
    w.array(count);
    let current = 25;
    let lastPosition = 0;
    for (const e of sorted) {
      const wt = weight[e]!;
      const p = position[e]!;
      if (wt !== current) {
        w.int(-wt - 1).uint(p);
        current = wt;
      } else {
        w.uint(p - lastPosition);
      }
      lastPosition = p;
    }
    return count;
  }

  private writeMetaLocs(w: CborWriter, from: number, to: number): number {
    const field = this.meta.a;
    const position = this.meta.b;
    // The metadata's entries come by field, then position (the page's fields are walked in order).
    let markers = 0;
    for (let i = from, current = -1; i < to; i++) {
      if (field[i] !== current) {
        markers++;
        current = field[i]!;
      }
    }
    const count = to - from + markers;
    w.array(count);
    let current = -1;
    let lastPosition = 0;
    for (let i = from; i < to; i++) {
      const f = field[i]!;
      const p = position[i]!;
      if (f !== current) {
        w.int(-f - 1);
        current = f;
        lastPosition = 0;
      }
      w.uint(p - lastPosition);
      lastPosition = p;
    }
    return count;
  }
}

/**
 * A distinct word of the shard's text: its forms, and the postings each form goes to. A page
 * holds its words as slots, so that a position costs no lookup by string when it is indexed.
 */
interface Slot {
  word: string;
  forms: WordForm[] | null | undefined;
  /** The key of each form (see WordKeys), found on first use. */
  keys: number[] | null;
  /** How many of the forms are compound parts (they share the weight). */
  parts: number;
}

/** A page's words, cut once when it is added: the text's sections and the metadata's values. */
interface CutPage {
  page: ShardPage;
  sections: Array<{ weight: number; slots: Slot[] }>;
  meta: Array<[field: string, words: string[]]>;
}

/**
 * Entries sorted by their keys' UTF-8 bytes (Rust's `String` order). Without surrogates, the
 * strings' own order (by UTF-16 code units) is that order, and needs no conversion.
 */
function byUtf8<T>(entries: Iterable<[string, T]>): Array<[string, T]> {
  const list = [...entries];
  if (!list.some(([k]) => SURROGATE.test(k))) return list.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return list
    .map(([k, v]) => [utf8Key(k), k, v] as const)
    .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
    .map(([, k, v]) => [k, v]);
}

const SURROGATE = /[\ud800-\udfff]/;

export class ShardWriter {
  private readonly pages: CutPage[] = [];
  private readonly slots = new Map<string, Slot>();
  private readonly metaWords = new Map<string, WordForm[] | null | undefined>();

  constructor(private readonly options: ShardWriterOptions) {}

  add(page: ShardPage): void {
    const sections = page.sections.map((s) => {
      const slots: Slot[] = [];
      for (const block of s.blocks) {
        for (const word of blockWords(block)) {
          let slot = this.slots.get(word);
          if (!slot) this.slots.set(word, (slot = { word, forms: this.options.formsOf(word), keys: null, parts: 0 }));
          slots.push(slot);
        }
      }
      return { weight: storedWeight(s.weight), slots };
    });
    const meta = byUtf8(Object.entries(page.meta).map(([k, v]) => [k, normalizeContent(v)] as [string, string])).map(
      ([field, value]) => [field, value.split(WHITESPACE).filter((w) => w !== '')] as [string, string[]],
    );
    for (const [, words] of meta)
      for (const w of words) if (!this.metaWords.has(w)) this.metaWords.set(w, this.options.metaFormsOf(w));
    this.pages.push({ page, sections, meta });
  }

  /** The words of the pages' text and metadata whose forms were not known when they were added. */
  unknownWords(): { content: string[]; meta: string[] } {
    const content: string[] = [];
    for (const slot of this.slots.values()) if (slot.forms === undefined) content.push(slot.word);
    const meta: string[] = [];
    for (const [word, forms] of this.metaWords) if (forms === undefined) meta.push(word);
    return { content, meta };
  }

  /** Writes the bundle into `dir`, replacing what is there, with Pagefind's runtime files. */
  write(dir: string, runtime: PagefindRuntime): { pages: number; words: number } {
    const { formsOf, metaFormsOf } = this.options;
    const fieldSet = new Set<string>();
    for (const p of this.pages) for (const [field] of p.meta) fieldSet.add(field);
    const fields = byUtf8([...fieldSet].map((f) => [f, f] as [string, string])).map(([f]) => f);
    const fieldIds = new Map(fields.map((f, i) => [f, i]));

    const words = new Map<string, WordKeys>();
    const keyCount = { n: 0 };
    const keyOf = (word: string, original: string | null): number => {
      let w = words.get(word);
      if (!w) words.set(word, (w = { word, plain: -1, variants: null }));
      if (original === null) {
        if (w.plain < 0) w.plain = keyCount.n++;
        return w.plain;
      }
      w.variants ??= new Map();
      let key = w.variants.get(original);
      if (key === undefined) w.variants.set(original, (key = keyCount.n++));
      return key;
    };
    const keysOf = (slot: Slot): number[] => {
      if (slot.keys) return slot.keys;
      slot.forms ??= formsOf(slot.word) ?? null;
      const forms = slot.forms ?? [];
      slot.parts = forms.filter((f) => f.part).length;
      slot.keys = forms.map((f) => keyOf(f.word, f.original));
      return slot.keys;
    };
    const text = new Entries();
    const metaEntries = new Entries();
    const fragmentNames = new Set<string>();
    const fragments: Array<{ name: string; json: string; wordCount: number }> = [];
    const filters = new Map<string, Map<string, number[]>>();
    const sorts = new Map<string, Array<[string, number]>>();

    this.pages.forEach(({ page, sections, meta }, number) => {
      const content: string[] = [];
      let position = 0;
      for (const { weight, slots } of sections) {
        for (const slot of slots) {
          content.push(slot.word);
          const keys = keysOf(slot);
          if (keys.length === 1 && slot.parts === 0) {
            text.add(keys[0]!, number, position, weight);
          } else if (keys.length > 0) {
            const partial =
              slot.parts > 0 && weight > 0 ? Math.max(1, Math.floor(weight / Math.min(slot.parts, 255))) : 0;
            const forms = slot.forms!;
            for (let k = 0; k < keys.length; k++)
              text.add(keys[k]!, number, position, forms[k]!.part ? partial : weight);
          }
          position++;
        }
      }
      for (const [field, fieldWords] of meta) {
        const id = fieldIds.get(field)!;
        fieldWords.forEach((word, i) => {
          let forms = this.metaWords.get(word);
          if (forms === undefined) this.metaWords.set(word, (forms = metaFormsOf(word) ?? null));
          for (const f of forms ?? []) metaEntries.add(keyOf(f.word, f.original), number, id, i);
        });
      }

      const pageFilters = byUtf8(
        Object.entries(page.filters).map(([k, v]) => [k, v.map(normalizeContent)] as [string, string[]]),
      );
      for (const [filter, values] of pageFilters) {
        let byValue = filters.get(filter);
        if (!byValue) filters.set(filter, (byValue = new Map()));
        for (const value of values) {
          const list = byValue.get(value) ?? [];
          byValue.set(value, list);
          list.push(number);
        }
      }
      for (const [sort, value] of Object.entries(page.sort)) {
        const list = sorts.get(sort) ?? [];
        sorts.set(sort, list);
        list.push([normalizeContent(value), number]);
      }
      const wordCount = Math.max(position, 1);
      const json = JSON.stringify({
        url: page.url,
        content: content.join(' '),
        word_count: wordCount,
        filters: Object.fromEntries(pageFilters),
        meta: Object.fromEntries(meta.map(([field]) => [field, normalizeContent(page.meta[field]!)])),
        anchors: [],
      });
      fragments.push({ name: shortName(LANGUAGE, sha1(json), fragmentNames), json, wordCount });
    });
    const pageCount = this.pages.length;
    this.pages.length = 0;
    this.slots.clear();

    const indexLevel = this.options.indexLevel ?? 0;
    const fragmentLevel = this.options.fragmentLevel ?? 6;
    const files = new Map<string, Buffer>();
    const pack = (cbor: Buffer | string, level: number): Buffer =>
      gzipSync(Buffer.concat([SIGNATURE, Buffer.from(cbor)]), { level });

    for (const f of fragments) files.set(`fragment/${f.name}.pf_fragment`, pack(f.json, fragmentLevel));

    // Words: sorted by their bytes, cut where a chunk reaches CHUNK_SIZE positions.
    const postings = new PostingsWriter(text, metaEntries, keyCount.n);
    const sorted = byUtf8(words);
    const chunkNames = new Set<string>();
    const chunks: Array<{ from: string; to: string; hash: string }> = [];
    let body = new CborWriter(8);
    let count = 0;
    let first = '';
    let lastWord = '';
    let size = 0;
    const closeChunk = (): void => {
      const cbor = body.finish(new CborWriter().array(1).array(count).finish());
      const name = shortName(LANGUAGE, sha1(cbor), chunkNames);
      files.set(`index/${name}.pf_index`, pack(cbor, indexLevel));
      chunks.push({ from: first, to: lastWord, hash: name });
      body = new CborWriter(8);
      count = 0;
      size = 0;
    };
    for (const [word, keys] of sorted) {
      const variants = keys.variants ? postings.variantOrder(keys.variants) : [];
      body.array(3).text(word);
      size += postings.write(body, keys.plain);
      body.array(variants.length);
      for (const [form, key] of variants) {
        body.array(2).text(form);
        size += postings.write(body, key);
      }
      size += variants.length;
      if (count === 0) first = word;
      lastWord = word;
      count++;
      if (size >= CHUNK_SIZE) closeChunk();
    }
    if (count > 0) closeChunk();
    const ranges = chunkRanges(chunks);

    const filterNames = new Set<string>();
    const metaFilters: Array<{ filter: string; hash: string }> = [];
    for (const [filter, byValue] of byUtf8(filters)) {
      const values = byUtf8(byValue);
      const w = new CborWriter().array(2).text(filter).array(values.length);
      for (const [value, pages] of values) {
        w.array(2).text(value).array(pages.length);
        for (const p of pages) w.uint(p);
      }
      const cbor = w.finish();
      const name = shortName(LANGUAGE, sha1(cbor), filterNames);
      metaFilters.push({ filter, hash: name });
      files.set(`filter/${name}.pf_filter`, pack(cbor, indexLevel));
    }

    const meta = new CborWriter().array(6).text(runtime.entry.version).array(fragments.length);
    for (const f of fragments) meta.array(3).text(f.name).uint(f.wordCount).text('');
    meta.array(chunks.length);
    chunks.forEach((c, i) => meta.array(3).text(ranges[i]!.from).text(ranges[i]!.to).text(c.hash));
    meta.array(metaFilters.length);
    for (const f of metaFilters) meta.array(2).text(f.filter).text(f.hash);
    const sortList = byUtf8(sorts);
    meta.array(sortList.length);
    for (const [sort, values] of sortList) {
      meta.array(2).text(sort).array(values.length);
      for (const page of sortOrder(values)) meta.uint(page);
    }
    meta.array(fields.length);
    for (const f of fields) meta.text(f);
    const metaCbor = meta.finish();
    const metaHash = `${LANGUAGE}_${sha1(metaCbor).slice(0, LANGUAGE.length + 8)}`;
    files.set(`pagefind.${metaHash}.pf_meta`, pack(metaCbor, indexLevel));

    const { entry } = runtime;
    files.set(
      'pagefind-entry.json',
      Buffer.from(
        JSON.stringify({
          version: entry.version,
          languages: {
            [LANGUAGE]: { hash: metaHash, wasm: entry.languages[LANGUAGE]?.wasm ?? null, page_count: pageCount },
          },
          include_characters: entry.include_characters,
        }),
      ),
    );
    for (const f of runtime.files) files.set(f.path, f.content);

    rmSync(dir, { recursive: true, force: true });
    for (const [path, bytes] of files) {
      const file = join(dir, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, bytes);
    }
    return { pages: pageCount, words: sorted.length };
  }
}

/**
 * index/mod.rs: a sort's pages in order of their values, as numbers when every value reads
 * as one (an i32, else an f32: Pagefind compares them as f32, so close values tie and keep
 * page order), else by their bytes.
 */
function sortOrder(values: Array<[string, number]>): number[] {
  const numberOf = (v: string): number | null => {
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) return null;
    return Math.fround(Number(v));
  };
  const numbers = values.map(([v]) => numberOf(v));
  const numeric = numbers.every((n) => n !== null);
  const order = values.map((v, i) => i);
  order.sort((a, b) => {
    const c = numeric
      ? numbers[a]! - numbers[b]!
      : utf8Key(values[a]![0]) < utf8Key(values[b]![0])
        ? -1
        : utf8Key(values[a]![0]) > utf8Key(values[b]![0])
          ? 1
          : 0;
    return c !== 0 ? c : a - b;
  });
  return order.map((i) => values[i]![1]);
}
