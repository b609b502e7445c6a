/** Reads one input file and ingests it, turning every failure into a report entry. */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
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
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
    const { article } = ingestBytes(bytes, path, init);
    return { index, path, ok: true, article };
  } catch (err) {
    if (err instanceof InputError)
      return { index, path, ok: false, message: err.message, ...(err.line ? { line: err.line } : {}) };
    if (err instanceof DecodeError) return { index, path, ok: false, message: `encoding: ${err.message}` };
    if (err instanceof RangeError && /call stack/i.test(err.message)) {
      return { index, path, ok: false, message: 'the markup is nested too deeply to read' };
    }
    return { index, path, ok: false, message: `internal error: ${(err as Error).message}` };
  }
}
