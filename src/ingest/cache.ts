/**
 * The ingest cache, in `<output>/cache/`: the outcome of ingesting one input file (its
 * article, or its error), keyed by everything that outcome depends on, so that a re-run
 * reads and hashes an unchanged file and does nothing else with it.
 *
 * `entries/<key>` holds the per-file outcome, and for an article its topics and what the
 * comparison step (src/compare) needs of it: the sha256 of its text, its shingle set and
 * MinHash signature, so that a warm run computes none of them again. The key is a sha256 of
 * the file's bytes, its path (the format and the report depend on it), INGEST_VERSION,
 * CACHE_FORMAT and the content configuration (events.yaml, sources.yaml, site.yaml,
 * topics.yaml as parsed, and the article schema), so a change to any of them is a miss,
 * never a stale hit. One file per input: a second file (or a rename) per input cost as
 * much as a fifth of the ingest itself on this file system.
 *
 * Every file starts with a header holding a CRC-32 and the length of what follows. It is
 * written in place, not renamed: a file cut short by a crash, or mixed by two writers,
 * fails the check. A file that is missing, truncated, corrupt or of another format is a
 * miss: the file is ingested again and the entry rewritten, so a damaged cache can cost
 * time but never change the output. Entries no longer used by a run are deleted at its
 * end, so the cache holds one entry per input.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { normalizeFolded, shingles, signature } from '../compare/minhash.ts';
import { foldText, topicMatcher, type TopicMatcher } from '../compare/topics.ts';
import type { Article } from '../schema/article.ts';
import type { Topic } from '../schema/content.ts';
import { INGEST_VERSION } from './article.ts';
import type { FileOutcome } from './process-file.ts';

/** The layout of the cache files; bump it when that changes (INGEST_VERSION covers the output). */
export const CACHE_FORMAT = 2;

export interface CacheConfig {
  /** `<output>/cache` */
  dir: string;
  /** Hash of INGEST_VERSION, CACHE_FORMAT and the content configuration. */
  salt: string;
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
  const set = shingles(normalizeFolded(folded));
  return {
    textHash: sha256(article.text),
    topics: match(article, folded),
    set,
    signature: signature(set),
  };
}

// ---- File framing: "NAC<format> <crc32> <length> <JSON length>\n" (hex) + JSON + padding +
// the comparison data as 32-bit words (signature length, set length, signature, set).

const MAGIC = `NAC${CACHE_FORMAT} `;

interface EntryPayload {
  outcome:
    { ok: true; article: Article; textHash: string; topics: string[] } | { ok: false; message: string; line?: number };
}

function encodeEntry(payload: EntryPayload, derived: Derived | undefined): Buffer {
  const json = Buffer.from(JSON.stringify(payload));
  const padded = (json.length + 3) & ~3;
  const words = derived ? 2 + derived.signature.length + derived.set.length : 0;
  const body = Buffer.alloc(padded + words * 4);
  json.copy(body);
  if (derived) {
    const view = new Uint32Array(body.buffer, body.byteOffset + padded, words);
    view[0] = derived.signature.length;
    view[1] = derived.set.length;
    view.set(derived.signature, 2);
    view.set(derived.set, 2 + derived.signature.length);
  }
  const numbers = [crc32(body), body.length, json.length].map((n) => n.toString(16)).join(' ');
  const header = Buffer.from(`${MAGIC}${numbers}\n`, 'latin1');
  return Buffer.concat([header, body]);
}

interface Decoded {
  payload: EntryPayload;
  prep: { set: Uint32Array; signature: Uint32Array } | null;
}

/** The entry in a file, or null when it is not one, or not whole. */
function decodeEntry(data: Buffer): Decoded | null {
  const newline = data.indexOf(10);
  if (newline < 0 || newline > 60) return null;
  const header = data.toString('latin1', 0, newline);
  if (!header.startsWith(MAGIC)) return null;
  const [sum, length, jsonLength] = header
    .slice(MAGIC.length)
    .split(' ')
    .map((n) => parseInt(n ?? '', 16));
  const body = data.subarray(newline + 1);
  if (body.length !== length || crc32(body) !== sum) return null;
  const json = jsonLength!;
  if (!(json >= 0 && json <= body.length)) return null;
  let payload: EntryPayload;
  try {
    payload = JSON.parse(body.toString('utf8', 0, json)) as EntryPayload;
  } catch {
    return null;
  }
  const padded = (json + 3) & ~3;
  if (body.length <= padded) return { payload, prep: null };
  if ((body.length - padded) % 4 !== 0) return null;
  // Copied into an aligned array of its own (the read buffer may be pooled or unaligned).
  const words = new Uint32Array((body.length - padded) / 4);
  Buffer.from(words.buffer).set(body.subarray(padded));
  const k = words[0]!;
  const n = words[1]!;
  if (words.length !== 2 + k + n) return null;
  return { payload, prep: { signature: words.slice(2, 2 + k), set: words.slice(2 + k) } };
}

function writeEntry(dir: string, name: string, data: Buffer): void {
  const path = join(dir, name);
  try {
    writeFileSync(path, data);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, data);
  }
}

// ---- Entries.

/** An outcome as the bytes of its cache entry: what a worker sends back (see worker.ts). */
export interface PackedOutcome {
  index: number;
  path: string;
  inputHash: string;
  packed: Uint8Array;
}

/**
 * Stores one outcome (and, for an article, its comparison data) and returns it with its
 * input hash and derived data set, and the entry's bytes when it has one. A failure to
 * write the cache is not a failure of the run: the outcome is returned all the same.
 */
export function storeEntry(
  cache: CacheConfig,
  bytes: Uint8Array,
  outcome: FileOutcome,
  derived: Derived | undefined,
): { outcome: FileOutcome; packed?: PackedOutcome } {
  const inputHash = sha256(bytes);
  const key = entryKey(cache, outcome.path, inputHash);
  const result = { ...outcome, inputHash, ...(derived ? { derived } : {}) };
  // An internal error may be passing (a worker out of memory, too many open files): not kept.
  const keep = outcome.ok ? derived !== undefined : !outcome.message.startsWith('internal error');
  if (!keep) return { outcome: result };
  const payload: EntryPayload = outcome.ok
    ? { outcome: { ok: true, article: outcome.article, textHash: derived!.textHash, topics: derived!.topics } }
    : { outcome: { ok: false, message: outcome.message, ...(outcome.line ? { line: outcome.line } : {}) } };
  const encoded = encodeEntry(payload, outcome.ok ? derived : undefined);
  try {
    writeEntry(join(cache.dir, 'entries'), key, encoded);
  } catch {
    // A full disk or a read-only output folder: the run goes on without the cache.
  }
  return { outcome: result, packed: { index: outcome.index, path: outcome.path, inputHash, packed: encoded } };
}

/** The cached outcome for this key, or null (missing or damaged: a miss). */
export function loadEntry(cache: CacheConfig, key: string, index: number, path: string): FileOutcome | null {
  let data: Buffer;
  try {
    data = readFileSync(join(cache.dir, 'entries', key));
  } catch {
    return null;
  }
  return outcomeOf(data, index, path);
}

/** The outcome held by an entry's bytes, or null when they are damaged. */
export function outcomeOf(data: Buffer, index: number, path: string): FileOutcome | null {
  const entry = decodeEntry(data);
  const o = entry?.payload?.outcome;
  if (!entry || !o || typeof o !== 'object') return null;
  if (!o.ok) {
    if (typeof o.message !== 'string') return null;
    return { index, path, ok: false, message: o.message, ...(o.line ? { line: o.line } : {}) };
  }
  if (typeof o.textHash !== 'string' || !Array.isArray(o.topics) || typeof o.article?.text !== 'string') return null;
  // The path is part of the key; a mismatch means the entry is not what it claims to be.
  if (o.article.input?.path !== path || !entry.prep) return null;
  return {
    index,
    path,
    ok: true,
    article: o.article,
    derived: { textHash: o.textHash, topics: o.topics, set: entry.prep.set, signature: entry.prep.signature },
  };
}
