/**
 * Merges Pagefind bundles (the shards of index.ts) into one bundle, as Pagefind would have
 * written had it indexed all their pages in one process, in shard order.
 *
 * Why: Pagefind can only be given bounded shards (its time and memory per page grow with an
 * index), but a reader who searches shards pays for each one. Pagefind cuts an index into
 * chunks of 20,000 word positions, and a query word loads its chunk from every shard: at 10k
 * articles in 19 shards, one word cost ~0.5–1.5 MB, against ~30–60 KB from one index, and
 * each shard's scores came from its own statistics. Pagefind has no merge of its own at build
 * time (`mergeIndex` merges in the browser), so this writes one from the bundles' files.
 *
 * It streams: the shards' words come out of their chunks in sorted order and are merged like
 * sorted runs, so memory holds one chunk per shard and a range's compressed chunks, not the
 * index. The words are merged in ranges (mergeRanges), each on a thread of its own where
 * there are cores to spare, and each range starts a chunk: a range's chunks do not depend
 * on the others', and their names (which must be told apart across ranges) are given here
 * in range order, so the bundle is the same whatever the number of threads. Positions are
 * copied as CBOR bytes, never decoded; only page numbers are rewritten (Pagefind stores each
 * word's pages as deltas). Written against Pagefind 1.6's format (index/index_words.rs,
 * index_metadata.rs, index_filter.rs): a bundle with another version, or with more than one
 * language, is refused with an error that names it, and the tests compare the merge with
 * Pagefind's own single index of the same pages.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { gunzipSync, gzip } from 'node:zlib';
import { workerUrl } from '../compiled.ts';
import { placeFile } from '../site/place-file.ts';
import { CborReader, CborWriter } from './cbor.ts';

const gzipAsync = promisify(gzip);
/**
 * zlib's level 5, not Pagefind's 6: on a 10k archive's chunks (78 MB of CBOR), level 6 took
 * 3.1 s of CPU for 33.1 MB and level 5 2.1 s for 33.4 MB (level 4: 1.3 s, 35.1 MB).
 */
const GZIP = { level: 5 };

/** The version of Pagefind's index format this code reads and writes. */
export const PAGEFIND_FORMAT = '1.6.0';
/** Pagefind's `index_chunk_size`: a chunk closes once it holds this many positions. */
const CHUNK_SIZE = 20_000;
/**
 * A word with this many positions or more gets a chunk of its own (see MergeOptions
 * `loneWord`).
 */
export const LONE_WORD = CHUNK_SIZE / 2;
/**
 * A page's word count, as the merged bundle keeps it: rounded to 5 significant bits (within
 * 1/32). Pagefind reads it only to rank (BM25's page length against the average), where
 * that moves a score by less than 1/32; but exact counts are a tenth of what every query
 * downloads (its metadata's page list: 72 KB at 10k articles, 60 KB with the counts
 * rounded, which then repeat and compress).
 */
export function rankingWordCount(count: number): number {
  const step = 2 ** Math.max(0, Math.floor(Math.log2(Math.max(1, count))) - 4);
  return Math.round(count / step) * step;
}

/** Pagefind's files are gzip of this signature and the CBOR. */
export const SIGNATURE = Buffer.from('pagefind_dcd');
/** The files of a bundle the search page loads, besides the index itself. */
const RUNTIME_FILES = ['pagefind.js', 'pagefind-worker.js'];

export interface MergeShard {
  /** A Pagefind bundle as `writeFiles` left it. */
  dir: string;
  /**
   * Each sort's value for each page, by Pagefind's page number (the order the pages were
   * added): a bundle keeps only the order of its pages, and the merge needs the values.
   */
  sortValues: Record<string, string[]>;
}

export interface MergeOptions {
  shards: MergeShard[];
  /** Where the merged bundle goes: its files are replaced, and files it no longer has removed. */
  outDir: string;
  /** Files of `outDir` that are not the bundle's and stay. */
  keep?: string[];
  /**
   * A word with this many positions or more is alone in its chunk (default LONE_WORD;
   * Infinity cuts the chunks where Pagefind does). A query loads the whole chunk of each of
   * its words, and Pagefind closes a chunk on the word that fills it, so a common word came
   * with up to a chunk of others: at 10k articles `拜登` (46 KB) loaded 55–69 KB. It costs a
   * chunk more in the list every query loads per such word (77 at 10k, ~1 KB).
   */
  loneWord?: number;
  /**
   * Ranges of words merged apart, each on a thread of its own when there are cores (default
   * from the shards' chunk count, see mergeRanges). Every range starts a chunk, so the
   * bundle depends on the ranges, never on how many threads ran them.
   */
  ranges?: number;
  /**
   * Threads that merge ranges at once, this one included (default: one fewer than the
   * cores, for the chunks' compression, ~45 % of the merge's CPU, which runs on Node's
   * thread pool: on two cores a second merging thread made the merge no faster).
   */
  threads?: number;
}

export interface MergeResult {
  pages: number;
  words: number;
  chunks: number;
}

interface Entry {
  version: string;
  languages: Record<string, { hash: string; wasm: string | null; page_count: number }>;
  [key: string]: unknown;
}

interface Meta {
  version: string;
  pages: Array<{ hash: string; wordCount: number; group: string }>;
  chunks: Array<{ from: string; to: string; hash: string }>;
  filters: Array<{ filter: string; hash: string }>;
  sorts: Array<{ sort: string; pages: number[] }>;
  fields: string[];
}

interface Shard {
  dir: string;
  language: string;
  entry: Entry;
  meta: Meta;
  /** Added to the shard's page numbers in the merged bundle. */
  offset: number;
  sortValues: Record<string, string[]>;
}

/**
 * A word's pages in one shard, left as CBOR bytes: only the first page's number must change
 * when the lists of several shards are joined (the others are deltas within the list), so
 * the rest is copied as it is.
 */
interface Pages {
  bytes: Buffer;
  count: number;
  /** The first and last page's numbers in the merged bundle. */
  first: number;
  last: number;
  /** Where the bytes after the first page's number start, and where the list ends. */
  rest: number;
  end: number;
  /** Positions, as Pagefind counts them to cut chunks. */
  size: number;
}

interface Word {
  word: Buffer;
  /** The word's bytes as a Latin-1 string: it compares as the bytes do, and faster. */
  key: string;
  pages: Pages[];
  variants: Array<{ form: Buffer; pages: Pages[] }>;
}

/** A Pagefind file's content after its signature (it is gzip of both). */
export function unpack(bytes: Uint8Array, file: string): Buffer {
  const plain = gunzipSync(bytes);
  if (!plain.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new Error(`${file}: not a Pagefind file`);
  return plain.subarray(SIGNATURE.length);
}

/** Synchronous: the files are small (a chunk is ~100 KB), and the merge waits for each. */
function readPacked(file: string): CborReader {
  return new CborReader(unpack(readFileSync(file), file), file);
}

function pack(cbor: Buffer): Promise<Buffer> {
  return gzipAsync(Buffer.concat([SIGNATURE, cbor]), GZIP);
}

/** Room for the signature and a chunk's head (an array of one array), before its words. */
const CHUNK_RESERVE = SIGNATURE.length + 6;

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Rust's `String` order, which Pagefind's chunks are sorted by: UTF-8 bytes. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function readMeta(r: CborReader): Meta {
  r.struct(6, 'the metadata');
  const version = r.text();
  const pages: Meta['pages'] = [];
  for (let n = r.array(); n > 0; n--) {
    r.struct(3, 'a page');
    pages.push({ hash: r.text(), wordCount: r.uint(), group: r.text() });
  }
  const chunks: Meta['chunks'] = [];
  for (let n = r.array(); n > 0; n--) {
    r.struct(3, 'a chunk');
    chunks.push({ from: r.text(), to: r.text(), hash: r.text() });
  }
  const filters: Meta['filters'] = [];
  for (let n = r.array(); n > 0; n--) {
    r.struct(2, 'a filter');
    filters.push({ filter: r.text(), hash: r.text() });
  }
  const sorts: Meta['sorts'] = [];
  for (let n = r.array(); n > 0; n--) {
    r.struct(2, 'a sort');
    const sort = r.text();
    const order: number[] = [];
    for (let k = r.array(); k > 0; k--) order.push(r.uint());
    sorts.push({ sort, pages: order });
  }
  const fields: string[] = [];
  for (let n = r.array(); n > 0; n--) fields.push(r.text());
  return { version, pages, chunks, filters, sorts, fields };
}

function writeMeta(meta: Meta): Buffer {
  const w = new CborWriter().array(6).text(meta.version).array(meta.pages.length);
  for (const p of meta.pages) w.array(3).text(p.hash).uint(p.wordCount).text(p.group);
  w.array(meta.chunks.length);
  for (const c of meta.chunks) w.array(3).text(c.from).text(c.to).text(c.hash);
  w.array(meta.filters.length);
  for (const f of meta.filters) w.array(2).text(f.filter).text(f.hash);
  w.array(meta.sorts.length);
  for (const s of meta.sorts) {
    w.array(2).text(s.sort).array(s.pages.length);
    for (const p of s.pages) w.uint(p);
  }
  w.array(meta.fields.length);
  for (const f of meta.fields) w.text(f);
  return w.finish();
}

/** Reads a word's page list (numbers stored as deltas), moved by `offset`. */
function readPages(r: CborReader, offset: number): Pages {
  const count = r.array();
  const pages: Pages = { bytes: r.bytes, count, first: 0, last: 0, rest: r.pos, end: r.pos, size: 0 };
  let page = offset;
  for (let i = 0; i < count; i++) {
    r.struct(3, 'a word page');
    page += r.uint();
    if (i === 0) {
      pages.first = page;
      pages.rest = r.pos;
    }
    const locs = r.array();
    r.skipItems(locs);
    const metaLocs = r.array();
    r.skipItems(metaLocs);
    pages.size += locs + metaLocs + 1;
  }
  pages.last = page;
  pages.end = r.pos;
  return pages;
}

/** Writes page lists of several shards as one, in order. */
function writePages(w: CborWriter, lists: Pages[]): void {
  let count = 0;
  for (const list of lists) count += list.count;
  w.array(count);
  let last = 0;
  for (const list of lists) {
    if (list.count === 0) continue;
    w.array(3)
      .uint(list.first - last)
      .raw(list.bytes, list.rest, list.end);
    last = list.last;
  }
}

/** What merging a range of words needs of a shard (sent to a helper thread as it is). */
export interface ShardPart {
  dir: string;
  chunks: Meta['chunks'];
  /** Added to the shard's page numbers in the merged bundle. */
  offset: number;
}

/**
 * Words of a range, [from, to): byte strings as Word.key holds them; null for no bound. A
 * bound is a chunk's first word (see wordRanges).
 */
export interface WordRange {
  from: string | null;
  to: string | null;
}

/** A word's bytes as a Latin-1 string, which compares as the bytes do (Word.key). */
function keyOf(word: string): string {
  return Buffer.from(word, 'utf8').toString('latin1');
}

/** A shard's words of one range in order, read one chunk at a time. */
class ShardWords {
  private chunk = 0;
  private reader: CborReader | null = null;
  private left = 0;
  word: Word | null = null;

  constructor(
    readonly shard: ShardPart,
    readonly range: WordRange,
  ) {
    // Chunks wholly before the range are not read: each holds only words before the next
    // chunk's `from` (the lookup Pagefind's own search makes relies on it).
    const { chunks } = shard;
    if (range.from !== null) {
      while (this.chunk + 1 < chunks.length && keyOf(chunks[this.chunk + 1]!.from) <= range.from) this.chunk++;
    }
  }

  next(): Word | null {
    for (;;) {
      while (this.left === 0) {
        const chunk = this.shard.chunks[this.chunk++];
        if (!chunk) return (this.word = null);
        this.reader = readPacked(join(this.shard.dir, 'index', `${chunk.hash}.pf_index`));
        this.reader.struct(1, 'a chunk');
        this.left = this.reader.array();
      }
      const r = this.reader!;
      this.left--;
      r.struct(3, 'a word');
      const word = r.textBytes();
      const key = word.toString('latin1');
      const pages = [readPages(r, this.shard.offset)];
      const variants: Word['variants'] = [];
      for (let n = r.array(); n > 0; n--) {
        r.struct(2, 'a variant');
        variants.push({ form: r.textBytes(), pages: [readPages(r, this.shard.offset)] });
      }
      if (this.range.from !== null && key < this.range.from) continue;
      if (this.range.to !== null && key >= this.range.to) {
        this.left = 0;
        this.chunk = this.shard.chunks.length;
        return (this.word = null);
      }
      return (this.word = { word, key, pages, variants });
    }
  }
}

/** A binary heap of the shards' current words, smallest word first, then earliest shard. */
class WordHeap {
  private items: Array<{ words: ShardWords; order: number }> = [];

  private less(a: number, b: number): boolean {
    const x = this.items[a]!;
    const y = this.items[b]!;
    const p = x.words.word!.key;
    const q = y.words.word!.key;
    return p < q || (p === q && x.order < y.order);
  }

  private swap(a: number, b: number): void {
    [this.items[a], this.items[b]] = [this.items[b]!, this.items[a]!];
  }

  push(words: ShardWords, order: number): void {
    this.items.push({ words, order });
    for (let i = this.items.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): { words: ShardWords; order: number } | undefined {
    const top = this.items[0];
    const last = this.items.pop();
    if (this.items.length > 0 && last) {
      this.items[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.items.length && this.less(l, m)) m = l;
        if (r < this.items.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }

  peek(): Word | undefined {
    return this.items[0]?.words.word ?? undefined;
  }
}

/** Pagefind's chunk_meta: each boundary narrowed to the shortest prefixes that tell the chunks apart. */
export function chunkRanges(bounds: Array<{ from: string; to: string }>): Array<{ from: string; to: string }> {
  const ranges = bounds.map((b) => ({ ...b }));
  for (let i = 0; i + 1 < ranges.length; i++) {
    const a = Array.from(ranges[i]!.to);
    const b = Array.from(ranges[i + 1]!.from);
    let common = 0;
    while (common < a.length && common < b.length && a[common] === b[common]) common++;
    const aPrefix = a.slice(0, common + 1).join('');
    if (compareUtf8(aPrefix, ranges[i]!.from) >= 0) ranges[i]!.to = aPrefix;
    ranges[i + 1]!.from = b.slice(0, common + 1).join('');
  }
  return ranges;
}

/** A file name from a content hash, as short as Pagefind's (or `length`), longer where two would meet. */
export function shortName(language: string, hash: string, taken: Set<string>, length = 7): string {
  let name = `${language}_${hash.slice(0, length)}`;
  while (taken.has(name) && length < hash.length) name = `${language}_${hash.slice(0, ++length)}`;
  taken.add(name);
  return name;
}

/**
 * The hex digits of a fragment's name in the merged bundle, for `pages` pages: enough that
 * few names meet (~50 of 10k, each then lengthened), and no more. Every query downloads
 * the list of the pages' names (the metadata), where a digit is half a byte a page that
 * does not compress: Pagefind's 7 digits made 47 KB of a query's ~300 KB at 10k articles,
 * 5 digits ~36 KB. The names change with the content as Pagefind's do, so a cached
 * fragment is never taken for a changed one.
 */
export function fragmentNameLength(pages: number): number {
  return Math.min(7, Math.ceil(Math.log2(Math.max(2, pages)) / 4) + 1);
}

/** Writes a file unless it holds these bytes already (an incremental build rewrites few). */
export async function writeIfChanged(file: string, bytes: Buffer): Promise<void> {
  try {
    if ((await readFile(file)).equals(bytes)) return;
  } catch {
    // absent: written below
  }
  await writeFile(file, bytes);
}

/** Removes the files of `dir` that are not in `keep`. */
export async function prune(dir: string, keep: Set<string>): Promise<void> {
  for (const name of await readdir(dir))
    if (!keep.has(name)) await rm(join(dir, name), { recursive: true, force: true });
}

async function loadShard(source: MergeShard): Promise<Shard> {
  const entryFile = join(source.dir, 'pagefind-entry.json');
  const entry = JSON.parse(await readFile(entryFile, 'utf8')) as Entry;
  if (entry.version !== PAGEFIND_FORMAT)
    throw new Error(`${entryFile}: Pagefind ${entry.version}, but the merge reads ${PAGEFIND_FORMAT} only`);
  const languages = Object.keys(entry.languages);
  if (languages.length !== 1) throw new Error(`${entryFile}: ${languages.length} languages, the merge takes one`);
  const language = languages[0]!;
  const metaFile = join(source.dir, `pagefind.${entry.languages[language]!.hash}.pf_meta`);
  const meta = readMeta(readPacked(metaFile));
  if (meta.pages.some((p) => p.group !== '')) throw new Error(`${metaFile}: fragment groups are not merged`);
  return { dir: source.dir, language, entry, meta, offset: 0, sortValues: source.sortValues };
}

/** The order of a sort over all pages, as Pagefind computes it (number if every value is one). */
function sortOrder(values: Array<[value: string, page: number]>): number[] {
  const numeric = values.every(([v]) => /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v));
  const sorted = [...values].sort(([a, pa], [b, pb]) => {
    const c = numeric ? Number(a) - Number(b) : compareUtf8(a, b);
    return c !== 0 ? c : pa - pb;
  });
  return sorted.map(([, page]) => page);
}

/** A chunk of merged words, compressed: named and written by the merge, in range order. */
interface MergedChunk {
  /** Its first and last word. */
  from: string;
  to: string;
  /** sha256 of its content (its name is a prefix of it). */
  sha: string;
  /** The file: gzip of the signature and the CBOR. */
  file: Buffer;
}

interface RangeResult {
  words: number;
  chunks: MergedChunk[];
}

/**
 * Ranges of words merged apart: one under 256 chunks in all shards (an archive of a few
 * thousand articles, merged in about a second), then 4, and 8 from 4,096 (~30k articles).
 * A function of the shards alone, never of the machine, so every build of the same content
 * writes the same chunks. Each range costs one more chunk (it starts its own) and a second
 * read of one chunk per shard (where it starts); 4 and 8 keep both to a few per cent.
 */
export function mergeRanges(totalChunks: number): number {
  return totalChunks < 256 ? 1 : totalChunks < 4096 ? 4 : 8;
}

/**
 * `count` ranges of about as many of the shards' chunks each, cut at chunks' first words
 * (the quantiles of all shards' chunk starts), so that each range is about as much work.
 */
export function wordRanges(shards: ShardPart[], count: number): WordRange[] {
  const starts = shards.flatMap((s) => s.chunks.slice(1).map((c) => keyOf(c.from))).sort();
  const cuts: string[] = [];
  for (let k = 1; k < count && starts.length > 0; k++) {
    const cut = starts[Math.floor((k * starts.length) / count)]!;
    if (cut !== cuts.at(-1)) cuts.push(cut);
  }
  return [null, ...cuts].map((from, i) => ({ from, to: cuts[i] ?? null }));
}

/**
 * The words of one range merged from the shards' sorted runs, and cut into chunks where
 * Pagefind cuts them (or alone, see MergeOptions `loneWord`), compressed.
 */
async function mergeWords(shards: ShardPart[], range: WordRange, loneWord: number): Promise<RangeResult> {
  const heap = new WordHeap();
  for (const [order, s] of shards.entries()) {
    const words = new ShardWords(s, range);
    if (words.next()) heap.push(words, order);
  }
  const compressing: Array<Promise<MergedChunk>> = [];
  let body = new CborWriter(CHUNK_RESERVE);
  let count = 0;
  let size = 0;
  let firstWord: Buffer = Buffer.alloc(0);
  let lastWord: Buffer = Buffer.alloc(0);
  let words = 0;
  const closeChunk = (): void => {
    const file = body.finish(Buffer.concat([SIGNATURE, new CborWriter().array(1).array(count).finish()]));
    const chunk = {
      from: firstWord.toString('utf8'),
      to: lastWord.toString('utf8'),
      sha: sha256(file.subarray(SIGNATURE.length)),
    };
    compressing.push(gzipAsync(file, GZIP).then((gz) => ({ ...chunk, file: gz })));
    body = new CborWriter(CHUNK_RESERVE);
    count = 0;
    size = 0;
  };
  for (let next = heap.peek(); next; next = heap.peek()) {
    const { word, key } = next;
    const merged: Word = { word, key, pages: [], variants: [] };
    while (heap.peek()?.key === key) {
      const { words: source, order } = heap.pop()!;
      const w = source.word!;
      merged.pages.push(...w.pages);
      for (const v of w.variants) {
        const same = merged.variants.find((m) => m.form.equals(v.form));
        if (same) same.pages.push(...v.pages);
        else merged.variants.push({ form: v.form, pages: [...v.pages] });
      }
      if (source.next()) heap.push(source, order);
    }
    words++;
    let wordSize = 0;
    for (const list of merged.pages) wordSize += list.size;
    const lone = wordSize >= loneWord;
    if (lone && count > 0) closeChunk();
    if (count === 0) firstWord = word;
    lastWord = word;
    body.array(3).text(word);
    writePages(body, merged.pages);
    body.array(merged.variants.length);
    for (const v of merged.variants) {
      body.array(2).text(v.form);
      writePages(body, v.pages);
    }
    count++;
    size += wordSize;
    if (size >= CHUNK_SIZE || lone) {
      closeChunk();
      // A turn of the event loop now and then, for the helpers' answers (see runRanges).
      if (compressing.length % 16 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }
  if (count > 0) closeChunk();
  return { words, chunks: await Promise.all(compressing) };
}

/** A range to merge, sent to a helper thread (merge-worker.ts). */
export interface RangeRequest {
  shards: ShardPart[];
  range: WordRange;
  loneWord: number;
}

/** A helper's answer: the chunks' files one after the other in `data`, each of `length` bytes. */
type RangeReply =
  | { ok: true; words: number; chunks: Array<Omit<MergedChunk, 'file'> & { length: number }>; data: ArrayBuffer }
  | { ok: false; message: string };

/** A helper's answer to a range request, made on the helper's thread. */
export async function rangeReply(request: RangeRequest): Promise<{ reply: RangeReply; transfer: ArrayBuffer[] }> {
  try {
    const result = await mergeWords(request.shards, request.range, request.loneWord);
    // One buffer of its own, moved to the other thread, not copied: a chunk's file may be a
    // slice of Node's shared pool, which cannot be moved.
    const data = new ArrayBuffer(result.chunks.reduce((n, c) => n + c.file.length, 0));
    let at = 0;
    const chunks = result.chunks.map(({ file, ...chunk }) => {
      new Uint8Array(data, at, file.length).set(file);
      at += file.length;
      return { ...chunk, length: file.length };
    });
    return { reply: { ok: true, words: result.words, chunks, data }, transfer: [data] };
  } catch (error) {
    return { reply: { ok: false, message: error instanceof Error ? error.message : String(error) }, transfer: [] };
  }
}

/**
 * Merges the ranges on `threads` threads, this one and helpers, each taking the next range
 * left; `onRange` gets each result as it comes (in any order). A helper that fails leaves
 * its range to this thread.
 */
async function runRanges(
  shards: ShardPart[],
  ranges: WordRange[],
  loneWord: number,
  threads: number,
  onRange: (index: number, result: RangeResult) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (helper: RangeHelper | null): Promise<void> => {
    while (next < ranges.length) {
      const index = next++;
      const range = ranges[index]!;
      let result = helper ? await helper.merge({ shards, range, loneWord }).catch(() => null) : null;
      if (!result) {
        helper = null;
        result = await mergeWords(shards, range, loneWord);
      }
      await onRange(index, result);
    }
  };
  const helpers = Array.from({ length: Math.max(0, threads - 1) }, () => new RangeHelper());
  try {
    // The helpers' lanes first: each sends its first request before this thread starts its own.
    await Promise.all([...helpers.map(lane), lane(null)]);
  } finally {
    await Promise.all(helpers.map((helper) => helper.close()));
  }
}

/** A helper thread that merges ranges (merge-worker.ts), one request at a time. */
class RangeHelper {
  private readonly worker = new Worker(workerUrl('merge-worker'), { workerData: { task: 'ranges' } });
  private failure: Error | null = null;
  private waiting: { resolve: (result: RangeResult) => void; reject: (error: Error) => void } | null = null;

  constructor() {
    const fail = (error: Error): void => {
      this.failure ??= error;
      this.waiting?.reject(error);
      this.waiting = null;
    };
    this.worker
      .on('error', fail)
      .on('exit', (code) => fail(new Error(`a search index merge thread stopped (exit code ${code})`)))
      .on('message', (reply: RangeReply) => {
        const waiting = this.waiting;
        this.waiting = null;
        if (!waiting) return;
        if (!reply.ok) return waiting.reject(new Error(reply.message));
        let at = 0;
        const chunks = reply.chunks.map(({ length, ...chunk }) => {
          const file = Buffer.from(reply.data, at, length);
          at += length;
          return { ...chunk, file };
        });
        waiting.resolve({ words: reply.words, chunks });
      });
  }

  merge(request: RangeRequest): Promise<RangeResult> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

/** Runs `mergeBundles` on a worker thread (merge-worker.ts): the build's main thread renders pages meanwhile. */
export function mergeBundlesInWorker(options: MergeOptions): Promise<MergeResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerUrl('merge-worker'), { workerData: { task: 'merge', options } });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the search index merge stopped (exit code ${code})`)));
    worker.once('message', (reply: { ok: true; result: MergeResult } | { ok: false; message: string }) => {
      if (reply.ok) resolve(reply.result);
      else reject(new Error(reply.message));
      void worker.terminate();
    });
  });
}

export async function mergeBundles(options: MergeOptions): Promise<MergeResult> {
  const shards = await Promise.all(options.shards.map(loadShard));
  if (shards.length === 0) throw new Error('no Pagefind bundle to merge');
  const first = shards[0]!;
  for (const s of shards) {
    if (s.language !== first.language) throw new Error(`${s.dir}: language ${s.language}, not ${first.language}`);
    // Positions in page metadata name their field by its index in this list.
    if (s.meta.fields.join('\n') !== first.meta.fields.join('\n'))
      throw new Error(`${s.dir}: metadata fields ${s.meta.fields.join(', ')}, not ${first.meta.fields.join(', ')}`);
  }
  const language = first.language;
  let pages = 0;
  for (const s of shards) {
    s.offset = pages;
    pages += s.meta.pages.length;
  }
  const out = options.outDir;
  for (const sub of ['index', 'filter', 'fragment']) await mkdir(join(out, sub), { recursive: true });

  // Fragments: linked, not copied (a link costs a directory entry; a copy here costs ten
  // times as much), under the shards' names cut to fragmentNameLength digits, lengthened
  // where two meet.
  const fragmentNames = new Set<string>();
  const metaPages: Meta['pages'] = [];
  const length = fragmentNameLength(pages);
  for (const s of shards) {
    for (const p of s.meta.pages) {
      const source = join(s.dir, 'fragment', `${p.hash}.pf_fragment`);
      let name = p.hash.slice(0, language.length + 1 + length);
      if (fragmentNames.has(name)) name = shortName(language, sha256(await readFile(source)), fragmentNames, length);
      fragmentNames.add(name);
      metaPages.push({ hash: name, wordCount: rankingWordCount(p.wordCount), group: '' });
      placeFile(source, join(out, 'fragment', `${name}.pf_fragment`));
    }
  }
  await prune(join(out, 'fragment'), new Set([...fragmentNames].map((n) => `${n}.pf_fragment`)));

  // Filters: small (a page number per page and value); decoded and merged whole.
  const filterValues = new Map<string, Map<string, number[]>>();
  for (const s of shards) {
    for (const { filter, hash } of s.meta.filters) {
      const r = readPacked(join(s.dir, 'filter', `${hash}.pf_filter`));
      r.struct(2, 'a filter index');
      const name = r.text();
      const values = filterValues.get(name) ?? new Map<string, number[]>();
      filterValues.set(name, values);
      if (name !== filter) throw new Error(`${s.dir}: filter file ${hash} holds ${name}, not ${filter}`);
      for (let n = r.array(); n > 0; n--) {
        r.struct(2, 'a filter value');
        const value = r.text();
        const list = values.get(value) ?? [];
        values.set(value, list);
        for (let k = r.array(); k > 0; k--) list.push(r.uint() + s.offset);
      }
    }
  }
  const filterNames = new Set<string>();
  const metaFilters: Meta['filters'] = [];
  const filterFiles = new Set<string>();
  for (const filter of [...filterValues.keys()].sort(compareUtf8)) {
    const values = filterValues.get(filter)!;
    const w = new CborWriter().array(2).text(filter).array(values.size);
    for (const value of [...values.keys()].sort(compareUtf8)) {
      const list = values.get(value)!;
      w.array(2).text(value).array(list.length);
      for (const p of list) w.uint(p);
    }
    const cbor = w.finish();
    const name = shortName(language, sha256(cbor), filterNames);
    metaFilters.push({ filter, hash: name });
    filterFiles.add(`${name}.pf_filter`);
    await writeIfChanged(join(out, 'filter', `${name}.pf_filter`), await pack(cbor));
  }
  await prune(join(out, 'filter'), filterFiles);

  // Sorts: from the values, which the bundles do not keep.
  const sortNames = new Set(shards.flatMap((s) => s.meta.sorts.map((x) => x.sort)));
  const metaSorts: Meta['sorts'] = [...sortNames].sort(compareUtf8).map((sort) => {
    const values: Array<[string, number]> = [];
    for (const s of shards) {
      const own = s.sortValues[sort];
      if (!own || own.length !== s.meta.pages.length)
        throw new Error(`${s.dir}: ${own?.length ?? 0} values of sort ${sort} for ${s.meta.pages.length} pages`);
      own.forEach((v, i) => values.push([v, i + s.offset]));
    }
    return { sort, pages: sortOrder(values) };
  });

  // Words: the shards' sorted runs merged, and cut into chunks where Pagefind cuts them;
  // each range of words on a thread of its own, its chunks named and written here in order.
  const parts: ShardPart[] = shards.map((s) => ({ dir: s.dir, chunks: s.meta.chunks, offset: s.offset }));
  const totalChunks = parts.reduce((n, p) => n + p.chunks.length, 0);
  const ranges = wordRanges(parts, options.ranges ?? mergeRanges(totalChunks));
  const loneWord = options.loneWord ?? LONE_WORD;
  const chunkNames = new Set<string>();
  const chunkBounds: Array<{ from: string; to: string; hash: string }> = [];
  let words = 0;
  const done: Array<RangeResult | undefined> = [];
  let written = 0;
  const writeDone = async (): Promise<void> => {
    for (; done[written]; written++) {
      const result = done[written]!;
      done[written] = undefined;
      words += result.words;
      const writes: Array<Promise<void>> = [];
      for (const chunk of result.chunks) {
        const name = shortName(language, chunk.sha, chunkNames);
        chunkBounds.push({ from: chunk.from, to: chunk.to, hash: name });
        writes.push(writeIfChanged(join(out, 'index', `${name}.pf_index`), chunk.file));
      }
      await Promise.all(writes);
    }
  };
  await runRanges(
    parts,
    ranges,
    loneWord,
    Math.min(ranges.length, options.threads ?? Math.max(1, availableParallelism() - 1)),
    (i, result) => {
      done[i] = result;
      return writeDone();
    },
  );
  const narrowed = chunkRanges(chunkBounds);
  const metaChunks = chunkBounds.map((c, i) => ({ ...narrowed[i]!, hash: c.hash }));
  await prune(join(out, 'index'), new Set(metaChunks.map((c) => `${c.hash}.pf_index`)));

  const metaCbor = writeMeta({
    version: first.meta.version,
    pages: metaPages,
    chunks: metaChunks,
    filters: metaFilters,
    sorts: metaSorts,
    fields: first.meta.fields,
  });
  const metaHash = `${language}_${sha256(metaCbor).slice(0, 10)}`;
  const metaFile = `pagefind.${metaHash}.pf_meta`;
  await writeIfChanged(join(out, metaFile), await pack(metaCbor));

  const runtime = [...RUNTIME_FILES, ...(await readdir(first.dir)).filter((f) => /^wasm\..*\.pagefind$/.test(f))];
  for (const file of runtime) await writeIfChanged(join(out, file), await readFile(join(first.dir, file)));
  const firstLanguage = first.entry.languages[language]!;
  const entry = JSON.stringify({
    ...first.entry,
    languages: { [language]: { ...firstLanguage, hash: metaHash, page_count: pages } },
  });
  await writeIfChanged(join(out, 'pagefind-entry.json'), Buffer.from(entry));
  await prune(
    out,
    new Set(['index', 'filter', 'fragment', metaFile, 'pagefind-entry.json', ...runtime, ...(options.keep ?? [])]),
  );
  return { pages, words, chunks: metaChunks.length };
}
