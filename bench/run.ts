/**
 * `npm run bench [-- --sizes 1000,10000]`: builds a synthetic corpus of each size from the
 * real files, then measures each stage in its own process (time and peak memory), the
 * output sizes, and the time from adding one article to a finished rebuild. Prints a table
 * and writes bench/results.json. A benchmark, not a test: nothing in `npm test` uses it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { compile } from '../bin/compile.js';
import { ENTRIES } from '../src/compiled-entries.js';
import { generate, generateOne } from './generate.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000' },
    root: { type: 'string', default: 'bench/corpus' },
    // Only the full build and the "+1 article" rebuild (the 100k run: the other stages
    // would add most of an hour and say nothing the 10k run does not).
    'build-only': { type: 'boolean', default: false },
  },
});
const sizes = values.sizes.split(',').map(Number);
// The stages run from the bundle the command line runs from (bin/compile.js), with the
// stage script as one more entry, so that the figures are those of `news-archive`.
const bundle = await compile({ entries: { ...ENTRIES, 'bench-stage': 'bench/stage.ts' } });
const stageCommand = bundle ? [join(bundle, 'bench-stage.mjs')] : ['--import', 'tsx', 'bench/stage.ts'];

interface StageResult {
  stage: string;
  ms: number;
  maxRssMb: number;
  [key: string]: number | string;
}

/** Resident memory of a process and all its descendants (Linux /proc), in KB; 0 elsewhere. */
function treeRssKb(root: number): number {
  let names: string[];
  try {
    names = readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  } catch {
    return 0;
  }
  const parent = new Map<number, number>();
  const rss = new Map<number, number>();
  for (const name of names) {
    try {
      const status = readFileSync(`/proc/${name}/status`, 'utf8');
      parent.set(Number(name), Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0));
      rss.set(Number(name), Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0));
    } catch {
      // The process ended between the listing and the read.
    }
  }
  let total = 0;
  for (const [pid, kb] of rss) {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parent.get(p)) {
      if (p === root) {
        total += kb;
        break;
      }
    }
  }
  return total;
}

/**
 * Runs one stage in its own process. Its peak memory is sampled every 100 ms over the whole
 * process tree: Pagefind indexes in child processes of its own, whose memory the stage's
 * own maxRSS does not include (at 10k articles they held several times the Node process).
 */
async function stage(name: string, content: string, archive: string, site: string): Promise<StageResult> {
  const child = spawn(process.execPath, [...stageCommand, name, content, archive, site], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  let peakKb = 0;
  const sampler = setInterval(() => (peakKb = Math.max(peakKb, treeRssKb(child.pid!))), 100);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(sampler);
  if (code !== 0) throw new Error(`bench stage ${name} failed (exit code ${code})`);
  const result = JSON.parse(out.trim().split('\n').pop()!) as StageResult;
  // The sampled peak can miss a spike shorter than a sample; the stage's own maxRSS cannot.
  result.maxRssMb = Math.max(result.maxRssMb, Math.round(peakKb / 1024));
  return result;
}

function size(path: string): number {
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

/** One new article, the next day's, then `news-archive build` as a maintainer runs it. */
async function oneMore(n: number, content: string, archive: string, site: string): Promise<StageResult> {
  const summaries = JSON.parse(readFileSync(join(archive, 'index.json'), 'utf8')) as Array<{
    published: string;
    input: { path: string };
  }>;
  const newest = summaries.reduce((a, b) => (b.published > a.published ? b : a));
  generateOne(n, content, newest.input.path);
  return stage('build', content, archive, site);
}

const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MB`;

/**
 * What an article page weighs before images (the brief: under 30 KB, with no JavaScript):
 * on the wire, gzipped as GitHub Pages serves HTML, and raw; and how many pages have a
 * script a browser runs (JSON-LD is data, not a script).
 */
function articlePageWeights(site: string): Record<string, number> {
  const wire: number[] = [];
  let rawMax = 0;
  let withScript = 0;
  for (const entry of readdirSync(join(site, 'articles'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name !== 'index.html') continue;
    const bytes = readFileSync(join(entry.parentPath, entry.name));
    rawMax = Math.max(rawMax, bytes.length);
    wire.push(gzipSync(bytes).length);
    if (/<script(?![^>]*type="application\/ld\+json")/.test(bytes.toString('utf8'))) withScript++;
  }
  wire.sort((a, b) => a - b);
  return {
    pages: wire.length,
    wireMaxBytes: wire.at(-1) ?? 0,
    wireP95Bytes: wire[Math.floor(wire.length * 0.95)] ?? 0,
    rawMaxBytes: rawMax,
    withScript,
  };
}
/**
 * Nothing is deleted while the bench measures: the folders of an earlier run, or of the
 * stage before, are renamed into TRASH, which is emptied once the figures are taken. On this
 * machine's ext4 (no journal), the kernel skips every inode freed in the last one to six
 * minutes when it allocates one (ext4's `recently_deleted`): after 40k deletions, creating a
 * file cost 200-500 µs instead of ~30 µs, which added up to ten seconds to a 10k build that
 * writes 66k files. A maintainer's build, on a fresh clone or a journaled disk, does not pay
 * that, so neither should its measurement.
 */
const TRASH = join(values.root, '.trash');
let trashed = 0;
function setAside(path: string): void {
  if (!existsSync(path)) return;
  mkdirSync(TRASH, { recursive: true });
  renameSync(path, join(TRASH, `${Date.now()}-${trashed++}`));
}

/**
 * What creating one empty file costs now, in µs (the median of 2,000, in a new folder): the
 * state of the disk the figures were taken in (see TRASH).
 */
function fileCreateMicros(): number {
  const dir = join(TRASH, `probe-${Date.now()}-${trashed++}`);
  mkdirSync(dir, { recursive: true });
  const times: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t = performance.now();
    writeFileSync(join(dir, String(i)), '');
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[times.length >> 1]! * 1000);
}

/**
 * Waits, before the first measurement, until creating a file costs what it normally does
 * (the folders an earlier run removed, even this bench's own last run, slow every file
 * creation for up to six minutes; see TRASH). Returns the last cost measured.
 */
async function settledDisk(): Promise<number> {
  const started = Date.now();
  let cost = fileCreateMicros();
  while (cost > SETTLED_CREATE_US && Date.now() - started < SETTLE_MAX_MS) {
    process.stderr.write(`creating a file costs ${cost} µs (recent deletions): waiting for the disk to settle…\n`);
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    cost = fileCreateMicros();
  }
  return cost;
}
/** ~25–50 µs when no deletion is recent; 150–500 µs within minutes of 40k deletions. */
const SETTLED_CREATE_US = 80;
/** ext4 skips inodes freed in the last 60 s, or 360 s while their table block is dirty. */
const SETTLE_MAX_MS = 7 * 60_000;

/**
 * How fast this machine's CPU is now, in ms for a fixed piece of work (the best of three;
 * lower is faster): strings, objects, JSON, a regular expression and integer arithmetic, as
 * the ingest does. The same code's figures here have moved by 2× from one day to the next,
 * so a row is read beside its probe, and a change in the code by A/B runs, not by rows.
 */
function cpuProbeMs(): number {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    let check = 0;
    for (let i = 0; i < 40_000; i++) {
      const item = { id: `a-${i}`, title: `标题 ${i % 97}`, n: i, tags: ['中美', String(i % 13)] };
      const json = JSON.stringify(item);
      check += (JSON.parse(json) as { n: number }).n + json.replace(/[0-9]+/g, '#').length;
    }
    let h = 0x811c9dc5;
    for (let i = 0; i < 20_000_000; i++) h = Math.imul(h ^ (i & 0xff), 0x01000193);
    check += h & 1;
    best = Math.min(best, performance.now() - started);
    if (check === -1) process.stderr.write('');
  }
  return Math.round(best);
}

/** Cold ingests and Readability samples, alternating (see below). */
const ROUNDS = 3;

/** The index of the median of `values` (the lower one of an even count). */
function medianIndex(values: number[]): number {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
  return order[(order.length - 1) >> 1]!;
}

const results: Array<Record<string, unknown>> = [];

for (const n of sizes) {
  const root = join(values.root, String(n));
  process.stderr.write(`\n== ${n} articles: generating…\n`);
  // Cold: no ingest cache, no previous build; a new corpus (the last run added an article).
  setAside(root);
  const content = generate(n, join(root, 'content'));
  const archive = join(root, 'archive');
  const site = join(root, 'site');
  const fileCreateUs = await settledDisk();
  const cpuMs = cpuProbeMs();
  if (values['build-only']) {
    const full = await stage('build', content, archive, site);
    const rebuild = await oneMore(n, content, archive, site);
    const row = {
      articles: n,
      date: new Date().toISOString(),
      buildOnly: true,
      fileCreateUs,
      cpuProbeMs: cpuMs,
      fullBuildMs: full.ms,
      rebuildOneNewMs: rebuild.ms,
      rebuildPagesRendered: rebuild.rendered,
      rebuildShardsIndexed: `${rebuild.shardsRebuilt}/${rebuild.shards}`,
      peakRssMb: { fullBuild: full.maxRssMb, rebuild: rebuild.maxRssMb },
      outputBytes: size(site),
      searchIndexBytes: size(join(site, 'pagefind')),
      pages: full.pages,
    };
    results.push(row);
    process.stderr.write(`${JSON.stringify(row)}\n`);
    continue;
  }
  // The ratio to Readability is the figure to compare between runs, and each side of it is
  // measured over a short window (~20 s at 10k): the machine's speed moved by ~2× from one
  // day to the next and by ~30 % within minutes (16.6× and 19.8× for runs of nearly the same
  // code an hour apart). So cold ingests and Readability's sample alternate, ROUNDS of each,
  // and each side's median is taken; every run's rate is kept in the row.
  const colds: StageResult[] = [];
  const baselines: StageResult[] = [];
  let warm: StageResult | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    setAside(archive);
    colds.push(await stage('ingest', content, archive, site));
    if (round === 0) warm = await stage('ingest', content, archive, site);
    baselines.push(await stage('readability', content, archive, site));
  }
  const rate = (r: StageResult): number => (r.articles as number) / (r.ms / 1000);
  const coldRates = colds.map(rate);
  const baselineRates = baselines.map(rate);
  const cold = colds[medianIndex(coldRates)]!;
  const baseline = baselines[medianIndex(baselineRates)]!;
  const render = await stage('render', content, archive, site);
  const search = await stage('search', content, archive, site);
  const download = await stage('search-download', content, archive, site);
  // The full build as a maintainer runs it (`news-archive build`, one process: ingest, then
  // the pages and the search index at once), from empty folders.
  setAside(archive);
  setAside(site);
  const full = await stage('build', content, archive, site);
  const rebuild = await oneMore(n, content, archive, site);
  const rebuildMs = rebuild.ms;

  const ingestRate = rate(cold);
  const readabilityRate = rate(baseline);
  const row = {
    articles: n,
    date: new Date().toISOString(),
    fileCreateUs,
    cpuProbeMs: cpuMs,
    ingestColdPerSec: Math.round(ingestRate),
    ingestWarmPerSec: Math.round(rate(warm!)),
    readabilityPerSec: Math.round(readabilityRate),
    ingestVsReadability: Number((ingestRate / readabilityRate).toFixed(1)),
    // In the order they ran: cold ingest i, then Readability's sample i.
    ingestColdRuns: coldRates.map(Math.round),
    readabilityRuns: baselineRates.map(Math.round),
    ingestMs: cold.ms,
    renderMs: render.ms,
    searchMs: search.ms,
    stagesMs: cold.ms + render.ms + search.ms,
    fullBuildMs: full.ms,
    rebuildOneNewMs: Math.round(rebuildMs),
    rebuildPagesRendered: rebuild.rendered,
    rebuildShardsIndexed: `${rebuild.shardsRebuilt}/${rebuild.shards}`,
    peakRssMb: {
      ingest: Math.max(...colds.map((c) => c.maxRssMb)),
      render: render.maxRssMb,
      search: search.maxRssMb,
      fullBuild: full.maxRssMb,
      rebuild: rebuild.maxRssMb,
      readability: baseline.maxRssMb,
    },
    searchQueryBytes: download.bytes,
    searchQueryWireBytes: download.wireBytes,
    searchQueryRequests: download.requests,
    searchQueriesWireBytes: download.queries,
    outputBytes: size(site),
    searchIndexBytes: size(join(site, 'pagefind')),
    articlePages: articlePageWeights(site),
    pages: render.pages,
  };
  results.push(row);
  process.stderr.write(`${JSON.stringify(row)}\n`);
}

// The image step on a fixed sample, and reprint grouping at each size.
function script(file: string, args: string[]): string {
  return execFileSync(process.execPath, ['--import', 'tsx', file, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}
let extra = '';
if (!values['build-only']) {
  process.stderr.write('\n== image step on a fixed sample…\n');
  const images = script('scripts/bench-images.ts', []);
  process.stderr.write('\n== reprint grouping…\n');
  const grouping = script('scripts/bench-compare.ts', sizes.map(String));
  extra = `\nImage step (fixed sample):\n${images}\nReprint grouping:\n${grouping}`;
}

const machine = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model ?? '',
  memoryGb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
};
// The rows of this run replace those of the same size and kind; the others are kept, each
// with its date, so that a 100k build-only run adds to the 1k and 10k figures.
const RESULTS = 'bench/results.json';
let kept: Array<Record<string, unknown>> = [];
try {
  kept = (JSON.parse(readFileSync(RESULTS, 'utf8')) as { results: Array<Record<string, unknown>> }).results;
} catch {
  kept = [];
}
const same = (a: Record<string, unknown>, b: Record<string, unknown>): boolean =>
  a['articles'] === b['articles'] && !!a['buildOnly'] === !!b['buildOnly'];
const merged = [...kept.filter((k) => !results.some((r) => same(r, k))), ...results].sort(
  (a, b) =>
    (a['articles'] as number) - (b['articles'] as number) || (a['buildOnly'] ? 1 : 0) - (b['buildOnly'] ? 1 : 0),
);
mkdirSync('bench', { recursive: true });
writeFileSync(RESULTS, JSON.stringify({ machine, results: merged }, null, 2) + '\n');

const header = [
  'articles',
  'ingest/s cold (runs)',
  'ingest/s warm',
  'Readability/s (runs)',
  'ratio',
  'render s',
  'search s',
  'full build s',
  '+1 article s',
  'peak MB (ingest/render/search/full)',
  'output',
  'search index',
  'query download (wire)',
  'wire per query',
  'article page, wire max/p95 (raw max)',
  'file create µs',
  'CPU probe ms',
];
const secs = (ms: unknown): string => (typeof ms === 'number' ? (ms / 1000).toFixed(1) : '–');
const show = (v: unknown, unit = ''): string => (v === undefined ? '–' : `${String(v)}${unit}`);
/** A median with the range of the runs it is the median of: `537 (481–590)`. */
const withRange = (median: unknown, runs: unknown): string =>
  Array.isArray(runs) && runs.length > 1
    ? `${show(median)} (${Math.min(...(runs as number[]))}–${Math.max(...(runs as number[]))})`
    : show(median);
const kb = (bytes: unknown): string => (typeof bytes === 'number' ? `${Math.round(bytes / 1024)} KB` : '–');
const rows = merged.map((r) => {
  const p = r['peakRssMb'] as Record<string, number | undefined>;
  return [
    show(r['articles']),
    withRange(r['ingestColdPerSec'], r['ingestColdRuns']),
    show(r['ingestWarmPerSec']),
    withRange(r['readabilityPerSec'], r['readabilityRuns']),
    show(r['ingestVsReadability'], '×'),
    secs(r['renderMs']),
    secs(r['searchMs']),
    secs(r['fullBuildMs']),
    secs(r['rebuildOneNewMs']),
    [p['ingest'], p['render'], p['search'], p['fullBuild']].map((v) => show(v)).join('/'),
    mb(r['outputBytes'] as number),
    mb(r['searchIndexBytes'] as number),
    r['searchQueryBytes'] === undefined ? '–' : `${kb(r['searchQueryBytes'])} (${kb(r['searchQueryWireBytes'])})`,
    r['searchQueriesWireBytes'] === undefined
      ? '–'
      : Object.entries(r['searchQueriesWireBytes'] as Record<string, number>)
          .map(([q, b]) => `${q} ${kb(b)}`)
          .join(', '),
    r['articlePages'] === undefined
      ? '–'
      : ((w: Record<string, number>) =>
          `${kb(w['wireMaxBytes'])}/${kb(w['wireP95Bytes'])} (${kb(w['rawMaxBytes'])})` +
          (w['withScript'] ? `, ${w['withScript']} with a script` : ''))(r['articlePages'] as Record<string, number>),
    show(r['fileCreateUs']),
    show(r['cpuProbeMs']),
  ];
});
const table = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
process.stdout.write(`\n${table}\n${extra}\nmachine: ${JSON.stringify(machine)}\nwritten: ${RESULTS}\n`);
// The figures are taken: the folders set aside can go (see TRASH).
rmSync(TRASH, { recursive: true, force: true });
