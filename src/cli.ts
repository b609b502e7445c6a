/**
 * `news-archive` command line. Exit codes: 0 done (every input an article or a reported
 * error), 1 errors under `--strict` or a failed run, 2 usage error.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ConfigError } from './content/load.ts';
import { runIngest } from './ingest/run.ts';
import { tuneJit } from './jit.ts';
import { articleJsonSchema, type IngestReport } from './schema/article.ts';

const HELP = `news-archive: turn a folder of raw news articles into a dated, searchable archive

Usage:
  news-archive build [options]     ingest, then render the site into _site/
  news-archive serve [options]     build, serve with live reload, rebuild on content changes
  news-archive ingest [options]    normalize content/articles/ into JSON only
  news-archive images [options]    fetch every article image once into content/media/
  news-archive schema [--out FILE] print (or write) the JSON Schema of an article
  news-archive --help | --version

Ingest options:
  --content DIR   content folder holding articles/, events.yaml, sources.yaml, site.yaml
                  (default: content)
  --out DIR       output folder for articles/<id>.json, index.json, report.json
                  (default: .archive)
  --strict        exit with status 1 when any input file is an error
  --jobs N        worker threads (default: the number of cores; 1 = no workers)
  --quiet         print nothing but errors
  -h, --help      show this help

Build and serve options (and --content, --jobs, --quiet as above):
  --out DIR           output folder of the site (default: _site)
  --archive DIR       where the normalized JSON goes (default: .archive)
  --path-prefix PATH  URL path the site lives under, e.g. /news-archive/ on GitHub Pages
                      (default: /)
  --site-url URL      the site's public URL, for canonical links and feeds
                      (default: site.yaml's url)
  --full              render every page and index every search shard, even when the
                      last build allows an incremental one
  --port N            serve only: port of the local server (default: 8080)

Images options (and --content, --quiet as above):
  --archive DIR       where the ingest (run first) writes the normalized JSON
                      (default: .archive)
  --concurrency N     images fetched at once (default: 4)
  --retry-failed      fetch again the URLs that failed in an earlier run
  --allow-host HOST   let HOST resolve to a private or loopback address (repeatable;
                      every other host must resolve to public addresses only)
  Images go to <content>/media/<sha256>.<ext>, recorded in <content>/media/manifest.json.
  Exit status 0 even when some images failed (they are listed, and kept in the manifest).

Exit status: 0 when every input became an article or a reported error; 1 with --strict
when there were errors, or when the run itself failed; 2 for a usage error.
`;

class UsageError extends Error {}

/** The options every command takes. */
const COMMON_OPTIONS = {
  content: { type: 'string', default: 'content' },
  quiet: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function printErrors(report: IngestReport): void {
  for (const e of report.errors) process.stderr.write(`error: ${e.path}${e.line ? `:${e.line}` : ''}: ${e.message}\n`);
}

function positiveInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new UsageError(`${name} must be a positive integer, got "${value}"`);
  return Number(value);
}

function progressBar(stream: NodeJS.WriteStream): (done: number, total: number) => void {
  let last = -1;
  return (done, total) => {
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    if (filled === last && done !== total) return;
    last = filled;
    stream.write(`\r  ingest [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
    if (done === total) stream.write('\n');
  };
}

async function ingestCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...COMMON_OPTIONS,
      out: { type: 'string', default: '.archive' },
      strict: { type: 'boolean', default: false },
      jobs: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const jobs = positiveInt(values.jobs, '--jobs');
  const showProgress = !values.quiet && process.stderr.isTTY === true;
  const result = await runIngest({
    contentDir: values.content,
    outDir: values.out,
    ...(jobs !== undefined ? { jobs } : {}),
    ...(showProgress ? { onProgress: progressBar(process.stderr) } : {}),
  });
  const { report } = result;
  printErrors(report);
  if (!values.quiet) {
    const shown = report.warnings.slice(0, 10);
    for (const w of shown) process.stdout.write(`warning: ${w.path}: ${w.message}\n`);
    if (report.warnings.length > shown.length) {
      process.stdout.write(`… ${report.warnings.length - shown.length} more warnings in ${values.out}/report.json\n`);
    }
    process.stdout.write(
      `\nIngested ${report.inputs} files into ${values.out}/\n` +
        `  articles  ${report.articles}\n` +
        `  errors    ${report.errors.length}\n` +
        `  warnings  ${report.warnings.length}\n` +
        `  time      ${(result.ms / 1000).toFixed(2)} s\n`,
    );
  }
  return values.strict && report.errors.length > 0 ? 1 : 0;
}

async function buildCommand(args: string[], serve: boolean): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...COMMON_OPTIONS,
      out: { type: 'string', default: '_site' },
      archive: { type: 'string', default: '.archive' },
      'path-prefix': { type: 'string', default: '/' },
      'site-url': { type: 'string' },
      jobs: { type: 'string' },
      full: { type: 'boolean', default: false },
      port: { type: 'string', default: '8080' },
      strict: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const jobs = positiveInt(values.jobs, '--jobs');
  // Loaded by the commands that use them: Eleventy alone takes ~0.3–0.4 s to import, which
  // `ingest` and `schema` would otherwise wait for.
  const { normalizePrefix, runBuild, runServe } = await import('./site/build.ts');
  let pathPrefix: string;
  try {
    pathPrefix = normalizePrefix(values['path-prefix']);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const options = {
    contentDir: values.content,
    outDir: values.out,
    archiveDir: values.archive,
    pathPrefix,
    ...(values['site-url'] ? { siteUrl: values['site-url'] } : {}),
    ...(values.full ? { full: true } : {}),
    ...(jobs !== undefined ? { jobs } : {}),
    ...(!values.quiet && process.stderr.isTTY === true ? { onProgress: progressBar(process.stderr) } : {}),
  };
  if (serve) await runServe({ ...options, port: positiveInt(values.port, '--port') ?? 8080 });
  const result = await runBuild(options);
  const { report } = result.ingest;
  printErrors(report);
  if (!values.quiet) {
    process.stdout.write(
      `\nBuilt ${values.out}/ (path prefix ${pathPrefix})\n` +
        `  inputs    ${report.inputs}\n` +
        `  articles  ${report.articles}\n` +
        `  errors    ${report.errors.length}\n` +
        `  warnings  ${report.warnings.length} (see ${values.archive}/report.json)\n` +
        `  pages     ${result.render.pages} (${result.render.incremental ? `incremental: ${result.render.rendered} written, ${result.render.removed} removed` : 'full build'})\n` +
        `  search    ${result.search.pages} articles indexed in ${(result.search.ms / 1000).toFixed(2)} s` +
        ` (${result.search.rebuilt} of ${result.search.shards} shards indexed again` +
        `${result.search.merged ? ', merged into one index' : ', index unchanged'})\n` +
        `  ingest    ${(result.ingest.ms / 1000).toFixed(2)} s\n` +
        `  total     ${(result.ms / 1000).toFixed(2)} s\n`,
    );
  }
  return values.strict && report.errors.length > 0 ? 1 : 0;
}

async function imagesCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...COMMON_OPTIONS,
      archive: { type: 'string', default: '.archive' },
      concurrency: { type: 'string' },
      'retry-failed': { type: 'boolean', default: false },
      'allow-host': { type: 'string', multiple: true, default: [] },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const concurrency = positiveInt(values.concurrency, '--concurrency');
  const { runImages } = await import('./images/archive.ts');
  const tty = !values.quiet && process.stderr.isTTY === true;
  const result = await runImages({
    contentDir: values.content,
    archiveDir: values.archive,
    retryFailed: values['retry-failed'],
    fetch: { allowHosts: values['allow-host'] },
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(tty
      ? {
          onProgress: (done: number, total: number) => {
            if (total > 0) process.stderr.write(`\r  images [${done}/${total}]`);
            if (total > 0 && done === total) process.stderr.write('\n');
          },
        }
      : {}),
  });
  for (const f of result.failed) process.stderr.write(`failed: ${f.url}\n        ${f.reason}\n`);
  if (!values.quiet) {
    const kb = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;
    process.stdout.write(
      `\nImages of the articles in ${result.mediaDir}/\n` +
        `  referenced        ${result.referenced}\n` +
        `  already archived  ${result.alreadyArchived}\n` +
        `  fetched now       ${result.fetched.length} (${kb(result.bytesWritten)} written)\n` +
        `  failed now        ${result.failed.length}\n` +
        (result.skippedFailures
          ? `  earlier failures  ${result.skippedFailures} (not retried; use --retry-failed)\n`
          : '') +
        `  time              ${(result.ms / 1000).toFixed(2)} s\n`,
    );
  }
  return 0;
}

async function schemaCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } }, strict: true });
  const json = JSON.stringify(articleJsonSchema(), null, 2) + '\n';
  if (values.out) await writeFile(values.out, json);
  else process.stdout.write(json);
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  tuneJit();
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'ingest':
        return await ingestCommand(rest);
      case 'build':
        return await buildCommand(rest, false);
      case 'serve':
        return await buildCommand(rest, true);
      case 'images':
        return await imagesCommand(rest);
      case 'schema':
        return await schemaCommand(rest);
      case '--version':
        process.stdout.write('news-archive 0.1.0\n');
        return 0;
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(HELP);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`news-archive: ${(err as Error).message}\nRun "news-archive --help" for usage.\n`);
      return 2;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`news-archive: ${err.message}\n`);
      return 1;
    }
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      process.stderr.write(`news-archive: ${(err as Error).message}\n`);
      return 1;
    }
    throw err;
  }
}
