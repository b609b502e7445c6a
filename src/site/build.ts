/**
 * `news-archive build`: ingest, then render the site with Eleventy, then publish the data
 * set (`/data/`). `serve` does the same and then watches: a change under `content/`
 * re-ingests and rebuilds, and Eleventy's dev server reloads the browser.
 */
import { cp, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { watch } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Eleventy from '@11ty/eleventy';
import { loadContentConfig } from '../content/load.ts';
import { runIngest, type RunResult } from '../ingest/run.ts';
import { buildSearchIndex, type SearchIndexResult } from '../search/index.ts';
import { loadSiteData, readArticleText } from './data.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Marks a folder as ours, so that a rebuild may empty it (and never a folder it did not make). */
const MARKER = '.news-archive-build';

export interface BuildOptions {
  contentDir: string;
  outDir: string;
  archiveDir: string;
  pathPrefix: string;
  /** Overrides site.yaml's `url` (the deploy workflow passes the Pages URL). */
  siteUrl?: string;
  jobs?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface BuildResult {
  ingest: RunResult;
  search: SearchIndexResult;
  pages: number;
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

function eleventy(options: BuildOptions): Eleventy {
  process.env['NEWS_ARCHIVE_DATA'] = resolve(options.archiveDir);
  process.env['NEWS_ARCHIVE_CONTENT'] = resolve(options.contentDir);
  if (options.siteUrl) process.env['NEWS_ARCHIVE_SITE_URL'] = options.siteUrl;
  else delete process.env['NEWS_ARCHIVE_SITE_URL'];
  return new Eleventy(join(ROOT, 'templates'), resolve(options.outDir), {
    configPath: join(ROOT, '.eleventy.js'),
    pathPrefix: options.pathPrefix,
    quietMode: true,
  });
}

async function publishData(options: BuildOptions): Promise<void> {
  const data = join(options.outDir, 'data');
  await mkdir(data, { recursive: true });
  await cp(join(options.archiveDir, 'articles'), join(data, 'articles'), { recursive: true });
  for (const file of ['index.json', 'article.schema.json']) await cp(join(options.archiveDir, file), join(data, file));
  // GitHub Pages must serve the files as they are, without Jekyll.
  await writeFile(join(options.outDir, '.nojekyll'), '');
  await writeFile(join(options.outDir, MARKER), '');
}

export async function runBuild(options: BuildOptions): Promise<BuildResult> {
  const started = performance.now();
  const ingest = await runIngest({
    contentDir: options.contentDir,
    outDir: options.archiveDir,
    ...(options.jobs !== undefined ? { jobs: options.jobs } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const pages = await renderSite(options);
  const search = await indexSite(options);
  return {
    ingest,
    search,
    pages,
    ms: performance.now() - started,
  };
}

/** Renders the pages from the archive folder and publishes the data set; returns the page count. */
export async function renderSite(options: BuildOptions): Promise<number> {
  await prepareOutDir(options.outDir);
  const results = (await eleventy(options).write()) as unknown as Array<unknown>;
  await publishData(options);
  return Array.isArray(results) ? results.flat().length : 0;
}

/** The search index, from the same view model the pages were rendered from. */
export async function indexSite(options: BuildOptions): Promise<SearchIndexResult> {
  const config = await loadContentConfig(options.contentDir);
  const site = loadSiteData(resolve(options.archiveDir), config);
  return buildSearchIndex({
    siteDir: options.outDir,
    site,
    readText: (id) => readArticleText(options.archiveDir, id),
  });
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
        await publishData(options);
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
