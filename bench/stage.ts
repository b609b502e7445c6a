/**
 * One benchmark stage in its own process, so that its peak memory is its own. Prints one
 * JSON line: { stage, ms, maxRssMb, ...figures }.
 * bench/run.ts runs it from the bundle the command line runs from (bin/compile.js); by hand:
 *   node --import tsx bench/stage.ts <stage> <content> <archive> <site>
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runIngest } from '../src/ingest/run.ts';
import { tuneJit } from '../src/jit.ts';
import { parseSource } from '../src/ingest/formats/index.ts';

const [stage, contentDir, archiveDir, siteDir] = process.argv.slice(2) as [string, string, string, string];
const options = { contentDir, archiveDir, outDir: siteDir, pathPrefix: '/' };
let started = performance.now();

/**
 * The site's modules, loaded by the stages that use them, as the command line does (see
 * cli.ts): loaded for every stage, Eleventy's ~18 MB of heap sat in the ingest's process,
 * which `news-archive ingest` never has. The clock starts again once they are loaded.
 */
async function site(): Promise<typeof import('../src/site/build.ts')> {
  const loaded = await import('../src/site/build.ts');
  started = performance.now();
  return loaded;
}
let figures: Record<string, number> = {};
// As the command line runs (src/jit.ts); the baseline, Readability, keeps Node's defaults.
if (stage !== 'readability' && stage !== 'search-download') tuneJit();

if (stage === 'ingest') {
  const result = await runIngest({ contentDir, outDir: archiveDir });
  figures = { articles: result.report.articles, errors: result.report.errors.length };
} else if (stage === 'ingest-1job') {
  const result = await runIngest({ contentDir, outDir: archiveDir, jobs: 1 });
  figures = { articles: result.report.articles };
} else if (stage === 'build') {
  // What `news-archive build` does, in one process: the full build, and the "+1 article" rebuild.
  const { runBuild } = await site();
  const result = await runBuild(options);
  figures = {
    articles: result.ingest.report.articles,
    pages: result.render.pages,
    rendered: result.render.rendered,
    incremental: result.render.incremental ? 1 : 0,
    shards: result.search.shards,
    shardsRebuilt: result.search.rebuilt,
  };
} else if (stage === 'search-download') {
  // What a reader downloads to search: the search page, its script and Pagefind's files for
  // one query, from a local server, in Chromium.
  const { chromium } = await import('playwright-core');
  const { CHROME_ARGS, chromePath, serveSite } = await import('../tests/support/browser.ts');
  const { origin, server } = await serveSite(siteDir, '/');
  const browser = await chromium.launch({ executablePath: chromePath(), args: CHROME_ARGS });
  // A common name (in ~60 % of the articles), a rarer one and a plain word: what one query
  // costs depends on how many articles hold its words.
  const queries = ['拜登', '芬太尼', '大豆'];
  const measured: Record<string, { bytes: number; wireBytes: number; requests: number }> = {};
  for (const query of queries) {
    // A new context each time: nothing comes from the cache of the search before.
    const context = await browser.newContext();
    const page = await context.newPage();
    const figure = { bytes: 0, wireBytes: 0, requests: 0 };
    // What crosses the wire from a server that compresses text, as GitHub Pages does (gzip);
    // Pagefind's index files and WebAssembly are compressed already and served as they are.
    page.on('response', (response) => {
      const type = response.headers()['content-type'] ?? '';
      void response.body().then(
        (body) => {
          figure.bytes += body.length;
          figure.wireBytes += /text|javascript|json|svg/.test(type) ? gzipSync(body).length : body.length;
          figure.requests++;
        },
        () => undefined,
      );
    });
    await page.goto(`${origin}/search/?q=${encodeURIComponent(query)}`);
    await page.waitForFunction(() => {
      const status = (globalThis as unknown as { document: Document }).document.getElementById('search-status');
      return !!status && /找到|没有/.test(status.textContent ?? '');
    });
    await page.waitForTimeout(500);
    measured[query] = figure;
    await context.close();
  }
  const common = measured[queries[0]!]!;
  figures = {
    ...common,
    queries: Object.fromEntries(Object.entries(measured).map(([q, f]) => [q, f.wireBytes])),
  };
  await browser.close();
  server.close();
} else if (stage === 'readability') {
  const { JSDOM, VirtualConsole } = await import('jsdom');
  const { Readability } = await import('@mozilla/readability');
  // The baseline: Mozilla Readability on jsdom over the same HTML bodies, on a sample (it
  // runs at tens of articles per second).
  const files = readdirSync(join(contentDir, 'articles')).sort();
  const sample = files.filter((_, i) => i % Math.max(1, Math.floor(files.length / 300)) === 0).slice(0, 300);
  const bodies: string[] = [];
  for (const file of sample) {
    try {
      bodies.push(
        parseSource(readFileSync(join(contentDir, 'articles', file), 'utf8').replace(/\r\n?/g, '\n'), file).html,
      );
    } catch {
      // Files the ingest reports as errors are not articles for either side.
    }
  }
  // Its clock starts with jsdom loaded and the bodies read out of their files: as the
  // ingest's starts with its modules loaded (this script's imports), and neither side's
  // figure should be its start-up spread over a sample of 300 (jsdom loads in ~0.3 s, 7 % of
  // the sample's time). Until this session it ran from before jsdom's import.
  started = performance.now();
  const quiet = new VirtualConsole();
  for (const html of bodies) {
    const dom = new JSDOM(`<!DOCTYPE html><html><body>${html}</body></html>`, { virtualConsole: quiet });
    new Readability(dom.window.document).parse();
    dom.window.close();
  }
  figures = { articles: bodies.length };
} else if (stage === 'render') {
  const render = await (await site()).renderSite(options);
  figures = { pages: render.pages, rendered: render.rendered, incremental: render.incremental ? 1 : 0 };
} else if (stage === 'search') {
  const search = await (await site()).indexSite(options);
  figures = { articles: search.pages, shards: search.shards };
} else {
  throw new Error(`unknown stage ${stage}`);
}

const ms = performance.now() - started;
process.stdout.write(
  JSON.stringify({
    stage,
    ms: Math.round(ms),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    ...figures,
  }) + '\n',
);
process.exit(0);
