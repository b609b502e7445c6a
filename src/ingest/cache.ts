/**
 * The ingest cache, in `<output>/cache/`: the outcome of ingesting one input file (its
 * article, or its error), keyed by everything that outcome depends on, so that a re-run
 * reads and hashes an unchanged file and does nothing else with it.
 *
 * - `entries/<key>`: the per-file outcome and the article's topics. The key is a sha256 of
 *   the file's bytes, its path (the format and the report depend on it), INGEST_VERSION,
 *   CACHE_FORMAT and the content configuration (events.yaml, sources.yaml, site.yaml,
 *   topics.yaml as parsed), so a change to any of them is a miss, never a stale hit.
 * - `prep/<sha256 of the text>`: the comparison step's shingle set and MinHash signature
 *   (src/compare), keyed by the article text alone.
 *
 * Every file starts with a header holding a CRC-32 and the length of what follows, and is
 * written to a temporary name then renamed. A file that is missing, truncated, corrupt or
 * of another format is a miss: the file is ingested again and the entry rewritten, so a
 * damaged cache can cost time but never change the output. Entries no longer used by a run
 * are deleted at its end, so the cache holds one entry per input.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { prepare } from '../compare/reprints.ts';
import { topicMatcher, type TopicMatcher } from '../compare/topics.ts';
import type { Article } from '../schema/article.ts';
import type { Topic } from '../schema/content.ts';
import { INGEST_VERSION } from './article.ts';
import type { FileOutcome } from './process-file.ts';

/** The layout of the cache files; bump it when that changes (INGEST_VERSION covers the output). */
export const CACHE_FORMAT = 1;

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
  const prepared = prepare([article]);
  return {
    textHash: sha256(article.text),
    topics: match(article),
    set: prepared.sets[0]!,
    signature: prepared.signatures[0]!,
  };
}

// ---- File framing: "NAC<format> <crc32 hex> <length>\n" + payload.

const MAGIC = `NAC${CACHE_FORMAT} `;

function frame(payload: Buffer): Buffer {
  const header = Buffer.from(`${MAGIC}${crc32(payload).toString(16)} ${payload.length}\n`, 'latin1');
  return Buffer.concat([header, payload]);
}

/** The payload of a framed file, or null when it is not one, or not whole. */
function unframe(data: Buffer): Buffer | null {
  const newline = data.indexOf(10);
  if (newline < 0 || newline > 40) return null;
  const header = data.toString('latin1', 0, newline);
  if (!header.startsWith(MAGIC)) return null;
  const [sum, length] = header.slice(MAGIC.length).split(' ');
  const payload = data.subarray(newline + 1);
  if (String(payload.length) !== length) return null;
  if (crc32(payload).toString(16) !== sum) return null;
  return payload;
}

function readFramed(path: string): Buffer | null {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch {
    return null;
  }
  return unframe(data);
}

let tmpCounter = 0;

function writeFramed(dir: string, name: string, payload: Buffer): void {
  const path = join(dir, name);
  const tmp = `${path}.${process.pid}.${(tmpCounter++).toString(36)}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    writeFileSync(tmp, frame(payload));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, frame(payload));
  }
  renameSync(tmp, path);
}

// ---- Entries.

interface EntryPayload {
  outcome:
    { ok: true; article: Article; textHash: string; topics: string[] } | { ok: false; message: string; line?: number };
}

function prepBytes(derived: Derived): Buffer {
  const words = new Uint32Array(2 + derived.signature.length + derived.set.length);
  words[0] = derived.signature.length;
  words[1] = derived.set.length;
  words.set(derived.signature, 2);
  words.set(derived.set, 2 + derived.signature.length);
  return Buffer.from(words.buffer, words.byteOffset, words.byteLength);
}

function parsePrep(payload: Buffer): { set: Uint32Array; signature: Uint32Array } | null {
  if (payload.length % 4 !== 0 || payload.length < 8) return null;
  // Copy into an aligned buffer of its own (the read buffer may be pooled or unaligned).
  const words = new Uint32Array(payload.length / 4);
  Buffer.from(words.buffer).set(payload);
  const k = words[0]!;
  const n = words[1]!;
  if (words.length !== 2 + k + n) return null;
  return { signature: words.slice(2, 2 + k), set: words.slice(2 + k) };
}

/**
 * Stores one outcome (and, for an article, its comparison data) and returns it with its
 * input hash and derived data set. A failure to write the cache is not a failure of the
 * run: the outcome is returned all the same.
 */
export function storeEntry(
  cache: CacheConfig,
  bytes: Uint8Array,
  outcome: FileOutcome,
  derived: Derived | undefined,
): FileOutcome {
  const inputHash = sha256(bytes);
  const key = entryKey(cache, outcome.path, inputHash);
  const payload: EntryPayload = outcome.ok
    ? {
        outcome: {
          ok: true,
          article: outcome.article,
          textHash: derived?.textHash ?? sha256(outcome.article.text),
          topics: derived?.topics ?? [],
        },
      }
    : {
        outcome: { ok: false, message: outcome.message, ...(outcome.line ? { line: outcome.line } : {}) },
      };
  // An internal error may be passing (a worker out of memory, too many open files): not kept.
  const keep = outcome.ok ? derived !== undefined : !outcome.message.startsWith('internal error');
  if (keep) {
    try {
      if (derived) writeFramed(join(cache.dir, 'prep'), derived.textHash, prepBytes(derived));
      writeFramed(join(cache.dir, 'entries'), key, Buffer.from(JSON.stringify(payload)));
    } catch {
      // A full disk or a read-only output folder: the run goes on without the cache.
    }
  }
  return { ...outcome, inputHash, ...(derived ? { derived } : {}) };
}

/** The cached outcome for this key, or null (missing or damaged: a miss). */
export function loadEntry(cache: CacheConfig, key: string, index: number, path: string): FileOutcome | null {
  const payload = readFramed(join(cache.dir, 'entries', key));
  if (!payload) return null;
  let entry: EntryPayload;
  try {
    entry = JSON.parse(payload.toString('utf8')) as EntryPayload;
  } catch {
    return null;
  }
  const o = entry?.outcome;
  if (!o || typeof o !== 'object') return null;
  if (!o.ok) {
    if (typeof o.message !== 'string') return null;
    return { index, path, ok: false, message: o.message, ...(o.line ? { line: o.line } : {}) };
  }
  if (typeof o.textHash !== 'string' || !Array.isArray(o.topics) || typeof o.article?.text !== 'string') return null;
  // The path is part of the key; a mismatch means the entry is not what it claims to be.
  if (o.article.input?.path !== path) return null;
  const prepPayload = readFramed(join(cache.dir, 'prep', o.textHash));
  const prep = prepPayload ? parsePrep(prepPayload) : null;
  if (!prep) return null;
  return {
    index,
    path,
    ok: true,
    article: o.article,
    derived: { textHash: o.textHash, topics: o.topics as string[], set: prep.set, signature: prep.signature },
  };
}
