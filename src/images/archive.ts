/**
 * `news-archive images`: fetch every image the normalized articles reference, once, into
 * the content's media folder (`content/media/<sha256>.<ext>`), recording each URL in
 * `content/media/manifest.json`.
 *
 * The article list comes from running the ingest first (into `archiveDir`, as `build`
 * does), so the command always sees the current content; the URLs are the original,
 * un-proxied `src` of every article's `leadImage` and `images[]`.
 *
 * Idempotent: an URL already archived (its file present) is not fetched again; a failed
 * one is retried only with `retryFailed`. Files are written atomically, named by the hash
 * of their bytes, so the same image under two URLs is stored once.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readIndex } from '../ingest/read-index.ts';
import { runIngest } from '../ingest/run.ts';
import type { ArticleSummary } from '../schema/article.ts';
import { fetchImage, type FetchOptions, type FetchResult } from './fetch.ts';
import {
  isArchived,
  MANIFEST,
  readManifest,
  serializeManifest,
  writeManifest,
  type ManifestEntry,
} from './manifest.ts';

export interface ImagesOptions {
  contentDir: string;
  archiveDir: string;
  concurrency?: number;
  retryFailed?: boolean;
  fetch?: FetchOptions;
  /** Skip the ingest and read `archiveDir/index.json` as it is. */
  skipIngest?: boolean;
  onProgress?: (done: number, total: number, url: string) => void;
  /** The clock (tests). */
  now?: () => Date;
}

export interface ImagesResult {
  /** Every image URL the articles reference. */
  referenced: number;
  /** Already archived before this run. */
  alreadyArchived: number;
  fetched: Array<{ url: string; file: string; width: number; height: number; bytes: number }>;
  failed: Array<{ url: string; status: number | null; reason: string }>;
  /** Failures of earlier runs not retried (no --retry-failed). */
  skippedFailures: number;
  /** Bytes written to the media folder by this run. */
  bytesWritten: number;
  mediaDir: string;
  ms: number;
}

export function mediaDirOf(contentDir: string): string {
  return join(contentDir, 'media');
}

/** Every image URL of the articles, sorted and without duplicates. */
export function imageUrls(summaries: readonly ArticleSummary[]): string[] {
  const urls = new Set<string>();
  for (const a of summaries) {
    if (a.leadImage) urls.add(a.leadImage.src);
    for (const image of a.images) urls.add(image.src);
  }
  return [...urls].sort();
}

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}

export async function runImages(options: ImagesOptions): Promise<ImagesResult> {
  const started = performance.now();
  const now = options.now ?? (() => new Date());
  if (!options.skipIngest) await runIngest({ contentDir: options.contentDir, outDir: options.archiveDir });
  const summaries = readIndex(join(options.archiveDir, 'index.json'));
  const urls = imageUrls(summaries);

  const mediaDir = mediaDirOf(options.contentDir);
  await mkdir(mediaDir, { recursive: true });
  const manifestPath = join(mediaDir, MANIFEST);
  const before = existsSync(manifestPath) ? readFileSync(manifestPath, 'utf8') : null;
  const entries = new Map<string, ManifestEntry>(readManifest(manifestPath).images.map((e) => [e.url, e]));

  const result: ImagesResult = {
    referenced: urls.length,
    alreadyArchived: 0,
    fetched: [],
    failed: [],
    skippedFailures: 0,
    bytesWritten: 0,
    mediaDir,
    ms: 0,
  };
  const todo: string[] = [];
  for (const url of urls) {
    const known = entries.get(url);
    if (known && isArchived(known) && existsSync(join(mediaDir, known.file))) result.alreadyArchived++;
    else if (known && !isArchived(known) && !options.retryFailed) result.skippedFailures++;
    else todo.push(url);
  }

  let done = 0;
  options.onProgress?.(0, todo.length, '');
  await pool(todo, options.concurrency ?? 4, async (url) => {
    const fetched: FetchResult = await fetchImage(url, options.fetch);
    if (fetched.ok) {
      const file = `${createHash('sha256').update(fetched.bytes).digest('hex')}.${fetched.ext}`;
      const path = join(mediaDir, file);
      if (!existsSync(path)) {
        const tmp = `${path}.${process.pid}.tmp`;
        await writeFile(tmp, fetched.bytes);
        await rename(tmp, path);
        result.bytesWritten += fetched.bytes.length;
      }
      const entry = {
        url,
        file,
        type: fetched.type,
        width: fetched.width,
        height: fetched.height,
        bytes: fetched.bytes.length,
        fetchedAt: now().toISOString(),
      };
      entries.set(url, entry);
      result.fetched.push({ url, file, width: entry.width, height: entry.height, bytes: entry.bytes });
    } else {
      entries.set(url, { url, status: fetched.status, reason: fetched.reason, failedAt: now().toISOString() });
      result.failed.push({ url, status: fetched.status, reason: fetched.reason });
    }
    options.onProgress?.(++done, todo.length, url);
  });

  // Rewritten only when something changed, so an idle run leaves the file (and git) alone.
  if (serializeManifest(entries.values()) !== before) await writeManifest(manifestPath, entries.values());
  result.fetched.sort((a, b) => (a.url < b.url ? -1 : 1));
  result.failed.sort((a, b) => (a.url < b.url ? -1 : 1));
  result.ms = performance.now() - started;
  return result;
}
