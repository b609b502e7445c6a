/** Reads one input file and ingests it, turning every failure into a report entry. */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Article } from '../schema/article.ts';
import type { SummitEvent } from '../schema/content.ts';
import { ingestBytes, InputError } from './article.ts';
import { DecodeError } from './decode.ts';

/** No news article is this large; a file that is is an error, not a memory hazard. */
export const MAX_INPUT_BYTES = 8 * 1024 * 1024;

export interface WorkerInit {
  events: SummitEvent[];
  defaultTimeZone: string;
}

export interface FileJob {
  index: number;
  fullPath: string;
  path: string;
}

export type FileOutcome =
  | { index: number; path: string; ok: true; article: Article }
  | { index: number; path: string; ok: false; message: string; line?: number };

/**
 * Reads to the end but never past `limit`: the size from `stat` can be stale (a file still
 * being written) or wrong (0 for some kernel files), so it does not bound the read alone.
 * Returns null when there is more than `limit`.
 */
async function readAtMost(handle: FileHandle, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, limit + 1 - total));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
    if (bytesRead === 0) return Buffer.concat(chunks, total);
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
    if (total > limit) return null;
  }
}

export async function ingestFile(job: FileJob, init: WorkerInit): Promise<FileOutcome> {
  const { index, path } = job;
  try {
    // If the file was swapped for a link or a pipe since the walk: refuse the link, and do
    // not block on the pipe.
    const handle = await open(job.fullPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    let bytes: Buffer;
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) return { index, path, ok: false, message: 'not a regular file: not read' };
      if (stats.size > MAX_INPUT_BYTES) {
        return {
          index,
          path,
          ok: false,
          message: `file too large: ${(stats.size / 1048576).toFixed(1)} MiB, the limit is ${MAX_INPUT_BYTES / 1048576} MiB`,
        };
      }
      const read = await readAtMost(handle, MAX_INPUT_BYTES);
      if (read === null)
        return {
          index,
          path,
          ok: false,
          message: `file too large: it grew past the limit of ${MAX_INPUT_BYTES / 1048576} MiB while it was read`,
        };
      bytes = read;
    } finally {
      await handle.close();
    }
    const { article } = ingestBytes(bytes, path, init);
    return { index, path, ok: true, article };
  } catch (err) {
    // DecodeError first: it is an InputError too, but its message needs the prefix.
    if (err instanceof DecodeError) return { index, path, ok: false, message: `encoding: ${err.message}` };
    if (err instanceof InputError)
      return { index, path, ok: false, message: err.message, ...(err.line ? { line: err.line } : {}) };
    if (err instanceof RangeError && /call stack/i.test(err.message)) {
      return { index, path, ok: false, message: 'the markup is nested too deeply to read' };
    }
    return { index, path, ok: false, message: `internal error: ${(err as Error).message}` };
  }
}
