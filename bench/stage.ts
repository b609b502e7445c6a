/**
 * One benchmark stage in its own process, so that its peak memory is its own. Prints one
 * JSON line: { stage, ms, maxRssMb, ...figures }.
 *   node --import tsx bench/stage.ts <stage> <content> <archive> <site>
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { JSDOM, VirtualConsole } from 'jsdom';
import { Readability } from '@mozilla/readability';
import { runIngest } from '../src/ingest/run.ts';
import { parseSource } from '../src/ingest/formats/index.ts';
import { indexSite, renderSite } from '../src/site/build.ts';

const [stage, contentDir, archiveDir, siteDir] = process.argv.slice(2) as [string, string, string, string];
const options = { contentDir, archiveDir, outDir: siteDir, pathPrefix: '/' };
const started = performance.now();
let figures: Record<string, number> = {};

if (stage === 'ingest') {
  const result = await runIngest({ contentDir, outDir: archiveDir });
  figures = { articles: result.report.articles, errors: result.report.errors.length };
} else if (stage === 'ingest-1job') {
  const result = await runIngest({ contentDir, outDir: archiveDir, jobs: 1 });
  figures = { articles: result.report.articles };
} else if (stage === 'readability') {
  // The baseline: Mozilla Readability on jsdom over the same HTML bodies, on a sample (it
  // runs at tens of articles per second).
  const files = readdirSync(join(contentDir, 'articles')).sort();
  const sample = files.filter((_, i) => i % Math.max(1, Math.floor(files.length / 300)) === 0).slice(0, 300);
  const quiet = new VirtualConsole();
  for (const file of sample) {
    let doc;
    try {
      doc = parseSource(readFileSync(join(contentDir, 'articles', file), 'utf8').replace(/\r\n?/g, '\n'), file);
    } catch {
      continue; // files the ingest reports as errors are not articles for either side
    }
    const dom = new JSDOM(`<!DOCTYPE html><html><body>${doc.html}</body></html>`, { virtualConsole: quiet });
    new Readability(dom.window.document).parse();
    dom.window.close();
  }
  figures = { articles: sample.length };
} else if (stage === 'render') {
  const render = await renderSite(options);
  figures = { pages: render.pages, rendered: render.rendered, incremental: render.incremental ? 1 : 0 };
} else if (stage === 'search') {
  figures = { articles: (await indexSite(options)).pages };
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
