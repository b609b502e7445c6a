/**
 * Writing a run's article files, on the main thread and on an ingest worker at once.
 *
 * An article's file is made from its cache entry, with what the run decided set over it
 * (id, warnings, topics, reprint group, related articles; see articleFile in cache.ts), and
 * written unless the file there already holds exactly those bytes. Its element of index.json
 * is made beside it, so that the main thread only joins the elements. A cold run at 10k
 * articles spent ~2 s of its single-threaded tail doing this, beside a worker that sat
 * idle: the worker now takes a share. It reads the entries from the packs itself, so a
 * request carries only the file's name, the entry's place and the run's fields.
 *
 * The bytes of a file do not depend on which thread made it. A worker that fails gives its
 * unanswered files back to the main thread.
 */
import { closeSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import type { Article } from '../schema/article.ts';
import type { EntryAt, PackReader } from './cache.ts';

/** What the run sets over an article's cache entry (the fields fingerprintOf covers). */
export type RunFields = Pick<Article, 'id' | 'warnings' | 'topics' | 'reprint' | 'related'>;

export interface ArticleWrite {
  /** Absolute path of the output file. */
  file: string;
  /** The cache entry the file is made from. */
  key: string;
  at: EntryAt;
  fields: RunFields;
  /** The file was not there when the run listed the folder. */
  absent: boolean;
}

/**
 * The file's size, whether it was written, and its element of index.json (see ArticleFile);
 * null when its entry could not be read.
 */
export type Written = { size: number; written: boolean; summary: string | null } | null;

/** A request to a worker, and its answer (see worker.ts). */
export interface WriteRequest {
  task: 'write-articles';
  first: number;
  writes: ArticleWrite[];
}
export interface WriteReply {
  task: 'write-articles';
  first: number;
  written: Written[];
}

/** Files handed out at a time: a message per file cost more than writing a small one. */
const CHUNK = 64;

/** A name beside `path` for its new content, renamed over it once written whole. */
function temporaryPath(path: string): string {
  return `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
}

export function writeAtomicSync(path: string, data: string | Uint8Array): void {
  const tmp = temporaryPath(path);
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/**
 * A file's bytes in parts of about a megabyte (index.json, see indexJson in run.ts): hashed
 * and written part by part, never joined, which would copy the whole index once more.
 */
export interface Parts {
  parts: Buffer[];
}

export function writePartsAtomicSync(path: string, { parts }: Parts): void {
  const tmp = temporaryPath(path);
  const fd = openSync(tmp, 'w');
  try {
    for (const part of parts) {
      for (let done = 0; done < part.length;) done += writeSync(fd, part, done, part.length - done);
    }
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/**
 * Writes a file that is not there yet in place: a rename protects a reader from seeing an
 * old file half replaced, and there is no old file. Creating a second name and renaming it
 * doubled the folder updates, the slowest part of writing 10k new files here. A file cut
 * short by a crash is not in the run record (written last), so the next run compares its
 * content and writes it again.
 */
export function writeNew(path: string, bytes: Uint8Array): void {
  try {
    writeFileSync(path, bytes, { flag: 'wx' });
  } catch (err) {
    // Put there since the folder was listed: replaced as any existing file is.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    writeAtomicSync(path, bytes);
  }
}

/** Writes `bytes` unless the file already holds them (so that its mtime says when it changed). */
export function writeUnlessSame(path: string, bytes: Buffer, absent: boolean): boolean {
  let same = false;
  if (!absent) {
    try {
      same = readFileSync(path).equals(bytes);
    } catch {
      same = false;
    }
  }
  if (same) return false;
  if (absent) writeNew(path, bytes);
  else writeAtomicSync(path, bytes);
  return true;
}

export function writeArticleFile(reader: PackReader, write: ArticleWrite): Written {
  const made = reader.articleFile(write.key, write.at, write.fields);
  if (!made) return null;
  return {
    size: made.file.length,
    written: writeUnlessSame(write.file, made.file, write.absent),
    summary: made.summary,
  };
}

/**
 * Writes the files, the main thread and `helper` (an idle ingest worker, if any) taking
 * chunks of them in turn; the main thread first does `meanwhile`, once the worker has its
 * first chunks. Results are in the order of `writes`.
 */
export async function writeArticleFiles(
  writes: ArticleWrite[],
  reader: PackReader,
  helper?: Worker,
  meanwhile?: () => void,
): Promise<Written[]> {
  const results: Written[] = new Array(writes.length);
  const queue: number[] = [];
  for (let first = 0; first < writes.length; first += CHUNK) queue.push(first);
  const writeChunk = (first: number): void => {
    for (let i = first; i < Math.min(first + CHUNK, writes.length); i++)
      results[i] = writeArticleFile(reader, writes[i]!);
  };
  let helping: Promise<void> = Promise.resolve();
  if (helper && queue.length > 1) {
    helping = new Promise<void>((resolve) => {
      const outstanding = new Set<number>();
      const done = (): void => {
        helper.off('message', onMessage);
        helper.off('error', onFailure);
        helper.off('exit', onFailure);
        resolve();
      };
      const feed = (ahead = 2): void => {
        // Chunks ahead, so that the worker never waits for the main thread's turn.
        while (outstanding.size < ahead && queue.length > 0) {
          const first = queue.pop()!;
          outstanding.add(first);
          const request: WriteRequest = { task: 'write-articles', first, writes: writes.slice(first, first + CHUNK) };
          helper.postMessage(request);
        }
        if (outstanding.size === 0) done();
      };
      const onMessage = (reply: WriteReply): void => {
        if (reply?.task !== 'write-articles' || !outstanding.delete(reply.first)) return;
        reply.written.forEach((w, i) => (results[reply.first + i] = w));
        feed();
      };
      // Its unanswered chunks go back to the main thread (a file written twice is written
      // with the same bytes).
      const onFailure = (): void => {
        queue.push(...outstanding);
        outstanding.clear();
        done();
      };
      helper.on('message', onMessage);
      helper.on('error', onFailure);
      helper.on('exit', onFailure);
      // While the main thread does `meanwhile`, it sends nothing: half the chunks go now.
      feed(meanwhile ? Math.max(2, queue.length >> 1) : 2);
    });
  }
  meanwhile?.();
  // The main thread takes chunks from the front, the worker from the back; it yields after
  // each so that the worker's answers are read and it is sent more without delay.
  for (;;) {
    while (queue.length > 0) {
      writeChunk(queue.shift()!);
      await new Promise<void>((resolveTurn) => setImmediate(resolveTurn));
    }
    await helping;
    if (queue.length === 0) break;
  }
  return results;
}
