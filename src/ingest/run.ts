/**
 * Ingests a content folder into the output folder: `articles/<id>.json`, `index.json`,
 * `report.json` and `article.schema.json`.
 *
 * Files are read in parallel (worker threads) and the results put back in path order, so
 * the output is the same whatever the number of jobs. Every input ends up as an article or
 * as an error in the report. Writes are atomic (temporary file, then rename) and files of
 * articles that no longer exist are removed.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { compareArticles } from '../compare/index.ts';
import { loadContentConfig } from '../content/load.ts';
import { articleJsonSchema, type Article, type ArticleSummary, type IngestReport } from '../schema/article.ts';
import { ingestFile, type FileJob, type FileOutcome, type WorkerInit } from './process-file.ts';
import { walk } from './walk.ts';

export interface RunOptions {
  contentDir: string;
  outDir: string;
  jobs?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface RunResult {
  report: IngestReport;
  articles: Article[];
  ms: number;
}

export async function writeAtomic(path: string, data: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

export function stableJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

const WORKER_URL = new URL('./worker-entry.js', import.meta.url);

/**
 * Runs the jobs, in worker threads when there are enough of them to pay for the start-up.
 * A worker that dies (out of memory, a crash in native code, an exit) costs only the file it
 * was reading: that file becomes an error and a fresh worker takes over the rest. Otherwise
 * one hostile file would fail the run, or leave it waiting for an answer that never comes.
 */
export async function runJobs(
  jobs: FileJob[],
  init: WorkerInit,
  threads: number,
  onDone: () => void,
  workerUrl: URL = WORKER_URL,
): Promise<FileOutcome[]> {
  const outcomes: FileOutcome[] = new Array(jobs.length);
  if (threads <= 1 || jobs.length < 16) {
    for (const job of jobs) {
      outcomes[job.index] = await ingestFile(job, init);
      onDone();
    }
    return outcomes;
  }
  let next = 0;
  const runWorker = (): Promise<void> =>
    new Promise<void>((resolveWorker) => {
      const worker = new Worker(workerUrl, { workerData: init });
      let current: FileJob | undefined;
      let finished = false;
      let failure: Error | undefined;
      const feed = (): void => {
        current = jobs[next++];
        if (current) worker.postMessage(current);
        else {
          finished = true;
          void worker.terminate();
        }
      };
      worker.on('message', (outcome: FileOutcome) => {
        outcomes[outcome.index] = outcome;
        current = undefined;
        onDone();
        feed();
      });
      worker.on('error', (err) => {
        failure = err;
      });
      worker.on('exit', (code) => {
        if (finished) return resolveWorker();
        const job = current;
        if (job) {
          const why = failure ? failure.message : `exit code ${code}`;
          outcomes[job.index] = {
            index: job.index,
            path: job.path,
            ok: false,
            message: `internal error: the worker stopped while reading this file (${why})`,
          };
          onDone();
        }
        // A worker that dies before its first job cannot be fixed by another one.
        if (!job && failure) return resolveWorker(Promise.reject(failure));
        resolveWorker(runWorker());
      });
      feed();
    });
  await Promise.all(Array.from({ length: Math.min(threads, jobs.length) }, runWorker));
  return outcomes;
}

/** Makes ids unique: a second copy of the same text is a duplicate; different texts get a suffix. */
function settleIds(outcomes: FileOutcome[]): FileOutcome[] {
  const byId = new Map<string, Array<Extract<FileOutcome, { ok: true }>>>();
  for (const o of outcomes) {
    if (!o.ok) continue;
    const list = byId.get(o.article.id) ?? [];
    list.push(o);
    byId.set(o.article.id, list);
  }
  const result = [...outcomes];
  for (const [id, list] of byId) {
    if (list.length < 2) continue;
    const seen = new Map<string, string>();
    for (const o of list) {
      const textHash = createHash('sha256').update(o.article.text).digest('hex');
      const first = seen.get(textHash);
      if (first !== undefined) {
        result[o.index] = {
          index: o.index,
          path: o.path,
          ok: false,
          message: `duplicate of ${first}: same article (id ${id})`,
        };
        continue;
      }
      seen.set(textHash, o.path);
      if (o !== list[0]) {
        o.article.id = `${id}-${textHash.slice(0, 6)}`;
        o.article.warnings.push(`another article has the id ${id}: this one is ${o.article.id}`);
      }
    }
  }
  return result;
}

export function summaryOf(article: Article): ArticleSummary {
  const { html: _html, text: _text, ...summary } = article;
  return summary;
}

export async function runIngest(options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const contentDir = resolve(options.contentDir);
  const outDir = resolve(options.outDir);
  const config = await loadContentConfig(contentDir);
  const articlesDir = join(contentDir, 'articles');
  const listing = await walk(articlesDir, contentDir);

  const jobs: FileJob[] = listing.files.map((fullPath, index) => ({
    index,
    fullPath,
    path: fullPath
      .slice(contentDir.length + 1)
      .split(/[\\/]/)
      .join('/'),
  }));
  const total = jobs.length + listing.rejected.length;
  let done = listing.rejected.length;
  options.onProgress?.(done, total);
  const init: WorkerInit = { events: config.events, defaultTimeZone: config.site.timeZone };
  const outcomes = settleIds(
    await runJobs(jobs, init, options.jobs ?? availableParallelism(), () => options.onProgress?.(++done, total)),
  );

  const articles = outcomes.flatMap((o) => (o.ok ? [o.article] : []));
  // Cross-article post-processing: topics, reprint groups, related articles.
  compareArticles(articles, { topics: config.topics });
  const errors: IngestReport['errors'] = [
    ...listing.rejected,
    ...outcomes.flatMap((o) =>
      o.ok ? [] : [{ path: o.path, message: o.message, ...(o.line ? { line: o.line } : {}) }],
    ),
  ].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const warnings: IngestReport['warnings'] = [
    ...config.warnings,
    ...listing.ignored.map((path) => ({ path, message: 'hidden file: ignored' })),
    ...articles.flatMap((a) => a.warnings.map((message) => ({ path: a.input.path, message }))),
  ];
  const report: IngestReport = { inputs: total, articles: articles.length, errors, warnings };

  await mkdir(join(outDir, 'articles'), { recursive: true });
  const keep = new Set<string>();
  for (const article of articles) {
    const file = `${article.id}.json`;
    keep.add(file);
    await writeAtomic(join(outDir, 'articles', file), stableJson(article));
  }
  for (const file of await readdir(join(outDir, 'articles'))) {
    if (!keep.has(file)) await rm(join(outDir, 'articles', file), { force: true });
  }
  const index = articles
    .map(summaryOf)
    .sort((a, b) =>
      a.published === b.published ? (a.id < b.id ? -1 : 1) : Date.parse(b.published) - Date.parse(a.published),
    );
  await writeAtomic(join(outDir, 'index.json'), stableJson(index));
  await writeAtomic(join(outDir, 'report.json'), stableJson(report));
  await writeAtomic(join(outDir, 'article.schema.json'), stableJson(articleJsonSchema()));
  return { report, articles, ms: performance.now() - started };
}
