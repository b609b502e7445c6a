/**
 * Ingests a content folder into the output folder: `articles/<id>.json`, `index.json`,
 * `report.json` and `article.schema.json`, plus the ingest cache in `cache/` (see cache.ts).
 *
 * Files are read in parallel (worker threads) and the results put back in path order, so
 * the output is the same whatever the number of jobs. Every input ends up as an article or
 * as an error in the report. Writes are atomic (temporary file, then rename) and files of
 * articles that no longer exist are removed.
 *
 * Incremental: every input is read and hashed; a file whose outcome is in the cache is not
 * parsed again. When nothing that the output depends on changed since the last run (the
 * digest in `cache/run.json`), the run stops there. An output file whose content would not
 * change is not rewritten, so its mtime says when it last changed, and RunResult.changes
 * lists the articles added, rewritten and removed for the steps downstream.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { componentsOn } from '../compare/components-task.ts';
import { compareArticles } from '../compare/index.ts';
import { PairMemo, pairMemoSalt } from '../compare/pair-memo.ts';
import { workerUrl } from '../compiled.ts';
import { loadContentConfig } from '../content/load.ts';
import { articleJsonSchema, type Article, type ArticleSummary, type IngestReport } from '../schema/article.ts';
import { INGEST_VERSION } from './article.ts';
import {
  CACHE_FORMAT,
  cacheSalt,
  closePack,
  entryKey,
  PackReader,
  scanPacks,
  tidyPacks,
  sha256,
  summaryOutcomeOf,
  type CacheConfig,
  type EntryAt,
  type Derived,
  type PackedOutcome,
} from './cache.ts';
import { ingestFileSync, readInput, type FileJob, type FileOutcome, type WorkerInit } from './process-file.ts';
import { walk } from './walk.ts';
import {
  writeArticleFiles,
  writeAtomicSync,
  writePartsAtomicSync,
  writeUnlessSame,
  type ArticleWrite,
  type Parts,
} from './write-articles.ts';

export interface RunOptions {
  contentDir: string;
  outDir: string;
  jobs?: number;
  onProgress?: (done: number, total: number) => void;
}

/** What a run changed in the output folder, for incremental steps downstream. */
export interface IngestChanges {
  /** Ids of articles whose file did not exist before this run (sorted). */
  added: string[];
  /** Ids of articles whose file was rewritten with a different content (sorted). */
  changed: string[];
  /** Ids of articles whose file was removed (sorted). */
  removed: string[];
  /** Whether index.json / report.json were rewritten. */
  index: boolean;
  report: boolean;
}

export interface RunResult {
  report: IngestReport;
  /**
   * All articles, in input path order. The run holds none of them whole in memory: they are
   * read from the output folder on first access.
   */
  articles: Article[];
  ms: number;
  changes: IngestChanges;
  /**
   * Inputs whose outcome came from the cache, and inputs that were ingested (files that
   * could not be read count as neither); `unchanged` when nothing changed since the last
   * run, so that nothing was parsed or written.
   */
  cache: { hits: number; misses: number; unchanged: boolean };
}

export async function writeAtomic(path: string, data: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

export function stableJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

const WORKER_URL = workerUrl('ingest-worker');

/** Fewer jobs than this run on the main thread: a worker's start-up would cost more. */
const MIN_JOBS_FOR_WORKERS = 16;
/**
 * With the default number of jobs, fewer files than this are ingested on the main thread
 * alone: a worker's start-up (loading the ingest's modules and opencc's dictionaries, ~0.4 s
 * of CPU from the bundle and ~1.1 s through tsx on this 2-core machine) costs more than it
 * saves on a few hundred files, which is what an incremental run usually has. An explicit
 * `jobs` is followed from MIN_JOBS_FOR_WORKERS.
 */
const WORKERS_PAY_FROM = 400;
/**
 * With the default number of jobs, a run that finds most files in the cache starts a worker
 * for the comparison from this many files: it pays for its start-up once finding the reprint
 * groups takes longer (~0.1 s at 1k articles, ~1.4 s at 10k on one thread).
 */
const COMPARE_HELPER_FROM = 2000;
/**
 * Jobs sent to a worker ahead of its answers: enough to last while the main thread reads a
 * long file of its own (it feeds the worker only between two files). With 4, a worker ran
 * dry for 20–30 % of some 100 ms windows, ~0.4 s of a 10k run in all.
 */
const PREFETCH = 16;

/**
 * Worker threads started ahead of their jobs, so that their start-up (loading the ingest
 * modules, opencc's dictionaries) overlaps the main thread's own work.
 */
export class WorkerPool {
  readonly idle: Worker[] = [];
  constructor(
    readonly init: WorkerInit,
    readonly size: number,
    readonly url: URL = WORKER_URL,
  ) {
    for (let i = 0; i < size; i++) this.idle.push(this.spawn());
  }
  spawn(): Worker {
    const worker = new Worker(this.url, { workerData: this.init });
    // A worker that ends while idle is not handed out again (a message to it would wait
    // for an answer forever), and its error does not bring the run down: whoever uses it
    // listens for its errors while it works.
    worker
      .on('error', () => undefined)
      .once('exit', () => {
        const at = this.idle.indexOf(worker);
        if (at >= 0) this.idle.splice(at, 1);
      });
    return worker;
  }
  /** A started worker if one is left, else a new one. */
  take(): Worker {
    return this.idle.pop() ?? this.spawn();
  }
  async close(): Promise<void> {
    await Promise.all(this.idle.splice(0).map((w) => w.terminate()));
  }
}

/**
 * Runs the jobs, in worker threads when there are enough of them to pay for the start-up.
 * A worker that dies (out of memory, a crash in native code, an exit) costs only the file it
 * was reading: that file becomes an error and a fresh worker takes over the rest. Otherwise
 * one hostile file would fail the run, or leave it waiting for an answer that never comes.
 * With `mainThreadToo`, the main thread takes jobs beside threads - 1 workers; a file that
 * brings down a process then costs the run, as with one job (the ingest guards against
 * what is known to do that: size, nesting depth, stack overflows become errors).
 * The outcomes come back in the order of `jobs`, each as `keep` makes it when it arrives (the
 * ingest keeps articles without their bodies, so that its memory does not grow with them).
 */
export async function runJobs<Kept = Held>(
  jobs: FileJob[],
  init: WorkerInit,
  threads: number,
  onDone: () => void,
  workerUrl: URL = WORKER_URL,
  pool?: WorkerPool,
  mainThreadToo = false,
  keep: (outcome: Held) => Kept = (outcome) => outcome as Kept,
): Promise<Kept[]> {
  const outcomes: Kept[] = new Array(jobs.length);
  const position = new Map(jobs.map((job, i) => [job.index, i]));
  if (threads <= 1 || jobs.length < MIN_JOBS_FOR_WORKERS) {
    for (const [i, job] of jobs.entries()) {
      outcomes[i] = keep(ingestFileSync(job, init));
      onDone();
    }
    return outcomes;
  }
  // Jobs not yet handed out, and jobs given back by a worker that died.
  const queue: FileJob[] = [...jobs];
  const runWorker = (): Promise<void> =>
    new Promise<void>((resolveWorker) => {
      const worker = pool ? pool.take() : new Worker(workerUrl, { workerData: init });
      // Sent and not answered yet. A worker holds a few jobs at a time so that it never
      // waits for the main thread between two files (a round trip costs a scheduler slice
      // when the cores are busy, which slowed two workers below one thread).
      const outstanding: FileJob[] = [];
      let finished = false;
      let failure: Error | undefined;
      const feed = (): void => {
        while (outstanding.length < PREFETCH && queue.length > 0) {
          const job = queue.shift()!;
          outstanding.push(job);
          worker.postMessage(job);
        }
        if (outstanding.length === 0 && !finished) {
          finished = true;
          if (!pool) return void worker.terminate();
          // Back to the pool, for the run's other work (see write-articles.ts).
          worker.off('message', onMessage).off('error', onError).off('exit', onExit);
          pool.idle.push(worker);
          resolveWorker();
        }
      };
      const onMessage = (reply: FileOutcome | PackedOutcome): void => {
        const outcome = 'packed' in reply ? unpack(reply, init.cache!) : reply;
        outcomes[position.get(outcome.index)!] = keep(outcome);
        const at = outstanding.findIndex((j) => j.index === outcome.index);
        if (at >= 0) outstanding.splice(at, 1);
        onDone();
        feed();
      };
      const onError = (err: Error): void => {
        failure = err;
      };
      const onExit = (code: number): void => {
        if (finished) return resolveWorker();
        // The oldest unanswered job is the one it was reading; the others go back.
        const job = outstanding.shift();
        queue.unshift(...outstanding.splice(0));
        if (job) {
          const why = failure ? failure.message : `exit code ${code}`;
          outcomes[position.get(job.index)!] = keep({
            index: job.index,
            path: job.path,
            ok: false,
            message: `internal error: the worker stopped while reading this file (${why})`,
          });
          onDone();
        }
        // A worker that dies before its first job cannot be fixed by another one.
        if (!job && failure) return resolveWorker(Promise.reject(failure));
        if (queue.length === 0) return resolveWorker();
        resolveWorker(runWorker());
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      feed();
    });
  // The main thread, when it takes part, reads files between its messages; it yields after
  // each file so that the workers' answers and requests are handled without delay.
  const local = async (): Promise<void> => {
    while (queue.length > 0) {
      const job = queue.shift()!;
      outcomes[position.get(job.index)!] = keep(ingestFileSync(job, init));
      onDone();
      await new Promise<void>((resolveTurn) => setImmediate(resolveTurn));
    }
  };
  const workers = Math.min(mainThreadToo ? threads - 1 : threads, jobs.length);
  await Promise.all([...Array.from({ length: workers }, runWorker), ...(mainThreadToo ? [local()] : [])]);
  return outcomes;
}

/**
 * An outcome sent as its cache entry's bytes (see worker.ts), read as the run holds it: the
 * article's body stays in the entry (see hold).
 */
function unpack(reply: PackedOutcome, cache: CacheConfig): Held {
  const outcome = summaryOutcomeOf(
    Buffer.from(reply.packed.buffer, reply.packed.byteOffset, reply.packed.byteLength),
    entryKey(cache, reply.path, reply.inputHash),
    reply.index,
    reply.path,
  );
  if (!outcome) {
    // Cannot happen short of a bug: the bytes were made by encodeEntry a moment ago.
    return {
      index: reply.index,
      path: reply.path,
      ok: false,
      message: 'internal error: an unreadable reply from a worker',
    };
  }
  return { ...outcome, inputHash: reply.inputHash, ...(reply.entry ? { entry: reply.entry } : {}) };
}

/** An article as the run holds it: without its body once its cache entry holds the body. */
type HeldArticle = ArticleSummary & Partial<Pick<Article, 'html' | 'text'>>;
type Held =
  | Extract<FileOutcome, { ok: false }>
  | (Omit<Extract<FileOutcome, { ok: true }>, 'article'> & { article: HeldArticle });

/**
 * Drops an article's body (html and text) as soon as its outcome arrives, when its cache
 * entry holds it and its comparison data is computed: the run needs only the rest until it
 * writes the file, and then reads the body back from the entry. Holding every body made the
 * ingest's memory grow with the archive (4.4 GB at 100k articles).
 */
function hold(outcome: Held): Held {
  if (!outcome.ok || !outcome.derived || !outcome.inputHash || !outcome.entry) return outcome;
  return { ...outcome, article: summaryOf(outcome.article) };
}

/** Makes ids unique: a second copy of the same text is a duplicate; different texts get a suffix. */
function settleIds(outcomes: Held[]): Held[] {
  const byId = new Map<string, Array<Extract<Held, { ok: true }>>>();
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
      // Only an article with its comparison data is held without its text (see hold).
      const textHash = o.derived?.textHash ?? sha256(o.article.text!);
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

export function summaryOf(article: HeldArticle): ArticleSummary {
  const { html: _html, text: _text, ...summary } = article;
  return summary;
}

/** The comparison step's pair results, kept for the next run (src/compare/pair-memo.ts). */
const PAIR_MEMO = 'pairs.bin';

// ---- The record of the last run: cache/run.json.

interface OutputRecord {
  /** sha256 of the content; for an article, its fingerprint (see fingerprintOf). */
  sha: string;
  size: number;
}

interface RunState {
  format: number;
  ingest: number;
  /** Hash of everything the output depends on (see inputDigest). */
  digest: string;
  /** Article ids in RunResult order. */
  ids: string[];
  /** Every output file, relative to the output folder: its sha256 and size. */
  outputs: Record<string, OutputRecord>;
}

function readState(path: string): RunState | null {
  try {
    const state = JSON.parse(readFileSync(path, 'utf8')) as RunState;
    if (state.format !== CACHE_FORMAT || state.ingest !== INGEST_VERSION) return null;
    if (typeof state.digest !== 'string' || !Array.isArray(state.ids) || typeof state.outputs !== 'object') return null;
    return state;
  } catch {
    return null;
  }
}

/** Whether every output file of the last run is still there at its size (a cheap check). */
function outputsIntact(outDir: string, state: RunState): boolean {
  try {
    const articles = new Set(readdirSync(join(outDir, 'articles')));
    let articleFiles = 0;
    for (const [file, record] of Object.entries(state.outputs)) {
      if (file.startsWith('articles/')) {
        articleFiles++;
        if (!articles.has(file.slice('articles/'.length))) return false;
      }
      if (statSync(join(outDir, file)).size !== record.size) return false;
    }
    // No stray files (a copy left by hand, a temporary file of a killed run).
    return articles.size === articleFiles;
  } catch {
    return false;
  }
}

/** Reads a whole file, or null when there is none. */
function readIfExists(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch {
    return null;
  }
}

/**
 * The record of an output file whose fingerprint (what its content is made from) is the
 * same as last run's, when the file is still there at its size: the same content, known
 * without making it. Null otherwise.
 */
function unchangedOutput(
  outDir: string,
  file: string,
  fingerprint: string | null,
  previous: RunState | null,
): OutputRecord | null {
  const before = previous?.outputs[file];
  if (fingerprint === null || !before || before.sha !== fingerprint) return null;
  try {
    return statSync(join(outDir, file)).size === before.size ? before : null;
  } catch {
    return null; // Removed by hand: written again.
  }
}

/**
 * Writes an output file unless it already holds exactly that content, and returns its
 * record and whether it was written. An article's file is judged by its fingerprint first
 * (see unchangedOutput). Otherwise the content is made and compared with the file there, if
 * any, so that an identical file keeps its mtime. `absent` says the file was not there when
 * the run listed the folder.
 */
function writeIfChanged(
  outDir: string,
  file: string,
  make: () => string | Buffer | Parts,
  fingerprint: string | null,
  previous: RunState | null,
  absent = false,
): OutputRecord & { written: boolean } {
  const path = join(outDir, file);
  const before = previous?.outputs[file];
  const unchanged = unchangedOutput(outDir, file, fingerprint, previous);
  if (unchanged) return { ...unchanged, written: false };
  const made = make();
  // index.json comes in parts (see indexJson), never joined into one buffer.
  const parts = typeof made === 'object' && 'parts' in made ? made : null;
  const bytes = parts ? null : typeof made === 'string' ? Buffer.from(made) : (made as Buffer);
  const record = parts ? partsRecord(parts) : { sha: fingerprint ?? sha256(bytes!), size: bytes!.length };
  const write = (): void => (parts ? writePartsAtomicSync(path, parts) : writeAtomicSync(path, bytes!));
  if (fingerprint === null && before) {
    // Judged by the record: the same hash and size, and the file still at its size.
    let same = before.sha === record.sha && before.size === record.size;
    if (same) {
      try {
        same = statSync(path).size === record.size;
      } catch {
        same = false;
      }
    }
    if (!same) write();
    return { ...record, written: !same };
  }
  if (bytes) return { ...record, written: writeUnlessSame(path, bytes, absent) };
  // Parts: judged by the hash of the file there.
  let same = false;
  try {
    same = !absent && sha256(readFileSync(path)) === record.sha;
  } catch {
    same = false;
  }
  if (!same) write();
  return { ...record, written: !same };
}

/** index.json is joined into parts of about this many bytes (see Parts). */
const INDEX_PART = 1 << 20;

/**
 * index.json: the summaries, newest first (ties: by id), as stableJson prints them. Joined
 * from the elements the article files' writers made (see articleFile in cache.ts) when every
 * article has one, as in a cold run; printed here otherwise. Printed whole, the index of
 * 10k articles (~33 MB) took 0.2–0.4 s of the main thread (JSON.stringify, then the string
 * encoded as UTF-8) while the worker wrote its share.
 */
export function indexJson(
  articles: ReadonlyArray<Pick<HeldArticle, 'id' | 'published'>>,
  elements: Array<string | null>,
  partBytes = INDEX_PART,
): string | Parts {
  // Each date parsed once, not twice a comparison: ~280k Date.parse calls at 10k articles.
  const times = articles.map((article) => Date.parse(article.published));
  const order = articles
    .map((_, i) => i)
    .sort((i, j) => {
      const a = articles[i]!;
      const b = articles[j]!;
      return a.published === b.published ? (a.id < b.id ? -1 : 1) : times[j]! - times[i]!;
    });
  if (order.length === 0 || elements.some((element) => element === null)) {
    return stableJson(order.map((i) => summaryOf(articles[i]! as HeldArticle)));
  }
  // Each element copied into its part's buffer as it is (one byte a character): joined as
  // strings, 1 MB took ~7 ms against ~0.5 ms copied so, ~0.2 s of the run's tail at 10k.
  const parts: Buffer[] = [];
  const last = order.length - 1;
  for (let from = 0; from <= last;) {
    // Elements from..to-1, each after its `[\n` or `,\n`; the last part ends the array.
    let to = from;
    let length = 0;
    while (to <= last && (length < partBytes || to === from)) length += 2 + elements[order[to++]!]!.length;
    if (to > last) length += 3;
    const part = Buffer.allocUnsafeSlow(length);
    let at = 0;
    for (let k = from; k < to; k++) {
      at += part.write(k === 0 ? '[\n' : ',\n', at, 'latin1');
      at += part.write(elements[order[k]!]!, at, 'latin1');
    }
    if (to > last) part.write('\n]\n', at, 'latin1');
    parts.push(part);
    from = to;
  }
  return { parts };
}

/** The record of a file of these parts: its sha256 and size. */
function partsRecord({ parts }: Parts): OutputRecord {
  const hash = createHash('sha256');
  let size = 0;
  for (const part of parts) {
    hash.update(part);
    size += part.length;
  }
  return { sha: hash.digest('hex'), size };
}

/**
 * What an article's output file is made from: its cache entry (the input, the ingest
 * version and configuration) and what the run sets on top of it (id, warnings, topics,
 * reprint group, related articles).
 */
function fingerprintOf(key: string, article: HeldArticle): string {
  const { id, warnings, topics, reprint, related } = article;
  return sha256(`${key}\0${JSON.stringify([id, warnings, topics, reprint, related])}`);
}

/** The current inputs of one file: its cache key, or why it could not be read. */
type Probe = { key: string; inputHash: string } | { error: string };

function probe(cache: CacheConfig, job: FileJob): Probe {
  try {
    const read = readInput(job.fullPath, true);
    if (!read.ok) return { error: read.message };
    const inputHash = sha256(read.bytes);
    return { key: entryKey(cache, job.path, inputHash), inputHash };
  } catch (err) {
    // The wording of an unreadable file in the report, as for any unexpected failure.
    return { error: `internal error: ${(err as Error).message}` };
  }
}

/** The hash of everything the output depends on: the configuration and every input's probe. */
function inputDigest(
  cache: CacheConfig,
  jobs: FileJob[],
  probes: Probe[],
  listing: Awaited<ReturnType<typeof walk>>,
  warnings: unknown,
): string {
  return sha256(
    JSON.stringify({
      salt: cache.salt,
      inputs: jobs.map((job, i) => [job.path, probes[i]]),
      rejected: listing.rejected,
      ignored: listing.ignored,
      warnings,
    }),
  );
}

function lazyArticles(outDir: string, ids: string[]): () => Article[] {
  let loaded: Article[] | undefined;
  return () =>
    (loaded ??= ids.map((id) => JSON.parse(readFileSync(join(outDir, 'articles', `${id}.json`), 'utf8')) as Article));
}

export async function runIngest(options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const contentDir = resolve(options.contentDir);
  const outDir = resolve(options.outDir);
  const config = await loadContentConfig(contentDir);
  const articlesDir = join(contentDir, 'articles');
  const listing = await walk(articlesDir, contentDir);
  const schemaJson = stableJson(articleJsonSchema());
  const cache: CacheConfig = {
    dir: join(outDir, 'cache'),
    // The schema is part of the output: a change to it is a change of the ingest.
    salt: cacheSalt({
      events: config.events,
      sources: config.sources,
      site: config.site,
      topics: config.topics,
      schema: sha256(schemaJson),
    }),
    // Only tells this run's packs from earlier ones; nothing published depends on it.
    run: `${Date.now().toString(36)}-${process.pid}`,
  };
  const statePath = join(cache.dir, 'run.json');
  const previous = readState(statePath);
  const threads = options.jobs ?? availableParallelism();
  const init: WorkerInit = {
    events: config.events,
    defaultTimeZone: config.site.timeZone,
    topics: config.topics,
    cache,
  };

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
  // Without a cache, every file will be ingested: nothing is probed first (each file would be
  // read and hashed twice, 0.3–0.4 s of the main thread at 10k files), and the workers start now so
  // that their start-up overlaps the main thread's first files. (Otherwise they start once
  // the misses are known.)
  const coldStart = previous === null && !existsSync(join(cache.dir, 'packs'));
  // Workers are taken from the pool, and given back to it when the jobs are done: one of
  // them then finds the reprint groups and writes files beside the main thread.
  const pool = new WorkerPool(
    init,
    coldStart && threads > 1 && jobs.length >= (options.jobs === undefined ? WORKERS_PAY_FROM : MIN_JOBS_FOR_WORKERS)
      ? Math.min(threads - 1, jobs.length)
      : 0,
  );
  const reader = new PackReader(cache);
  try {
    const outcomes: Held[] = new Array(jobs.length);
    const misses: FileJob[] = [];
    let hits = 0;
    let probes: Probe[] | null = null;
    if (coldStart) misses.push(...jobs);
    else {
      // Read and hash every input. The digest covers everything the output depends on.
      probes = jobs.map((job) => probe(cache, job));
      const digest = inputDigest(cache, jobs, probes, listing, config.warnings);
      if (previous && previous.digest === digest && outputsIntact(outDir, previous)) {
        const reportText = readIfExists(join(outDir, 'report.json'));
        const record = previous.outputs['report.json'];
        if (reportText && record && sha256(reportText) === record.sha) {
          options.onProgress?.(total, total);
          const result: RunResult = {
            report: JSON.parse(reportText.toString('utf8')) as IngestReport,
            articles: [],
            ms: 0,
            changes: { added: [], changed: [], removed: [], index: false, report: false },
            cache: { hits: jobs.length, misses: 0, unchanged: true },
          };
          Object.defineProperty(result, 'articles', { get: lazyArticles(outDir, previous.ids), enumerable: true });
          result.ms = performance.now() - started;
          return result;
        }
      }
      // Something changed, so the comparison runs again: a worker finds the reprint groups
      // beside the main thread (components-task.ts), started now so that its start-up
      // overlaps reading the cache. Without it, a warm 10k run spent ~1.4 s on them alone.
      if (
        threads > 1 &&
        pool.idle.length === 0 &&
        jobs.length >= (options.jobs === undefined ? COMPARE_HELPER_FROM : MIN_JOBS_FOR_WORKERS)
      ) {
        pool.idle.push(pool.spawn());
      }
      // Outcomes from the cache; the rest is ingested.
      const stored = scanPacks(cache);
      for (const [i, job] of jobs.entries()) {
        const p = probes[i]!;
        if ('error' in p) {
          outcomes[i] = { index: i, path: job.path, ok: false, message: p.error, inputHash: null };
          options.onProgress?.(++done, total);
          continue;
        }
        const at = stored.get(p.key);
        const hit = at ? reader.loadSummary(p.key, at, i, job.path) : null;
        if (hit) {
          outcomes[i] = { ...hit, inputHash: p.inputHash, entry: at! };
          hits++;
          options.onProgress?.(++done, total);
        } else misses.push(job);
      }
    }
    // The main thread ingests too, beside threads - 1 workers: on two cores, a second worker
    // cost its start-up (about a second of loading modules) and left the main thread idle.
    const fresh = await runJobs(
      misses,
      init,
      // By default, workers only for a batch that repays their start-up.
      options.jobs === undefined && misses.length < WORKERS_PAY_FROM && pool.idle.length === 0 ? 1 : threads,
      () => options.onProgress?.(++done, total),
      WORKER_URL,
      pool,
      true,
      hold,
    );
    for (const outcome of fresh) outcomes[outcome.index] = outcome;

    const derived = new Map<HeldArticle, Derived>();
    // The entries this run used: the cache keeps these (see tidyPacks).
    const live = new Map<string, EntryAt>();
    const keyOf = new Map<HeldArticle, string>();
    for (const o of outcomes) {
      const key = o.inputHash ? entryKey(cache, o.path, o.inputHash) : null;
      if (key && o.entry) live.set(key, o.entry);
      if (o.ok && key) keyOf.set(o.article, key);
      if (o.ok && o.derived) derived.set(o.article, o.derived);
    }
    const settled = settleIds(outcomes);
    const articles = settled.flatMap((o) => (o.ok ? [o.article] : []));
    const indexOf = new Map(settled.flatMap((o) => (o.ok ? [[o.article, o.index] as const] : [])));
    /**
     * An article's output file: the body from its cache entry, spliced in undecoded (see
     * articleFile in cache.ts), everything else as the run made it (id, warnings, topics, reprint,
     * related). Without an entry (it could not be written, a full disk), the file is
     * ingested again.
     */
    const fileOf = (held: HeldArticle, key: string | undefined, job: FileJob): string | Buffer => {
      if (typeof held.html === 'string' && typeof held.text === 'string') return stableJson(held);
      const at = key ? live.get(key) : undefined;
      const spliced = key && at ? reader.articleFile(key, at, held) : null;
      if (spliced) return spliced.file;
      const whole = ingestFileSync(job, { ...init, cache: undefined });
      if (!whole.ok) throw new Error(`${job.path}: read again to be written, it failed: ${whole.message}`);
      // The entry's key order, the run's values: the same bytes as writing the article whole.
      const article: Record<string, unknown> = { ...whole.article };
      for (const [name, value] of Object.entries(held)) article[name] = value;
      return stableJson(article);
    };
    // Cross-article post-processing: topics, reprint groups, related articles; the pairs'
    // results of the last run are looked up, not computed again (src/compare/pair-memo.ts).
    const memoSalt = pairMemoSalt(cache.salt);
    const memoPath = join(cache.dir, PAIR_MEMO);
    const memoBefore = existsSync(memoPath) ? readFileSync(memoPath) : null;
    const memo = memoBefore ? PairMemo.fromBuffer(memoBefore, memoSalt) : new PairMemo();
    // The reprint groups are found on a worker, when the run has one, beside the rest.
    const helper = pool.idle[0];
    await compareArticles(articles, {
      topics: config.topics,
      precomputed: (a) => derived.get(a),
      memo,
      ...(helper ? { components: componentsOn(helper) } : {}),
    });
    // The shingle sets are the largest thing the run holds (~0.4 GB at 100k articles).
    derived.clear();
    const errors: IngestReport['errors'] = [
      ...listing.rejected,
      ...settled.flatMap((o) =>
        o.ok ? [] : [{ path: o.path, message: o.message, ...(o.line ? { line: o.line } : {}) }],
      ),
    ].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const warnings: IngestReport['warnings'] = [
      ...config.warnings,
      ...listing.ignored.map((path) => ({ path, message: 'hidden file: ignored' })),
      ...articles.flatMap((a) => a.warnings.map((message) => ({ path: a.input.path, message }))),
    ];
    const report: IngestReport = { inputs: total, articles: articles.length, errors, warnings };

    mkdirSync(join(outDir, 'articles'), { recursive: true });
    const existing = new Set(readdirSync(join(outDir, 'articles')));
    const outputs: Record<string, OutputRecord> = {};
    const changes: IngestChanges = { added: [], changed: [], removed: [], index: false, report: false };
    const keep = new Set<string>();
    // Files made from a cache entry are written on the main thread and, when the run
    // started workers, on one of them at once (write-articles.ts); the others here.
    const records: Array<(OutputRecord & { written: boolean }) | undefined> = new Array(articles.length);
    const spliced: Array<{ at: number; key: string; fingerprint: string | null }> = [];
    const writes: ArticleWrite[] = [];
    articles.forEach((article, i) => {
      const file = `articles/${article.id}.json`;
      keep.add(`${article.id}.json`);
      const key = keyOf.get(article);
      // Needed here only to compare with the last run's record; the others are made while
      // the worker writes its first files, not before it is sent any.
      const fingerprint = key && previous?.outputs[file] ? fingerprintOf(key, article) : null;
      const unchanged = unchangedOutput(outDir, file, fingerprint, previous);
      const at = key ? live.get(key) : undefined;
      if (unchanged) records[i] = { ...unchanged, written: false };
      else if (key && at && typeof article.html !== 'string') {
        const { id, warnings, topics, reprint, related } = article;
        spliced.push({ at: i, key, fingerprint });
        writes.push({
          file: join(outDir, file),
          key,
          at,
          fields: { id, warnings, topics, reprint, related },
          absent: !existing.has(`${article.id}.json`),
        });
      }
    });
    // The report and the schema are written, and the files' fingerprints made, while the
    // worker writes its first share of the article files; the index once every file has
    // given its element (indexJson).
    const listed = new Map<string, OutputRecord & { written: boolean }>();
    const list = (file: string, data: string | Buffer | Parts): void => {
      listed.set(
        file,
        writeIfChanged(outDir, file, () => data, null, previous),
      );
    };
    const written = await writeArticleFiles(writes, reader, pool.idle[0], () => {
      for (const s of spliced) s.fingerprint ??= fingerprintOf(s.key, articles[s.at]!);
      list('report.json', stableJson(report));
      list('article.schema.json', schemaJson);
    });
    const elements = new Array<string | null>(articles.length).fill(null);
    written.forEach((w, j) => {
      if (!w) return;
      const { at, fingerprint } = spliced[j]!;
      records[at] = { sha: fingerprint!, size: w.size, written: w.written };
      elements[at] = w.summary;
    });
    list('index.json', indexJson(articles, elements));
    const listings = ['index.json', 'report.json', 'article.schema.json'].map(
      (file) => [file, listed.get(file)!] as const,
    );
    articles.forEach((article, i) => {
      const file = `${article.id}.json`;
      const key = keyOf.get(article);
      // Not made from an entry, or its entry could not be read back (fileOf ingests it again).
      records[i] ??= writeIfChanged(
        outDir,
        `articles/${file}`,
        () => fileOf(article, key, jobs[indexOf.get(article)!]!),
        key ? fingerprintOf(key, article) : null,
        previous,
        !existing.has(file),
      );
      const { sha, size, written: rewritten } = records[i]!;
      outputs[`articles/${file}`] = { sha, size };
      if (rewritten) (existing.has(file) ? changes.changed : changes.added).push(article.id);
    });
    // The workers' part is done: nothing of theirs stays open while the packs are tidied.
    await pool.close();
    for (const file of existing) {
      if (keep.has(file)) continue;
      rmSync(join(outDir, 'articles', file), { force: true });
      if (file.endsWith('.json')) changes.removed.push(file.slice(0, -'.json'.length));
    }
    for (const [file, written] of listings) {
      outputs[file] = { sha: written.sha, size: written.size };
      if (file === 'index.json') changes.index = written.written;
      if (file === 'report.json') changes.report = written.written;
    }
    for (const list of [changes.added, changes.changed, changes.removed]) list.sort();

    // The cache keeps what this run used, nothing else.
    reader.close();
    tidyPacks(cache, live);
    // The one-file-per-entry cache of CACHE_FORMAT 2.
    rmSync(join(cache.dir, 'entries'), { recursive: true, force: true });
    // The inputs' digest, made last so that the worker is sent its share of the comparison
    // without waiting for it. A cold start's is made from what the ingest itself read: the
    // probe each file would have given (a file that could not be read has no input hash,
    // and its message).
    const digest = inputDigest(
      cache,
      jobs,
      probes ??
        outcomes.map((o): Probe =>
          o.inputHash
            ? { key: entryKey(cache, o.path, o.inputHash), inputHash: o.inputHash }
            : { error: o.ok ? 'internal error: no input hash' : o.message },
        ),
      listing,
      config.warnings,
    );
    const state: RunState = {
      format: CACHE_FORMAT,
      ingest: INGEST_VERSION,
      digest,
      ids: articles.map((a) => a.id),
      outputs,
    };
    mkdirSync(cache.dir, { recursive: true });
    const memoAfter = memo.toBuffer(memoSalt);
    if (!memoBefore?.equals(memoAfter)) writeAtomicSync(memoPath, memoAfter);
    writeIfChanged(cache.dir, 'run.json', () => stableJson(state), null, null);
    const result: RunResult = {
      report,
      articles: [],
      ms: performance.now() - started,
      changes,
      // A cold start ingests files that could not be read, too: they count as neither.
      cache: { hits, misses: coldStart ? fresh.filter((o) => o.inputHash).length : misses.length, unchanged: false },
    };
    // Read from the output folder when asked for: the run holds no article bodies.
    Object.defineProperty(result, 'articles', { get: lazyArticles(outDir, state.ids), enumerable: true });
    return result;
  } finally {
    reader.close();
    closePack();
    await pool.close();
  }
}
