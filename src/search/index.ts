/**
 * The search index: Pagefind, written under `/pagefind/` in the site.
 *
 * Records are built from the normalized articles, not from the rendered pages, so that only
 * the headline and the article text are indexed (never navigation, listings or footers) and
 * no HTML is parsed twice (record.ts): the headline weighs above the text; outlet, year and
 * event are filters, the date a sort key. They are written as Pagefind 1.6 bundles by our
 * own writer (shard-writer.ts), which gives what Pagefind would, in a fraction of its time;
 * the search page runs Pagefind's own script and WebAssembly on them.
 *
 * The archive is indexed in shards, so that it can be built on every core, in bounded memory,
 * and updated without indexing the whole archive again (a Pagefind bundle cannot be added
 * to); see `shardOf`. The shards' bundles are kept beside the archive
 * (`<archive>/search-shards/`), and merged into the one bundle the site serves (merge.ts),
 * so that a reader downloads and ranks with one index, not one per shard. The shards are a
 * function of the content alone, so an incremental build writes the same files as a full
 * one. A shard is indexed again when one of its articles (or its record) changes, or when
 * its files on disk are not the ones the last build wrote; the merge runs when a shard was
 * indexed or the served bundle is not the one the last merge wrote.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { workerUrl } from '../compiled.ts';
import type { ArticleView, SiteData } from '../site/data.ts';
import { foldBlocks, sharedFoldTable } from './fold.ts';
import { mergeBundlesInWorker, prune, writeIfChanged } from './merge.ts';
import type { RecordJob } from './record.ts';

export interface SearchIndexOptions {
  siteDir: string;
  /** Where the shards' bundles are kept between builds (not published). */
  shardsDir: string;
  /** The view model; called once, and not kept (see planIndex). */
  site: () => SiteData;
  /** The path of an article's JSON file (its `text` is indexed). */
  articleFile: (id: string) => string;
  /** What changes when an article's text does (the hash of its source file). */
  articleSignature: (article: ArticleView) => string;
  /** The previous build's state, to skip shards that have not changed; null to build all. */
  previous: SearchState | null;
  /** Code and dependencies the index depends on: a change rebuilds every shard. */
  key: string;
  jobs?: number;
  /**
   * Until this settles, index on one thread only: the build renders the pages meanwhile on
   * the other core (Eleventy runs on one), and two shard threads beside it would overcommit
   * the cores.
   */
  narrowUntil?: Promise<unknown>;
  /**
   * Until this settles, nothing is written to the site folder (a full build empties it
   * first); the shards, kept beside the archive, are indexed meanwhile.
   */
  siteReady?: Promise<unknown>;
  /** Called once the shards' threads are started (or there is nothing to index). */
  onStarted?: () => void;
  /** Archives smaller than this get one shard (default SHARD_MIN). */
  shardMin?: number;
}

export interface SearchIndexResult {
  pages: number;
  ms: number;
  shards: number;
  /** Shards indexed by this build (all of them in a full build). */
  rebuilt: number;
  /** Whether the served index was merged again (not when no shard changed and it is intact). */
  merged: boolean;
  state: SearchState;
}

export interface SearchState {
  key: string;
  /** Shard name → hash of its records' inputs, and of the entry file its writer wrote. */
  shards: Record<string, { records: string; entry: string }>;
  /** Hash of the served bundle's entry file, as the merge wrote it ('' for none). */
  merged: string;
}

function hash(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 22);
}

/**
 * The record's date sort key (Pagefind's `date` sort): the instant in milliseconds. Pagefind
 * sorts numbers as numbers; the ISO strings mix offsets (`Z`, and `+08:00` for a day-only
 * date), so that their text order is not the order in time.
 */
function sortDate(article: ArticleView): string {
  return String(Date.parse(article.published));
}

/**
 * A record's metadata (shown with the result), filters and sort; its text, the headline and
 * the article's paragraphs, is made by the shard's worker thread, which reads the article
 * file itself: the main thread is busy rendering pages meanwhile (see shard-worker.ts).
 */
function recordFields(article: ArticleView, eventTitle: string | null): Pick<RecordJob, 'meta' | 'filters' | 'sort'> {
  const filters: Record<string, string[]> = { outlet: [article.source.nameZh], year: [article.local.year] };
  if (eventTitle) filters.event = [eventTitle];
  return {
    // The headline as written, for the results: the indexed one is cut into the index's words.
    meta: { title: article.title, date: article.local.display, outlet: article.source.nameZh },
    filters,
    sort: { date: sortDate(article) },
  };
}

/** The site's folder of the search index: the build writes nothing else there. */
export const SEARCH_FOLDER = 'pagefind';

/** Below this many articles the index is one shard: it builds in seconds, and one index ranks best. */
export const SHARD_MIN = 500;
/**
 * A shard holds about this many articles at most: what an incremental build indexes again
 * for a new article (the newest month's shard), and what a thread holds at once. Chosen when
 * Pagefind itself indexed the shards, whose time and memory per article grew with an index
 * (1,000 Chinese articles in 2.9 s and 0.6 GB, 5,000 in 28 s and 3.3 GB); the writer's grow
 * with it only linearly, and a shard of 500 is ~0.5 s of it. Readers do not see the shards
 * (merge.ts).
 */
export const SHARD_MAX = 500;

/**
 * The shard of each article, a function of the content alone: the newest month; the rest of
 * the newest year; and the earlier years. A group larger than SHARD_MAX is split by a hash
 * of the id, so that its parts stay the same while the group does not grow past a multiple
 * of SHARD_MAX. A new article lands in the newest month's shard (seconds to index again); the
 * year's shards are indexed again when the month turns, the others when the year does. One
 * shard (`all`) for a small archive.
 */
export function shardOf(articles: ArticleView[], min = SHARD_MIN, max = SHARD_MAX): Map<string, ArticleView[]> {
  if (articles.length < min) return new Map(articles.length > 0 ? [['all', articles]] : []);
  const monthOf = (a: ArticleView): string => `${a.local.year}-${a.local.month}`;
  const newestMonth = articles.reduce((m, a) => (monthOf(a) > m ? monthOf(a) : m), '');
  const newestYear = newestMonth.slice(0, 4);
  const groups = new Map<string, ArticleView[]>([
    [newestMonth, []],
    [newestYear, []],
    [`before-${newestYear}`, []],
  ]);
  for (const a of articles) {
    const group =
      monthOf(a) === newestMonth ? newestMonth : a.local.year === newestYear ? newestYear : `before-${newestYear}`;
    groups.get(group)!.push(a);
  }
  // The newest first, the order of the merged bundle's pages.
  const shards = new Map<string, ArticleView[]>();
  for (const [group, members] of groups) {
    if (members.length === 0) continue;
    const parts = Math.ceil(members.length / max);
    if (parts === 1) {
      shards.set(group, members);
      continue;
    }
    const split: ArticleView[][] = Array.from({ length: parts }, () => []);
    for (const a of members) split[createHash('sha256').update(a.id).digest().readUInt32BE(0) % parts]!.push(a);
    split.forEach((part, k) => {
      if (part.length > 0) shards.set(`${group}.${k + 1}`, part);
    });
  }
  return shards;
}

/** One shard to index: where its bundle goes, and its records. */
export interface ShardJob {
  outputPath: string;
  records: RecordJob[];
}

/**
 * Runs the shard jobs on worker threads (shard-worker.ts): one thread at
 * first when `narrowUntil` is given, all of them once it settles. Every thread gets the
 * whole list and takes the next job from a shared counter, so that no thread waits for the
 * main thread between two shards (it may be rendering pages for seconds at a time).
 */
async function indexShards(jobs: ShardJob[], threads: number, narrowUntil?: Promise<unknown>): Promise<void> {
  const next = new Int32Array(new SharedArrayBuffer(4));
  const workers: Worker[] = [];
  const start = (): Promise<void> =>
    new Promise((resolve, reject) => {
      if (Atomics.load(next, 0) >= jobs.length) return resolve();
      const worker = new Worker(workerUrl('shard-worker'), {
        workerData: { fold: sharedFoldTable(), jobs, next },
      });
      workers.push(worker);
      worker.once('error', reject);
      // Settled already when it ends after its answer; otherwise the build must not wait forever.
      worker.once('exit', (code) => reject(new Error(`a search index thread stopped (exit code ${code})`)));
      worker.once('message', (reply: { ok: boolean; message?: string }) => {
        if (reply.ok) resolve();
        else reject(new Error(reply.message));
      });
    });
  const total = Math.min(threads, jobs.length);
  const first = narrowUntil ? Math.min(1, total) : total;
  try {
    const running = Array.from({ length: first }, start);
    if (narrowUntil && total > first) {
      running.push(
        narrowUntil.then(
          () => Promise.all(Array.from({ length: total - first }, start)),
          () => undefined,
        ) as Promise<void>,
      );
    }
    await Promise.all(running);
  } finally {
    // After a failure, a thread that starts late takes nothing.
    Atomics.store(next, 0, jobs.length);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** What a build indexes: the shards, in order, with their inputs' hashes, and the jobs to run. */
interface SearchPlan {
  pages: number;
  shards: string[];
  /** Shard name → hash of its records' inputs. */
  inputs: Map<string, string>;
  /** Shard name → its records' date sort keys, in record order (the merge needs the values). */
  dates: Map<string, string[]>;
  jobs: Array<{ name: string; job: ShardJob }>;
}

/**
 * The shards and their records, from the view model. Only strings come out of it, so that
 * the view model can be let go while the shards are written (it was ~0.3 GB at 10k articles).
 */
function planIndex(site: SiteData, options: SearchIndexOptions): SearchPlan {
  const events = new Map(site.events.map((e) => [e.id, e.titleZh]));
  const eventTitle = (a: ArticleView): string | null => (a.event ? (events.get(a.event) ?? null) : null);
  const shards = shardOf(site.articles, options.shardMin);
  const inputs = new Map<string, string>();
  const dates = new Map<string, string[]>();
  const jobs: SearchPlan['jobs'] = [];
  for (const [name, articles] of shards) {
    dates.set(name, articles.map(sortDate));
    inputs.set(
      name,
      hash(
        articles
          .map(
            (a) =>
              `${options.articleSignature(a)}|${JSON.stringify([a.path, a.title, a.lang, a.source.nameZh, a.local, a.published, eventTitle(a)])}`,
          )
          .join('\n'),
      ),
    );
    jobs.push({
      name,
      job: {
        outputPath: join(options.shardsDir, name),
        records: articles.map((a) => ({
          // Site-relative: the search page's Pagefind adds the path prefix it is served under.
          url: a.path,
          title: a.title,
          file: options.articleFile(a.id),
          ...recordFields(a, eventTitle(a)),
        })),
      },
    });
  }
  return { pages: site.articles.length, shards: [...shards.keys()], inputs, dates, jobs };
}

function fileHash(file: string): string {
  try {
    return hash(readFileSync(file));
  } catch {
    return '';
  }
}

export async function buildSearchIndex(options: SearchIndexOptions): Promise<SearchIndexResult> {
  const started = performance.now();
  const root = join(options.siteDir, SEARCH_FOLDER);
  await mkdir(options.shardsDir, { recursive: true });
  const plan = planIndex(options.site(), options);
  // A new key indexes every shard again (and so the merge runs).
  const previous = options.previous?.key === options.key ? options.previous.shards : {};
  const shardEntry = (name: string): string => fileHash(join(options.shardsDir, name, 'pagefind-entry.json'));
  const jobs: ShardJob[] = [];
  for (const { name, job } of plan.jobs) {
    const before = previous[name];
    const records = plan.inputs.get(name)!;
    if (before && before.records === records && before.entry !== '' && before.entry === shardEntry(name)) continue;
    await rm(join(options.shardsDir, name), { recursive: true, force: true });
    jobs.push(job);
  }
  plan.jobs = [];
  // Shards of an earlier build that no longer exist.
  const names = new Set(plan.shards);
  for (const entry of await readdir(options.shardsDir, { withFileTypes: true })) {
    if (!names.has(entry.name)) await rm(join(options.shardsDir, entry.name), { recursive: true, force: true });
  }
  const indexing = indexShards(jobs, options.jobs ?? Math.max(1, availableParallelism()), options.narrowUntil);
  options.onStarted?.();
  await indexing;
  await options.siteReady;
  await mkdir(root, { recursive: true });
  const entryFile = join(root, 'pagefind-entry.json');
  const served = fileHash(entryFile);
  let merged = false;
  if (plan.shards.length === 0) {
    await rm(root, { recursive: true, force: true });
    await mkdir(root, { recursive: true });
  } else if (jobs.length > 0 || served === '' || options.previous?.merged !== served) {
    await mergeBundlesInWorker({
      shards: plan.shards.map((name) => ({
        dir: join(options.shardsDir, name),
        sortValues: { date: plan.dates.get(name)! },
      })),
      outDir: root,
      keep: ['archive.json', 'fold'],
    });
    merged = true;
  }
  // What the search page needs before it loads Pagefind: whether there is an index at all,
  // and which blocks of the fold table exist (it fetches those of the query's characters).
  const blocks = foldBlocks(sharedFoldTable());
  await mkdir(join(root, 'fold'), { recursive: true });
  for (const [name, block] of blocks) {
    await writeIfChanged(join(root, 'fold', `${name}.json`), Buffer.from(JSON.stringify(block)));
  }
  await prune(join(root, 'fold'), new Set([...blocks.keys()].map((name) => `${name}.json`)));
  await writeFile(
    join(root, 'archive.json'),
    JSON.stringify({ articles: plan.pages, fold: [...blocks.keys()].sort() }),
  );
  const state: SearchState = {
    key: options.key,
    shards: Object.fromEntries([...plan.inputs].map(([name, records]) => [name, { records, entry: shardEntry(name) }])),
    merged: fileHash(entryFile),
  };
  return {
    pages: plan.pages,
    ms: performance.now() - started,
    shards: plan.shards.length,
    rebuilt: jobs.length,
    merged,
    state,
  };
}
