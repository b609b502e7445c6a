/** Reads one input file and ingests it, turning every failure into a report entry. */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { Article } from '../schema/article.ts';
import type { SummitEvent, Topic } from '../schema/content.ts';
import { ingestBytes, InputError } from './article.ts';
import {
  deriveForCompare,
  storeEntry,
  type CacheConfig,
  type Derived,
  type EntryAt,
  type PackedOutcome,
} from './cache.ts';
import { DecodeError } from './decode.ts';

/** No news article is this large; a file that is is an error, not a memory hazard. */
export const MAX_INPUT_BYTES = 8 * 1024 * 1024;

export interface WorkerInit {
  events: SummitEvent[];
  defaultTimeZone: string;
  /**
   * When given, the worker also derives what the comparison step needs (topics, shingles,
   * MinHash signature) and stores the outcome in the ingest cache, so that this work is
   * spread over the threads too. Without it (an older worker script), the main thread does.
   */
  topics?: Topic[];
  cache?: CacheConfig;
}

export interface FileJob {
  index: number;
  fullPath: string;
  path: string;
}

/** Set on outcomes that went through the cache step: the input's hash and the derived data. */
export interface OutcomeExtras {
  /** sha256 of the bytes read; absent when the file could not be read at all. */
  inputHash?: string | null;
  derived?: Derived;
  /** Where the outcome's cache entry is, when it has one. */
  entry?: EntryAt;
}

export type FileOutcome =
  | ({ index: number; path: string; ok: true; article: Article } & OutcomeExtras)
  | ({ index: number; path: string; ok: false; message: string; line?: number } & OutcomeExtras);

/** One read buffer per thread, grown as needed: a fresh buffer per file kept the GC busy. */
let scratch = Buffer.allocUnsafeSlow(256 * 1024);

/**
 * Reads to the end but never past `limit`: the size from `stat` can be stale (a file still
 * being written) or wrong (0 for some kernel files), so it does not bound the read alone.
 * Returns a view of the thread's read buffer (valid until the next read), or null when
 * there is more than `limit`. Synchronous on purpose: this runs in a worker thread (or a
 * batch CLI), and a promise round trip through the thread pool per call cost more than the
 * read itself (0.25 ms against 0.04 ms per small file).
 */
function readAtMost(fd: number, limit: number, sizeHint: number): Buffer | null {
  let total = 0;
  for (;;) {
    if (scratch.length < Math.min(Math.max(sizeHint, total) + 1, limit + 1)) {
      const bigger = Buffer.allocUnsafeSlow(Math.min(Math.max(sizeHint + 1, scratch.length * 2), limit + 1));
      scratch.copy(bigger, 0, 0, total);
      scratch = bigger;
    }
    const room = Math.min(scratch.length, limit + 1) - total;
    const bytesRead = readSync(fd, scratch, total, room, null);
    if (bytesRead === 0) return scratch.subarray(0, total);
    total += bytesRead;
    if (total > limit) return null;
    if (total === scratch.length) sizeHint = total * 2;
  }
}

export type ReadResult = { ok: true; bytes: Buffer } | { ok: false; message: string };

/**
 * Reads one input file, or says why it was not read. Throws on I/O errors. With `view`,
 * the bytes are a view of the thread's read buffer, valid until the next read (enough to
 * hash them); otherwise a copy of their own.
 */
export function readInput(fullPath: string, view = false): ReadResult {
  // If the file was swapped for a link or a pipe since the walk: refuse the link, and do
  // not block on the pipe.
  const fd = openSync(fullPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { ok: false, message: 'not a regular file: not read' };
    if (stats.size > MAX_INPUT_BYTES) {
      return {
        ok: false,
        message: `file too large: ${(stats.size / 1048576).toFixed(1)} MiB, the limit is ${MAX_INPUT_BYTES / 1048576} MiB`,
      };
    }
    const read = readAtMost(fd, MAX_INPUT_BYTES, stats.size);
    if (read === null) {
      return {
        ok: false,
        message: `file too large: it grew past the limit of ${MAX_INPUT_BYTES / 1048576} MiB while it was read`,
      };
    }
    return { ok: true, bytes: view ? read : Buffer.from(read) };
  } finally {
    closeSync(fd);
  }
}

/** Turns a failure while reading or ingesting into the report's wording. */
function failure(index: number, path: string, err: unknown): FileOutcome {
  // DecodeError first: it is an InputError too, but its message needs the prefix.
  if (err instanceof DecodeError) return { index, path, ok: false, message: `encoding: ${err.message}` };
  if (err instanceof InputError)
    return { index, path, ok: false, message: err.message, ...(err.line ? { line: err.line } : {}) };
  if (err instanceof RangeError && /call stack/i.test(err.message)) {
    return { index, path, ok: false, message: 'the markup is nested too deeply to read' };
  }
  return { index, path, ok: false, message: `internal error: ${(err as Error).message}` };
}

/** Ingests bytes already read; never throws. */
export function ingestRead(job: FileJob, bytes: Buffer, init: WorkerInit): FileOutcome {
  const { index, path } = job;
  try {
    const { article } = ingestBytes(bytes, path, init);
    return { index, path, ok: true, article };
  } catch (err) {
    return failure(index, path, err);
  }
}

export async function ingestFile(job: FileJob, init: WorkerInit): Promise<FileOutcome> {
  return Promise.resolve(ingestFileSync(job, init));
}

/**
 * Reads and ingests one file. With `init.cache`, also derives the comparison data and
 * stores the outcome in the cache (an error reading the file is not cached: it says
 * nothing about the file's content).
 */
export function ingestFileSync(job: FileJob, init: WorkerInit, read?: Buffer): FileOutcome {
  return ingestFileOrPacked(job, init, read).outcome;
}

/** ingestFileSync, with the outcome's cache entry bytes when it has one (see worker.ts). */
export function ingestFileOrPacked(
  job: FileJob,
  init: WorkerInit,
  read?: Buffer,
): { outcome: FileOutcome; packed?: PackedOutcome } {
  const { index, path } = job;
  let bytes: Buffer;
  if (read) bytes = read;
  else {
    try {
      const result = readInput(job.fullPath);
      if (!result.ok) return { outcome: { index, path, ok: false, message: result.message, inputHash: null } };
      bytes = result.bytes;
    } catch (err) {
      return { outcome: { ...failure(index, path, err), inputHash: null } };
    }
  }
  const outcome = ingestRead(job, bytes, init);
  if (!init.cache || !init.topics) return { outcome };
  return storeEntry(
    init.cache,
    bytes,
    outcome,
    outcome.ok ? deriveForCompare(outcome.article, init.topics) : undefined,
  );
}
