/**
 * `news-archive build`: ingest, then render the site with Eleventy, then publish the data
 * set (`/data/`). `serve` does the same and then watches: a change under `content/`
 * re-ingests and rebuilds, and Eleventy's dev server reloads the browser.
 */
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync, watch } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Eleventy from '@11ty/eleventy';
import { PACKAGE_ROOT, siteModulesUrl, workerUrl } from '../compiled.ts';
import { loadContentConfig } from '../content/load.ts';
import { runIngest, type RunResult } from '../ingest/run.ts';
import { buildSearchIndex, SEARCH_FOLDER, type SearchIndexResult, type SearchState } from '../search/index.ts';
import { FIXED_PAGES, forgetSiteData, loadSiteData, setRenderScope } from './data.ts';
import { placeFile } from './place-file.ts';
import { hashTree, pageFingerprints, readState, type BuildState } from './plan.ts';
import { MARKER, signatureOfFiles, siteFiles, siteSignature } from './signature.js';
import { INGEST_VERSION } from '../ingest/article.ts';

function noop(): void {}

const ROOT = fileURLToPath(PACKAGE_ROOT);
/** The previous build's page fingerprints, in the archive folder (src/site/plan.ts). */
const STATE = 'site-state.json';
const SEARCH_STATE = 'search-state.json';
/** The search index's shards, which the build merges into the site's one index. */
const SEARCH_SHARDS = 'search-shards';
/** Pages per Eleventy run (the fixed pages are rendered again in each, which is cheap). */
const RENDER_BATCH = 2_000;

export interface BuildOptions {
  contentDir: string;
  outDir: string;
  archiveDir: string;
  pathPrefix: string;
  /** Overrides site.yaml's `url` (the deploy workflow passes the Pages URL). */
  siteUrl?: string;
  jobs?: number;
  onProgress?: (done: number, total: number) => void;
  /** Render every page even when the previous build's state allows an incremental one. */
  full?: boolean;
  /** Archives smaller than this get a search index of one shard (tests lower it). */
  searchShardMin?: number;
  /** Pages per Eleventy run (default RENDER_BATCH; tests lower it). */
  renderBatch?: number;
}

export interface RenderResult {
  /** Every page of the site. */
  pages: number;
  /** The paginated pages this build wrote (all in a full build); the fixed pages are written every time. */
  rendered: number;
  /** Pages of the previous build deleted because they no longer exist. */
  removed: number;
  incremental: boolean;
}

export interface BuildResult {
  /** The ingest's figures, without its articles (the pages read them from the archive). */
  ingest: Omit<RunResult, 'articles'>;
  search: SearchIndexResult;
  render: RenderResult;
  ms: number;
}

export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.trim().replace(/^\/+|\/+$/g, '');
  if (trimmed !== '' && !/^[A-Za-z0-9._~-]+(?:\/[A-Za-z0-9._~-]+)*$/.test(trimmed)) {
    throw new Error(`--path-prefix "${prefix}" must be a URL path such as /news-archive/`);
  }
  return trimmed === '' ? '/' : `/${trimmed}/`;
}

async function prepareOutDir(outDir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(outDir);
  } catch {
    await mkdir(outDir, { recursive: true });
    return;
  }
  if (entries.length > 0 && !entries.includes(MARKER)) {
    throw new Error(`${outDir} is not empty and was not made by news-archive: refusing to replace it`);
  }
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
}

const BATCH_LOG: Pick<Console, 'log' | 'info' | 'warn' | 'error'> = {
  log: () => {},
  info: () => {},
  warn: (message: unknown) => console.error(message),
  error: (message: unknown) => console.error(message),
};

function eleventy(options: BuildOptions): Eleventy {
  process.env['NEWS_ARCHIVE_DATA'] = resolve(options.archiveDir);
  process.env['NEWS_ARCHIVE_CONTENT'] = resolve(options.contentDir);
  process.env['NEWS_ARCHIVE_PATH_PREFIX'] = options.pathPrefix;
  if (options.siteUrl) process.env['NEWS_ARCHIVE_SITE_URL'] = options.siteUrl;
  else delete process.env['NEWS_ARCHIVE_SITE_URL'];
  const siteModules = siteModulesUrl();
  if (siteModules) process.env['NEWS_ARCHIVE_SITE_MODULES'] = siteModules;
  else delete process.env['NEWS_ARCHIVE_SITE_MODULES'];
  return new Eleventy(join(ROOT, 'templates'), resolve(options.outDir), {
    configPath: join(ROOT, '.eleventy.js'),
    pathPrefix: options.pathPrefix,
    quietMode: true,
  });
}

/**
 * Publishes the normalized articles under `/data/`: those whose signature differs from the
 * previous build's (all of them without one), and removes those that are gone. Without
 * signatures, the whole folder.
 */
async function publishData(
  options: BuildOptions,
  signatures: Record<string, string> | null,
  previous: Record<string, string> | null,
): Promise<void> {
  const data = join(options.outDir, 'data');
  const articles = join(options.archiveDir, 'articles');
  await mkdir(join(data, 'articles'), { recursive: true });
  const ids = signatures
    ? Object.keys(signatures).filter((id) => previous?.[id] !== signatures[id])
    : readdirSync(articles, { withFileTypes: true }).flatMap((e) =>
        e.isFile() && e.name.endsWith('.json') ? [e.name.slice(0, -'.json'.length)] : [],
      );
  for (const id of ids) placeFile(join(articles, `${id}.json`), join(data, 'articles', `${id}.json`));
  for (const id of Object.keys(previous ?? {})) {
    if (signatures && !(id in signatures)) await rm(join(data, 'articles', `${id}.json`), { force: true });
  }
  for (const file of ['index.json', 'article.schema.json']) placeFile(join(options.archiveDir, file), join(data, file));
  // GitHub Pages must serve the files as they are, without Jekyll.
  await writeFile(join(options.outDir, '.nojekyll'), '');
}

/** The output file of a page URL (`/a/b/` → `a/b/index.html`). */
function outputFile(outDir: string, url: string): string {
  return join(outDir, ...url.split('/').filter(Boolean), ...(url.endsWith('/') ? ['index.html'] : []));
}

/**
 * siteSignature (signature.js) on a worker thread; its result is that of siteSignature now.
 * It takes 0.3–1.7 s at 10k articles, which `news-archive build` spends beside the ingest.
 * With `part`, siteFiles of that part instead.
 */
function onSignatureThread<T>(outDir: string, part?: { only?: string; except?: string }): Promise<T> {
  return new Promise((resolveResult, reject) => {
    const worker = new Worker(workerUrl('signature-worker'), { workerData: { outDir, part } });
    worker.once('message', (result: T) => {
      resolveResult(result);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the site signature thread stopped (exit code ${code})`)));
  });
}

/**
 * Records what the site folder holds now, for the next build (see siteSignature). `pages`,
 * when given, lists the folder's files but the search index's, taken once the pages were
 * written (so that only the index is listed after it is written).
 */
async function sealSite(options: BuildOptions, pages?: Array<[string, number]> | null): Promise<void> {
  const statePath = join(options.archiveDir, STATE);
  const state = readState(statePath);
  if (!state) return;
  const search = pages ? siteFiles(options.outDir, { only: SEARCH_FOLDER }) : null;
  const site = pages && search ? signatureOfFiles(pages, search) : siteSignature(options.outDir);
  await writeFile(statePath, JSON.stringify({ ...state, site }));
}

/** Everything that can change every page at once; see src/site/plan.ts. */
async function buildKey(options: BuildOptions): Promise<string> {
  const config = await loadContentConfig(options.contentDir);
  return JSON.stringify({
    // An article page shows the ingest's output, which only a new ingest version changes
    // for the same source file (whose hash is in the page's data).
    ingest: INGEST_VERSION,
    code: hashTree(ROOT, ['templates', 'public', '.eleventy.js', 'src/site', 'package-lock.json']),
    media: hashTree(resolve(options.contentDir), ['media/manifest.json']),
    config,
    prefix: options.pathPrefix,
    siteUrl: options.siteUrl ?? null,
  });
}

/**
 * The ingest's figures without its articles, which the build must not keep alive while it
 * renders: the pages read them from the archive folder one at a time.
 */
function withoutArticles(ran: RunResult): BuildResult['ingest'] {
  return { report: ran.report, ms: ran.ms, changes: ran.changes, cache: ran.cache };
}

export async function runBuild(options: BuildOptions): Promise<BuildResult> {
  const started = performance.now();
  // Nothing writes to the site folder until the render has compared it with the last build:
  // its signature is taken beside the ingest. A thread that fails leaves the render to take it.
  const signature = onSignatureThread<string>(options.outDir).catch(() => siteSignature(options.outDir));
  const ingest = withoutArticles(
    await runIngest({
      contentDir: options.contentDir,
      outDir: options.archiveDir,
      ...(options.jobs !== undefined ? { jobs: options.jobs } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    }),
  );
  // The pages and the search index at once: Eleventy renders on one core while Pagefind
  // indexes on the other, and on every core once the pages are written (one after the
  // other, a core was idle for the whole render). The shards are indexed from the start
  // (they are kept beside the archive); the merged index is written once the output folder
  // is ready. The render waits for the index's first thread to start: the view model and
  // the pages' fingerprints hold the main thread for ~3 s at 10k articles, which that
  // thread would otherwise wait out with a core idle.
  let folderReady!: () => void;
  const ready = new Promise<void>((resolveReady) => (folderReady = resolveReady));
  let renderSettled!: () => void;
  const rendered = new Promise<void>((resolveRendered) => (renderSettled = resolveRendered));
  let searchStarted!: () => void;
  const searching = new Promise<void>((resolveStarted) => (searchStarted = resolveStarted));
  const indexing = indexSite(options, {
    narrowUntil: rendered,
    siteReady: Promise.race([ready, rendered]),
    onStarted: searchStarted,
    seal: false,
  });
  const rendering = Promise.race([searching, indexing.then(noop, noop)]).then(() =>
    renderSite(options, { onFolderReady: folderReady, seal: false, signature }),
  );
  void rendering.then(renderSettled, renderSettled);
  // The view model is let go once the pages are written and the index is planned: Pagefind's
  // processes need the memory then.
  void rendering.then(forgetSiteData, noop);
  // The pages' files are listed for the folder's signature while the index is still being
  // written (its merge is the build's last step, ~4 s at 10k articles): only the index's
  // folder is left to list once it is (~0.7 s less at the end of a 10k build).
  const pagesListed = rendering.then(
    () => onSignatureThread<Array<[string, number]> | null>(options.outDir, { except: SEARCH_FOLDER }),
    () => null,
  );
  const [render, search] = await Promise.all([rendering, indexing]);
  await sealSite(options, await pagesListed.catch(() => null));
  return {
    ingest,
    search,
    render,
    ms: performance.now() - started,
  };
}

/**
 * Renders the pages from the archive folder and publishes the data set. When the previous
 * build's state (src/site/plan.ts) matches the output folder and nothing site-wide changed,
 * only the pages whose data changed are rendered; the result is the same as a full build.
 */
export async function renderSite(
  options: BuildOptions,
  steps: {
    onFolderReady?: () => void;
    seal?: boolean;
    /** The folder's signature, computed ahead (runBuild); else computed here. */
    signature?: Promise<string>;
  } = {},
): Promise<RenderResult> {
  const config = await loadContentConfig(options.contentDir);
  const site = loadSiteData(resolve(options.archiveDir), config);
  const key = await buildKey(options);
  const statePath = join(options.archiveDir, STATE);
  const markerPath = join(options.outDir, MARKER);
  const previous = options.full ? null : readState(statePath);
  const incremental =
    previous !== null &&
    previous.key === key &&
    existsSync(markerPath) &&
    previous.site === (steps.signature ? await steps.signature : siteSignature(options.outDir));
  if (!incremental) await prepareOutDir(options.outDir);
  // The marker goes first: a build that stops half-way leaves a folder the next build redoes
  // in full. Then the search index may write its files, while the pages are planned: the
  // fingerprints of every page take seconds at 10k articles, and the index's merge, which
  // waits for this, is what a new article's build waits for last.
  await rm(markerPath, { force: true });
  steps.onFolderReady?.();
  const fingerprints = await pageFingerprints(site);
  // An article's published JSON changes with its page's data (which holds its source file's
  // hash, its reprint group and related articles): the page's fingerprint is its signature.
  const data = Object.fromEntries(site.articles.map((a) => [a.id, fingerprints.get(a.path)!]));
  let dirty: string[] = [...fingerprints.keys()];
  let removed = 0;
  if (incremental) {
    dirty = [...fingerprints].filter(([url, fp]) => previous.pages[url] !== fp).map(([url]) => url);
    for (const url of Object.keys(previous.pages)) {
      if (fingerprints.has(url)) continue;
      await rm(outputFile(options.outDir, url), { force: true });
      removed++;
    }
  }
  // In batches, so that Eleventy's memory is bounded by the batch, not the archive: it
  // keeps every page it renders in one run (measured: 1.7 GB for 10k articles in one run).
  const batch = options.renderBatch ?? RENDER_BATCH;
  for (let start = 0; start === 0 || start < dirty.length; start += batch) {
    setRenderScope(new Set(dirty.slice(start, start + batch)));
    try {
      const batchRun = eleventy(options);
      // Eleventy prints "Wrote N files" after each batch even in quiet mode; the build prints
      // its own summary (or nothing, with --quiet), so only Eleventy's warnings and errors
      // are let through, to stderr.
      batchRun.logger.overrideLogger(BATCH_LOG);
      await batchRun.write();
    } finally {
      setRenderScope(null);
    }
  }
  await publishData(options, data, incremental ? previous.data : null);
  await writeFile(markerPath, '');
  const state: BuildState = {
    key,
    site: '',
    pages: Object.fromEntries(fingerprints),
    data,
  };
  await writeFile(statePath, JSON.stringify(state));
  if (steps.seal !== false) await sealSite(options);
  return {
    pages: fingerprints.size + FIXED_PAGES.length,
    rendered: dirty.length,
    removed,
    incremental,
  };
}

/**
 * The search index, from the same view model the pages were rendered from; only the shards
 * whose articles changed since the last build are indexed again (src/search/index.ts).
 */
export async function indexSite(
  options: BuildOptions,
  steps: {
    narrowUntil?: Promise<unknown>;
    siteReady?: Promise<unknown>;
    onStarted?: () => void;
    seal?: boolean;
  } = {},
): Promise<SearchIndexResult> {
  const config = await loadContentConfig(options.contentDir);
  const statePath = join(options.archiveDir, SEARCH_STATE);
  let previous: SearchState | null = null;
  try {
    previous = options.full ? null : (JSON.parse(await readFile(statePath, 'utf8')) as SearchState);
  } catch {
    previous = null;
  }
  const result = await buildSearchIndex({
    siteDir: options.outDir,
    shardsDir: join(resolve(options.archiveDir), SEARCH_SHARDS),
    site: () => loadSiteData(resolve(options.archiveDir), config),
    articleFile: (id) => join(resolve(options.archiveDir), 'articles', `${id}.json`),
    articleSignature: (article) => article.input.sha256,
    previous,
    key: `${INGEST_VERSION}|${hashTree(ROOT, ['src/search', 'package-lock.json'])}`,
    ...(options.jobs !== undefined ? { jobs: options.jobs } : {}),
    ...(options.searchShardMin !== undefined ? { shardMin: options.searchShardMin } : {}),
    ...(steps.narrowUntil ? { narrowUntil: steps.narrowUntil } : {}),
    ...(steps.siteReady ? { siteReady: steps.siteReady } : {}),
    ...(steps.onStarted ? { onStarted: steps.onStarted } : {}),
  });
  await writeFile(statePath, JSON.stringify(result.state));
  if (steps.seal !== false) await sealSite(options);
  return result;
}

/** Builds, serves with live reload, and rebuilds when the content changes. Never returns. */
export async function runServe(options: BuildOptions & { port: number }): Promise<never> {
  await runBuild(options);
  const server = eleventy(options);
  await server.init();
  await server.watch();
  await server.serve(options.port);
  let timer: NodeJS.Timeout | undefined;
  watch(resolve(options.contentDir), { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      void (async () => {
        const result = await runIngest({ contentDir: options.contentDir, outDir: options.archiveDir });
        await publishData(options, null, null);
        await indexSite(options);
        // Eleventy watches the archive folder (see .eleventy.js) and rebuilds from it.
        process.stdout.write(
          `content changed: ${result.report.articles} articles, ${result.report.errors.length} errors\n`,
        );
      })();
    }, 200);
  });
  return new Promise<never>(() => undefined);
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
