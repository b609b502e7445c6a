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
export const CACHE_FORMAT = 4;

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

// ---- Entry framing: "NAC<format> <key> <crc32> <length> <JSON length> <html length> <text
// length>\n" (numbers in hex), then <length> bytes: the payload's JSON, with the article's
// html and text left null; those two values as JSON strings; padding; the comparison data as
// 32-bit words (signature length, set length, signature, set).
//
// The body (html and text, most of an entry's bytes) stands apart so that the run reads an
// article's summary without decoding it, and writes the article's output file with the body's
// bytes spliced in as they are (articleFileBytes): at 10k articles, decoding the bodies to
// strings and encoding them again was ~1 s of the run's single-threaded tail.

const MAGIC = `NAC${CACHE_FORMAT} `;

interface EntryPayload {
  outcome:
    { ok: true; article: Article; textHash: string; topics: string[] } | { ok: false; message: string; line?: number };
}

/**
 * The entry's bytes, in one buffer of its own (not from Buffer's pool), so that a worker can
 * move it to the main thread as it is. Each part is written once, in place: building the
 * parts and joining them copied every entry's ~25 KB three times.
 */
function encodeEntry(key: string, payload: EntryPayload, derived: Derived | undefined): Buffer {
  let json: string;
  let html = '';
  let text = '';
  if (payload.outcome.ok) {
    const article = payload.outcome.article;
    json = JSON.stringify({ outcome: { ...payload.outcome, article: { ...article, html: null, text: null } } });
    html = JSON.stringify(article.html);
    text = JSON.stringify(article.text);
  } else json = JSON.stringify(payload);
  const lengths = [json, html, text].map((part) => Buffer.byteLength(part)) as [number, number, number];
  const words = derived ? 2 + derived.signature.length + derived.set.length : 0;
  return frameEntry(key, lengths, words * 4, (body, padded) => {
    body.write(json, 0);
    body.write(html, lengths[0]);
    body.write(text, lengths[0] + lengths[1]);
    if (derived) {
      // Put together apart: the header's length leaves the words unaligned in the entry.
      const view = new Uint32Array(words);
      view[0] = derived.signature.length;
      view[1] = derived.set.length;
      view.set(derived.signature, 2);
      view.set(derived.set, 2 + derived.signature.length);
      body.set(new Uint8Array(view.buffer), padded);
    }
  });
}

/**
 * An entry's header and body: `fill` writes the JSON, html and text (of `lengths` bytes)
 * and the comparison data's `wordBytes` at `padded`; the padding and the CRC are written here.
 */
function frameEntry(
  key: string,
  lengths: [number, number, number],
  wordBytes: number,
  fill: (body: Buffer, padded: number) => void,
): Buffer {
  const [jsonLength, htmlLength, textLength] = lengths;
  const padded = (jsonLength + htmlLength + textLength + 3) & ~3;
  const length = padded + wordBytes;
  // The CRC, known last, is written as 8 hex digits so that the header's size is known first.
  const head = (sum: number): string =>
    `${MAGIC}${key} ${sum.toString(16).padStart(8, '0')} ${[length, jsonLength, htmlLength, textLength].map((n) => n.toString(16)).join(' ')}\n`;
  const headerSize = head(0).length;
  const entry = Buffer.allocUnsafeSlow(headerSize + length);
  const body = entry.subarray(headerSize);
  body.fill(0, jsonLength + htmlLength + textLength, padded);
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
  const { jsonLength, htmlLength, textLength, length } = header;
  const body = entry.subarray(header.size);
  const padded = (jsonLength + htmlLength + textLength + 3) & ~3;
  if (body.length !== length || padded > length) return entry;
  return frameEntry(header.key, [jsonLength, 4, 4], length - padded, (light, lightPadded) => {
    body.copy(light, 0, 0, jsonLength);
    light.write('nullnull', jsonLength, 'latin1');
    body.copy(light, lightPadded, padded);
  });
}

interface Decoded {
  /** With the article's html and text null: they are `html` and `text`, undecoded. */
  payload: EntryPayload;
  /** The article's html and text as JSON strings (slices of the entry's bytes). */
  html: Buffer;
  text: Buffer;
  prep: { set: Uint32Array; signature: Uint32Array } | null;
}

/** The longest header: magic, key, five 32-bit numbers in hex, spaces and newline. */
const MAX_HEADER = MAGIC.length + 64 + 5 * 9 + 1;

interface Header {
  key: string;
  sum: number;
  length: number;
  jsonLength: number;
  htmlLength: number;
  textLength: number;
  /** Bytes of the header itself. */
  size: number;
}

function parseHeader(data: Buffer): Header | null {
  const newline = data.indexOf(10);
  if (newline < 0 || newline >= MAX_HEADER) return null;
  const header = data.toString('latin1', 0, newline);
  if (!header.startsWith(MAGIC)) return null;
  const [key, ...numbers] = header.slice(MAGIC.length).split(' ');
  if (!key || !/^[0-9a-f]{64}$/.test(key) || numbers.length !== 5) return null;
  const [sum, length, jsonLength, htmlLength, textLength] = numbers.map((n) => parseInt(n, 16)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (![sum, length, jsonLength, htmlLength, textLength].every((n) => n >= 0)) return null;
  return { key, sum, length, jsonLength, htmlLength, textLength, size: newline + 1 };
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
  const { sum, length, jsonLength, htmlLength, textLength } = header;
  const body = data.subarray(header.size);
  if (body.length !== length || crc32(body) !== sum) return null;
  const strings = jsonLength + htmlLength + textLength;
  if (strings > body.length) return null;
  let payload: EntryPayload;
  try {
    payload = JSON.parse(body.toString('utf8', 0, jsonLength)) as EntryPayload;
  } catch {
    return null;
  }
  const html = body.subarray(jsonLength, jsonLength + htmlLength);
  const text = body.subarray(jsonLength + htmlLength, strings);
  const padded = (strings + 3) & ~3;
  if (body.length <= padded) return { payload, html, text, prep: null };
  if ((body.length - padded) % 4 !== 0) return null;
  if (!comparisonData) return { payload, html, text, prep: NOT_READ };
  // Copied into an aligned array of its own (the read buffer may be pooled or unaligned).
  const words = new Uint32Array((body.length - padded) / 4);
  Buffer.from(words.buffer).set(body.subarray(padded));
  const k = words[0]!;
  const n = words[1]!;
  if (words.length !== 2 + k + n) return null;
  return { payload, html, text, prep: { signature: words.slice(2, 2 + k), set: words.slice(2 + k) } };
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
  /** The article's output file made from the entry at `at` (see articleFileBytes), or null. */
  articleFile(key: string, at: EntryAt, path: string, fields: Partial<Article>): Buffer | null {
    const data = this.bytes(at);
    return data ? articleFileBytes(data, key, path, fields) : null;
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
  const payload: EntryPayload = outcome.ok
    ? { outcome: { ok: true, article: outcome.article, textHash: derived!.textHash, topics: derived!.topics } }
    : { outcome: { ok: false, message: outcome.message, ...(outcome.line ? { line: outcome.line } : {}) } };
  const encoded = encodeEntry(key, payload, outcome.ok ? derived : undefined);
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
  const o = entry?.payload?.outcome;
  if (!entry || !o || typeof o !== 'object') return null;
  if (!o.ok) {
    if (typeof o.message !== 'string') return null;
    return { index, path, ok: false, message: o.message, ...(o.line ? { line: o.line } : {}) };
  }
  if (typeof o.textHash !== 'string' || !Array.isArray(o.topics) || typeof o.article !== 'object') return null;
  // The path is part of the key; a mismatch means the entry is not what it claims to be.
  if (o.article?.input?.path !== path || !entry.prep) return null;
  const { html: _html, text: _text, ...article } = o.article;
  return {
    index,
    path,
    ok: true,
    article,
    derived: { textHash: o.textHash, topics: o.topics, set: entry.prep.set, signature: entry.prep.signature },
  };
}

/** The summary outcome held by an entry's bytes, or null when they are damaged or another key's. */
export function summaryOutcomeOf(data: Buffer, key: string, index: number, path: string): SummaryOutcome | null {
  return summaryFrom(decodeEntry(data, key), index, path);
}

const BODY_FIELDS = ['html', 'text'] as const;

/**
 * The output file of an entry's article with `fields` set over it (what the run decides:
 * id, warnings, topics, reprint, related): `JSON.stringify(article, null, 2)` and a newline,
 * with the html and text spliced in as the entry's bytes, never decoded. A JSON string
 * serializes alike at any indentation, and no raw newline occurs inside one, so a top-level
 * `\n  "html": null` can only be the field itself. Null when the entry is damaged or another
 * key's (the caller ingests the file again).
 */
export function articleFileBytes(data: Buffer, key: string, path: string, fields: Partial<Article>): Buffer | null {
  const entry = decodeEntry(data, key, false);
  // The same checks as reading its summary.
  if (!entry || !summaryFrom(entry, 0, path)?.ok) return null;
  const article: Record<string, unknown> = { ...(entry.payload.outcome as { article: Article }).article };
  for (const [name, value] of Object.entries(fields))
    if (!(BODY_FIELDS as readonly string[]).includes(name)) article[name] = value;
  const plain = Buffer.from(JSON.stringify(article, null, 2) + '\n');
  const at = BODY_FIELDS.map((name) => {
    const marker = Buffer.from(`\n  "${name}": null`);
    const found = plain.indexOf(marker);
    return { name, start: found + marker.length - 'null'.length, end: found + marker.length, found };
  }).sort((a, b) => a.start - b.start);
  if (at.some((p) => p.found < 0)) return null;
  const parts: Buffer[] = [];
  let from = 0;
  for (const { name, start, end } of at) {
    parts.push(plain.subarray(from, start), entry[name]);
    from = end;
  }
  parts.push(plain.subarray(from));
  return Buffer.concat(parts);
}
