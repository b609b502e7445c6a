/**
 * The ingest cache, in `<output>/cache/`: the outcome of ingesting one input file (its
 * article, or its error), keyed by everything that outcome depends on, so that a re-run
 * reads and hashes an unchanged file and does nothing else with it.
 *
 * An entry holds the per-file outcome, and for an article its topics and what the
 * comparison step (src/compare) needs of it: the sha256 of its text, its shingle set and
 * MinHash signature, so that a warm run computes none of them again. The key is a sha256 of
 * the file's bytes, its path (the format and the report depend on it), INGEST_VERSION,
 * CACHE_FORMAT and the content configuration (events.yaml, sources.yaml, site.yaml,
 * topics.yaml as parsed, and the article schema), so a change to any of them is a miss,
 * never a stale hit.
 *
 * Entries are appended to pack files, `packs/<run>-<thread>.pack`, one per thread and run,
 * not kept one file per input: creating a file cost ~0.3 ms here (ext4 on a virtual disk,
 * names spread by hash), as much as a quarter of ingesting the file, and a cold run of 10k
 * articles spent ~2.6 s of each thread creating entries. Each entry starts with a header
 * that names its key and holds a CRC-32 and the length of what follows, so the packs
 * describe themselves: a run finds its entries by reading the headers (no index file to
 * keep in step), and an entry cut short by a crash, overwritten or mixed fails the check.
 * A missing, truncated or corrupt entry is a miss: the file is ingested again, so a damaged
 * cache can cost time but never change the output. At the end of a run, packs holding no
 * entry it used are deleted, and packs mostly dead or small are rewritten into one, so the
 * cache stays within about twice the size of one entry per input.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { crc32 } from 'node:zlib';
import { foldedShingles, signature } from '../compare/minhash.ts';
import { foldText, topicMatcher, type TopicMatcher } from '../compare/topics.ts';
import type { Article, ArticleSummary } from '../schema/article.ts';
import type { Topic } from '../schema/content.ts';
import { INGEST_VERSION } from './article.ts';
import type { FileOutcome } from './process-file.ts';

/** The layout of the cache files; bump it when that changes (INGEST_VERSION covers the output). */
export const CACHE_FORMAT = 5;

export interface CacheConfig {
  /** `<output>/cache` */
  dir: string;
  /** Hash of INGEST_VERSION, CACHE_FORMAT and the content configuration. */
  salt: string;
  /** Names this run's packs apart from earlier runs' (see runIngest). */
  run: string;
}

/** Where an entry is: its pack (a file name in `packs/`), and its bytes there. */
export interface EntryAt {
  pack: string;
  offset: number;
  length: number;
}

/** What the comparison step needs of one article, computed once per text. */
export interface Derived {
  /** sha256 of `article.text` (hex). */
  textHash: string;
  topics: string[];
  /** Sorted distinct shingle hashes. */
  set: Uint32Array;
  signature: Uint32Array;
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The salt: any change to the ingest version, cache layout or content configuration. */
export function cacheSalt(config: unknown): string {
  return sha256(JSON.stringify({ ingest: INGEST_VERSION, format: CACHE_FORMAT, config }));
}

export function entryKey(cache: CacheConfig, path: string, inputHash: string): string {
  return sha256(`${cache.salt}\0${path}\0${inputHash}`);
}

const matchers = new WeakMap<Topic[], TopicMatcher>();

export function deriveForCompare(article: Article, topics: Topic[]): Derived {
  let match = matchers.get(topics);
  if (!match) {
    match = topicMatcher(topics);
    matchers.set(topics, match);
  }
  // The topics and the shingles both read the text folded to Simplified: fold it once.
  const folded = foldText(article.text);
  const set = foldedShingles(folded);
  return {
    textHash: sha256(article.text),
    topics: match(article, folded),
    set,
    signature: signature(set),
  };
}

// ---- Entry framing: "NAC<format> <key> <crc32> <length> <article length> <html length>
// <text length> <meta length>\n" (numbers in hex), then <length> bytes: the article as its
// output file writes it (`JSON.stringify(article, null, 2)`) with its html and text left
// null; those two values as JSON strings; the outcome's meta (ok, text hash and topics, or
// the error) as JSON; padding; the comparison data as 32-bit words (signature length, set
// length, signature, set). An error's entry has only its meta.
//
// The body (html and text, most of an entry's bytes) stands apart so that the run reads an
// article's summary without decoding it, and writes the article's output file with the body's
// bytes spliced in as they are (articleFile): at 10k articles, decoding the bodies to
// strings and encoding them again was ~1 s of the run's single-threaded tail. The article
// is kept as its file prints it so that the file, and its element of index.json, are made
// by splicing in the few fields the run decides, not by parsing and printing it again.

const MAGIC = `NAC${CACHE_FORMAT} `;

type EntryMeta = { ok: true; textHash: string; topics: string[] } | { ok: false; message: string; line?: number };

/**
 * The entry's bytes, in one buffer of its own (not from Buffer's pool), so that a worker can
 * move it to the main thread as it is. Each part is written once, in place: building the
 * parts and joining them copied every entry's ~25 KB three times.
 */
function encodeEntry(key: string, outcome: FileOutcome, derived: Derived | undefined): Buffer {
  let skeleton = '';
  let html = '';
  let text = '';
  let meta: EntryMeta;
  if (outcome.ok) {
    const article = outcome.article;
    skeleton = JSON.stringify({ ...article, html: null, text: null }, null, 2);
    html = JSON.stringify(article.html);
    text = JSON.stringify(article.text);
    meta = { ok: true, textHash: derived!.textHash, topics: derived!.topics };
  } else meta = { ok: false, message: outcome.message, ...(outcome.line ? { line: outcome.line } : {}) };
  const metaJson = JSON.stringify(meta);
  const lengths = [skeleton, html, text, metaJson].map((part) => Buffer.byteLength(part)) as Lengths;
  const words = derived && outcome.ok ? 2 + derived.signature.length + derived.set.length : 0;
  return frameEntry(key, lengths, words * 4, (body, padded) => {
    let at = 0;
    for (const part of [skeleton, html, text, metaJson]) at += body.write(part, at);
    if (words > 0) {
      // Put together apart: the header's length leaves the words unaligned in the entry.
      const view = new Uint32Array(words);
      view[0] = derived!.signature.length;
      view[1] = derived!.set.length;
      view.set(derived!.signature, 2);
      view.set(derived!.set, 2 + derived!.signature.length);
      body.set(new Uint8Array(view.buffer), padded);
    }
  });
}

/** Bytes of the article, html, text and meta parts. */
type Lengths = [number, number, number, number];

/**
 * An entry's header and body: `fill` writes the article, html, text and meta (of `lengths`
 * bytes) and the comparison data's `wordBytes` at `padded`; the padding and the CRC are
 * written here.
 */
function frameEntry(
  key: string,
  lengths: Lengths,
  wordBytes: number,
  fill: (body: Buffer, padded: number) => void,
): Buffer {
  const strings = lengths[0] + lengths[1] + lengths[2] + lengths[3];
  const padded = (strings + 3) & ~3;
  const length = padded + wordBytes;
  // The CRC, known last, is written as 8 hex digits so that the header's size is known first.
  const head = (sum: number): string =>
    `${MAGIC}${key} ${sum.toString(16).padStart(8, '0')} ${[length, ...lengths].map((n) => n.toString(16)).join(' ')}\n`;
  const headerSize = head(0).length;
  const entry = Buffer.allocUnsafeSlow(headerSize + length);
  const body = entry.subarray(headerSize);
  body.fill(0, strings, padded);
  fill(body, padded);
  entry.write(head(crc32(body)), 0, 'latin1');
  return entry;
}

/**
 * The entry with its article's html and text each left as the JSON `null`: what a worker
 * sends the main thread, which reads only an outcome's summary and comparison data (the
 * article files are made from the packs). With the bodies, ~25 KB a file crossed between
 * the threads, and the main thread had ~250 MB of buffers to collect at 10k files.
 */
export function withoutBodies(entry: Buffer): Buffer {
  const header = parseHeader(entry);
  if (!header) return entry;
  const [articleLength, htmlLength, textLength, metaLength] = header.lengths;
  const body = entry.subarray(header.size);
  const strings = articleLength + htmlLength + textLength + metaLength;
  const padded = (strings + 3) & ~3;
  if (body.length !== header.length || padded > header.length || articleLength === 0) return entry;
  return frameEntry(header.key, [articleLength, 4, 4, metaLength], header.length - padded, (light, lightPadded) => {
    body.copy(light, 0, 0, articleLength);
    light.write('nullnull', articleLength, 'latin1');
    body.copy(light, articleLength + 8, strings - metaLength, strings);
    body.copy(light, lightPadded, padded);
  });
}

interface Decoded {
  meta: EntryMeta;
  /** The article's JSON with its html and text null (empty for an error). */
  article: Buffer;
  /** The article's html and text as JSON strings (slices of the entry's bytes). */
  html: Buffer;
  text: Buffer;
  prep: { set: Uint32Array; signature: Uint32Array } | null;
}

/** The longest header: magic, key, six 32-bit numbers in hex, spaces and newline. */
const MAX_HEADER = MAGIC.length + 64 + 6 * 9 + 1;

interface Header {
  key: string;
  sum: number;
  length: number;
  lengths: Lengths;
  /** Bytes of the header itself. */
  size: number;
}

function parseHeader(data: Buffer): Header | null {
  const newline = data.indexOf(10);
  if (newline < 0 || newline >= MAX_HEADER) return null;
  const header = data.toString('latin1', 0, newline);
  if (!header.startsWith(MAGIC)) return null;
  const [key, ...numbers] = header.slice(MAGIC.length).split(' ');
  if (!key || !/^[0-9a-f]{64}$/.test(key) || numbers.length !== 6) return null;
  const values = numbers.map((n) => parseInt(n, 16));
  if (!values.every((n) => n >= 0)) return null;
  const [sum, length, ...lengths] = values as [number, number, ...Lengths];
  return { key, sum, length, lengths, size: newline + 1 };
}

/** Comparison data that is there, but was not read (see decodeEntry). */
const NOT_READ = { set: new Uint32Array(0), signature: new Uint32Array(0) };

/**
 * The entry in these bytes, or null when it is not the entry of `key`, or not whole. Without
 * `comparisonData`, its comparison data is only checked to be there (`prep` is NOT_READ):
 * writing an article's file does not need it, and copying ~10 KB of words out per file
 * was a third of reading an entry back.
 */
function decodeEntry(data: Buffer, key: string, comparisonData = true): Decoded | null {
  const header = parseHeader(data);
  if (!header || header.key !== key) return null;
  const { sum, length } = header;
  const [articleLength, htmlLength, textLength, metaLength] = header.lengths;
  const body = data.subarray(header.size);
  if (body.length !== length || crc32(body) !== sum) return null;
  const strings = articleLength + htmlLength + textLength + metaLength;
  if (strings > body.length) return null;
  let meta: EntryMeta;
  try {
    meta = JSON.parse(body.toString('utf8', strings - metaLength, strings)) as EntryMeta;
  } catch {
    return null;
  }
  if (!meta || typeof meta !== 'object') return null;
  const article = body.subarray(0, articleLength);
  const html = body.subarray(articleLength, articleLength + htmlLength);
  const text = body.subarray(articleLength + htmlLength, articleLength + htmlLength + textLength);
  const padded = (strings + 3) & ~3;
  if (body.length <= padded) return { meta, article, html, text, prep: null };
  if ((body.length - padded) % 4 !== 0) return null;
  if (!comparisonData) return { meta, article, html, text, prep: NOT_READ };
  // Copied into an aligned array of its own (the read buffer may be pooled or unaligned).
  const words = new Uint32Array((body.length - padded) / 4);
  Buffer.from(words.buffer).set(body.subarray(padded));
  const k = words[0]!;
  const n = words[1]!;
  if (words.length !== 2 + k + n) return null;
  return { meta, article, html, text, prep: { signature: words.slice(2, 2 + k), set: words.slice(2 + k) } };
}

// ---- Packs.

const PACKS = 'packs';

/** This thread's pack for the run: entries are appended, each at the end of the last. */
interface Writer {
  key: string;
  pack: string;
  fd: number | null;
  offset: number;
}
let writer: Writer | null = null;

/** Appends an entry to this thread's pack; null when it cannot (a full disk, no folder). */
function append(cache: CacheConfig, data: Buffer): EntryAt | null {
  const writerKey = `${cache.dir}\0${cache.run}`;
  if (writer?.key !== writerKey) {
    if (writer?.fd != null) closeSync(writer.fd);
    writer = { key: writerKey, pack: `${cache.run}-${threadId}.pack`, fd: null, offset: 0 };
    const dir = join(cache.dir, PACKS);
    try {
      mkdirSync(dir, { recursive: true });
      // Kept open while the thread ingests: the run closes its own with closePack, and Node
      // closes a worker thread's files when the thread ends.
      writer.fd = openSync(join(dir, writer.pack), 'a');
      writer.offset = fstatSync(writer.fd).size;
    } catch {
      writer.fd = null;
    }
  }
  if (writer.fd === null) return null;
  try {
    let done = 0;
    while (done < data.length) done += writeSync(writer.fd, data, done);
  } catch {
    // Where the next entry would start is no longer known: no more entries this run.
    closeSync(writer.fd);
    writer.fd = null;
    return null;
  }
  const at = { pack: writer.pack, offset: writer.offset, length: data.length };
  writer.offset += data.length;
  return at;
}

/** Closes this thread's pack (before the run reads its packs whole, or tidies them). */
export function closePack(): void {
  if (writer?.fd != null) closeSync(writer.fd);
  writer = null;
}

/** Reads entries from the packs, keeping each pack open once opened. */
export class PackReader {
  private readonly fds = new Map<string, number | null>();
  constructor(private readonly cache: CacheConfig) {}
  private fd(pack: string): number | null {
    let fd = this.fds.get(pack);
    if (fd === undefined) {
      try {
        fd = openSync(join(this.cache.dir, PACKS, pack), 'r');
      } catch {
        fd = null;
      }
      this.fds.set(pack, fd);
    }
    return fd;
  }
  /** The bytes at `at`, or null when they cannot be read whole. */
  bytes(at: EntryAt): Buffer | null {
    const fd = this.fd(at.pack);
    if (fd === null) return null;
    const data = Buffer.allocUnsafe(at.length);
    try {
      let done = 0;
      while (done < at.length) {
        const n = readSync(fd, data, done, at.length - done, at.offset + done);
        if (n === 0) return null;
        done += n;
      }
    } catch {
      return null;
    }
    return data;
  }
  /** The cached outcome for this key at `at`, without the article's body (see SummaryOutcome), or null (missing or damaged: a miss). */
  loadSummary(key: string, at: EntryAt, index: number, path: string): SummaryOutcome | null {
    const data = this.bytes(at);
    return data ? summaryOutcomeOf(data, key, index, path) : null;
  }
  /** The article's output file and index element made from the entry at `at` (see articleFile), or null. */
  articleFile(key: string, at: EntryAt, fields: Partial<Article>): ArticleFile | null {
    const data = this.bytes(at);
    return data ? articleFile(data, key, fields) : null;
  }
  close(): void {
    for (const fd of this.fds.values()) if (fd !== null) closeSync(fd);
    this.fds.clear();
  }
}

/**
 * Every entry in the packs, by key, found by reading their headers. A pack is read up to
 * its first header that is not one (a crash cut it short there). An entry whose body is
 * damaged is found here and refused when it is read.
 */
export function scanPacks(cache: CacheConfig): Map<string, EntryAt> {
  const found = new Map<string, EntryAt>();
  let names: string[];
  try {
    names = readdirSync(join(cache.dir, PACKS))
      .filter((name) => name.endsWith('.pack'))
      .sort();
  } catch {
    return found;
  }
  const head = Buffer.alloc(MAX_HEADER);
  for (const pack of names) {
    let fd: number;
    try {
      fd = openSync(join(cache.dir, PACKS, pack), 'r');
    } catch {
      continue;
    }
    try {
      const size = fstatSync(fd).size;
      let offset = 0;
      while (offset < size) {
        const n = readSync(fd, head, 0, MAX_HEADER, offset);
        const header = parseHeader(head.subarray(0, n));
        if (!header || offset + header.size + header.length > size) break;
        const length = header.size + header.length;
        if (!found.has(header.key)) found.set(header.key, { pack, offset, length });
        offset += length;
      }
    } catch {
      // Unreadable from here on: what was found stands.
    } finally {
      closeSync(fd);
    }
  }
  return found;
}

/** A pack smaller than this is rewritten with the others at the end of a run. */
const SMALL_PACK = 4 * 1024 * 1024;

/**
 * Keeps the entries a run used (`live`), in as few packs as is cheap: packs with no live
 * entry are deleted; packs that are small (most incremental runs write a few entries) or
 * mostly dead have their live entries copied into one new pack, then are deleted. Packs
 * that are large and mostly live are left as they are, dead entries and all.
 */
export function tidyPacks(cache: CacheConfig, live: Map<string, EntryAt>): void {
  closePack();
  const dir = join(cache.dir, PACKS);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const liveBytes = new Map<string, number>();
  for (const at of live.values()) liveBytes.set(at.pack, (liveBytes.get(at.pack) ?? 0) + at.length);
  const reader = new PackReader(cache);
  const copy = { ...cache, run: `${cache.run}-tidy` };
  const rewrite: string[] = [];
  let mostlyDead = false;
  try {
    for (const name of names) {
      const used = liveBytes.get(name) ?? 0;
      if (used === 0) {
        rmSync(join(dir, name), { force: true });
        continue;
      }
      let size: number;
      try {
        size = statSync(join(dir, name)).size;
      } catch {
        continue;
      }
      if (used < size / 2) mostlyDead = true;
      if (size < SMALL_PACK || used < size / 2) rewrite.push(name);
    }
    // One pack that is small but live is already as compact as it gets.
    if (rewrite.length < 2 && !mostlyDead) return;
    const moving = new Set(rewrite);
    // In key order, so that the new pack's layout does not depend on the order of the Map.
    const entries = [...live].filter(([, at]) => moving.has(at.pack)).sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [, at] of entries) {
      const bytes = reader.bytes(at);
      // An entry that cannot be copied is a miss next run; the rest are moved all the same.
      if (bytes && !append(copy, bytes)) return;
    }
    closePack();
    for (const name of rewrite) rmSync(join(dir, name), { force: true });
  } finally {
    reader.close();
    closePack();
  }
}

// ---- Entries.

/** An outcome as the bytes of its cache entry: what a worker sends back (see worker.ts). */
export interface PackedOutcome {
  index: number;
  path: string;
  inputHash: string;
  packed: Uint8Array;
  /** Where the entry was stored; absent when it could not be. */
  entry?: EntryAt;
}

/**
 * Stores one outcome (and, for an article, its comparison data) and returns it with its
 * input hash, derived data and entry location set, and the entry's bytes when it has one.
 * A failure to write the cache is not a failure of the run: the outcome is returned all the
 * same, without a location.
 */
export function storeEntry(
  cache: CacheConfig,
  bytes: Uint8Array,
  outcome: FileOutcome,
  derived: Derived | undefined,
): { outcome: FileOutcome; packed?: PackedOutcome } {
  // An article records the same hash of the same bytes: hashing them again was ~2 % of the CPU.
  const inputHash = outcome.ok ? outcome.article.input.sha256 : sha256(bytes);
  const key = entryKey(cache, outcome.path, inputHash);
  const result: FileOutcome = { ...outcome, inputHash, ...(derived ? { derived } : {}) };
  // An internal error may be passing (a worker out of memory, too many open files): not kept.
  const keep = outcome.ok ? derived !== undefined : !outcome.message.startsWith('internal error');
  if (!keep) return { outcome: result };
  const encoded = encodeEntry(key, outcome, derived);
  const entry = append(cache, encoded);
  if (entry) result.entry = entry;
  return {
    outcome: result,
    packed: { index: outcome.index, path: outcome.path, inputHash, packed: encoded, ...(entry ? { entry } : {}) },
  };
}

/** An outcome as the run holds it: an article's summary (without html and text) and its comparison data. */
export type SummaryOutcome =
  | Extract<FileOutcome, { ok: false }>
  | (Omit<Extract<FileOutcome, { ok: true }>, 'article'> & { article: ArticleSummary });

/** The entry's outcome with its article's html and text left undecoded (and left out). */
function summaryFrom(entry: Decoded | null, index: number, path: string): SummaryOutcome | null {
  const meta = entry?.meta;
  if (!entry || !meta) return null;
  if (!meta.ok) {
    if (typeof meta.message !== 'string') return null;
    return { index, path, ok: false, message: meta.message, ...(meta.line ? { line: meta.line } : {}) };
  }
  if (typeof meta.textHash !== 'string' || !Array.isArray(meta.topics) || !entry.prep) return null;
  let whole: Article;
  try {
    whole = JSON.parse(entry.article.toString('utf8')) as Article;
  } catch {
    return null;
  }
  // The path is part of the key; a mismatch means the entry is not what it claims to be.
  if (typeof whole !== 'object' || whole?.input?.path !== path) return null;
  const { html: _html, text: _text, ...article } = whole;
  return {
    index,
    path,
    ok: true,
    article,
    derived: { textHash: meta.textHash, topics: meta.topics, set: entry.prep.set, signature: entry.prep.signature },
  };
}

/** The summary outcome held by an entry's bytes, or null when they are damaged or another key's. */
export function summaryOutcomeOf(data: Buffer, key: string, index: number, path: string): SummaryOutcome | null {
  return summaryFrom(decodeEntry(data, key), index, path);
}

/**
 * An article's output file, and its element of index.json: the article's summary (the
 * article without html and text) as `JSON.stringify(index, null, 2)` prints an element,
 * indented by two spaces, without the comma, as Latin-1 text of its UTF-8 bytes (one
 * character a byte); null when it cannot be made so (the run then prints the index itself).
 * Text, not a Buffer: 100k small Buffers, each from Buffer's pool, stayed in the process's
 * memory after the ingest (a full 100k build peaked ~330 MB higher), where strings go with
 * the heap's next collection.
 */
export interface ArticleFile {
  file: Buffer;
  summary: string | null;
}

// The splicing below reads the article's JSON as Latin-1, one character per byte, so that a
// string offset is a byte offset and the UTF-8 passes through untouched. A file and its
// index element cost ~46 µs to make on one thread (10k entries), against ~38 µs for the file
// alone by parsing and printing the article again, and the main thread no longer prints the
// index (0.2–0.4 s at 10k, see indexJson in run.ts).

/**
 * Where the value of the top-level key `name` is in `json` (an object printed by
 * `JSON.stringify(·, null, 2)`): from after `\n  "name": ` to the next `,\n  "` or the last
 * `\n}`. A JSON string holds no raw newline and anything nested is indented by at least
 * four spaces, so these can only be the object's own keys.
 */
function valueAt(json: string, name: string): { key: number; start: number; end: number } | null {
  const marker = `\n  ${JSON.stringify(name)}: `;
  const key = json.indexOf(marker);
  if (key < 0) return null;
  const start = key + marker.length;
  const next = json.indexOf(',\n  "', start);
  const end = next >= 0 ? next : json.lastIndexOf('\n}');
  return end >= start ? { key, start, end } : null;
}

/** A value as it prints at the top level of an object printed with an indent of 2, as Latin-1 of its UTF-8. */
function printedValue(value: unknown): string | null {
  const printed = JSON.stringify(value, null, 2) as string | undefined;
  if (printed === undefined) return null;
  const indented = printed.replaceAll('\n', '\n  ');
  return /[^\n\u0020-\u007e]/.test(indented) ? Buffer.from(indented).toString('latin1') : indented;
}

const BODY_FIELDS = ['html', 'text'] as const;

/**
 * `json` with every line indented by two more spaces, as one flat string. Not `replaceAll`:
 * V8 builds its result as a rope with a piece per line, and at 10k articles hashing the
 * index's parts first flattened ~200k such pieces, scattered over the heap by then: ~0.6 s
 * of the main thread (11–56 ms a MB), against ~0.07 s for the index of joined elements.
 */
function indented(json: string): string {
  const lines = json.split('\n');
  lines[0] = `  ${lines[0]}`;
  return lines.join('\n  ');
}

/**
 * The output file of an entry's article with `fields` set over it (what the run decides:
 * id, warnings, topics, reprint, related), as `JSON.stringify(article, null, 2)` and a
 * newline print it, and its element of index.json. Made from the article as the entry
 * prints it: each field's value is printed and spliced in (see valueAt), and so are the
 * html and text, as the entry's bytes, never decoded. Null when the entry is damaged, is
 * another key's or is not an article's (the caller ingests the file again).
 */
export function articleFile(data: Buffer, key: string, fields: Partial<Article>): ArticleFile | null {
  const entry = decodeEntry(data, key, false);
  // The key covers the input's path: the entry of this key is this file's.
  if (!entry?.meta.ok || entry.article.length === 0 || !entry.prep) return null;
  const json = entry.article.toString('latin1');
  /** Spans of `json` replaced by a field's value, and the html and text (`body`). */
  const spans: Array<{ start: number; end: number; key: number; by: string | null; body?: Buffer }> = [];
  for (const [name, value] of Object.entries(fields)) {
    if ((BODY_FIELDS as readonly string[]).includes(name)) continue;
    const at = valueAt(json, name);
    const by = printedValue(value);
    if (!at || by === null) return null;
    spans.push({ ...at, by });
  }
  for (const name of BODY_FIELDS) {
    const at = valueAt(json, name);
    if (!at || json.slice(at.start, at.end) !== 'null') return null;
    spans.push({ ...at, by: null, body: entry[name] });
  }
  spans.sort((a, b) => a.start - b.start);
  // The file: Latin-1 runs between the bodies; the summary: one string.
  const file: Buffer[] = [];
  let run = '';
  const summary: string[] = [];
  let fileFrom = 0;
  let summaryFrom = 0;
  let whole = true;
  for (const span of spans) {
    if (span.start < fileFrom) return null; // Spans that overlap: not what JSON.stringify prints.
    run += json.slice(fileFrom, span.start);
    fileFrom = span.end;
    if (span.body) {
      file.push(Buffer.from(run, 'latin1'), span.body);
      run = '';
      // The summary leaves the key out whole: `\n  "html": null` and the comma after it.
      summary.push(json.slice(summaryFrom, span.key));
      summaryFrom = span.end + 1;
      whole &&= json[span.end] === ',';
    } else {
      run += span.by;
      summary.push(json.slice(summaryFrom, span.start), span.by!);
      summaryFrom = span.end;
    }
  }
  file.push(Buffer.from(`${run}${json.slice(fileFrom)}\n`, 'latin1'));
  summary.push(json.slice(summaryFrom));
  return { file: Buffer.concat(file), summary: whole ? indented(summary.join('')) : null };
}
