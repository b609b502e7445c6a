/**
 * The bundle the command line runs from (bin/compile.js): it is made again when a source
 * changes, its worker scripts answer, and the command line run from it builds the same site
 * and archive, byte for byte, as the sources run through tsx.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { after, describe, test } from 'node:test';
import { compile } from '../bin/compile.js';
import { SOURCE_WORKERS } from '../src/compiled-entries.js';
import { runBuild } from '../src/site/build.ts';
import { assertSameTree } from './support/trees.ts';

const temps: string[] = [];
after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});
function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** Answers the worker's first message to `send` (or its error). */
function firstAnswer(url: string, workerData: unknown, send?: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(url), { workerData });
    worker.once('message', (answer: unknown) => {
      resolve(answer);
      void worker.terminate();
    });
    worker.once('error', reject);
    if (send !== undefined) worker.postMessage(send);
  });
}

describe('the compiled bundle', () => {
  test('is made once, and again when one of its sources changes', async () => {
    const root = temp('compile-');
    mkdirSync(join(root, 'src'));
    writeFileSync(
      join(root, 'src', 'main.ts'),
      "import { word } from './word.ts';\nexport const said: string = word;\n",
    );
    writeFileSync(join(root, 'src', 'word.ts'), "export const word = 'first';\n");
    const entries = { main: 'src/main.ts' };
    const said = async (bundle: string | null): Promise<unknown> => {
      assert.ok(bundle, 'a bundle is made');
      return ((await import(pathToFileURL(join(bundle, 'main.mjs')).href)) as { said: unknown }).said;
    };

    const first = await compile({ root, entries });
    assert.equal(await said(first), 'first');
    assert.equal(await compile({ root, entries }), first, 'unchanged sources: the same bundle');

    // A change to a module the entry imports, not to the entry itself.
    writeFileSync(join(root, 'src', 'word.ts'), "export const word = 'second';\n");
    const second = await compile({ root, entries });
    assert.notEqual(second, first);
    assert.equal(await said(second), 'second');
    assert.ok(existsSync(join(first!, 'main.mjs')), 'the older bundle is left whole for a process still running it');

    // A deleted source is a change too.
    rmSync(join(root, 'src', 'word.ts'));
    writeFileSync(join(root, 'src', 'main.ts'), "export const said: string = 'alone';\n");
    assert.equal(await said(await compile({ root, entries })), 'alone');
  });

  test('a source that does not compile gives null and a message, so the sources run instead', async () => {
    const root = temp('compile-bad-');
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'main.ts'), "import { nothing } from './missing.ts';\nexport const x = nothing;\n");
    const write = process.stderr.write;
    let said = '';
    process.stderr.write = ((chunk: string) => ((said += chunk), true)) as typeof process.stderr.write;
    try {
      assert.equal(await compile({ root, entries: { main: 'src/main.ts' } }), null);
    } finally {
      process.stderr.write = write;
    }
    assert.match(said, /running from the sources .*missing\.ts/s);
  });

  test("its worker scripts start and answer (a worker's failure would otherwise only fall back to the main thread)", async () => {
    const bundle = await compile();
    assert.ok(bundle);
    for (const name of Object.keys(SOURCE_WORKERS)) assert.ok(existsSync(join(bundle, `${name}.mjs`)), name);
    const url = (name: string): string => pathToFileURL(join(bundle, `${name}.mjs`)).href;

    const article = join(process.cwd(), 'content', 'articles', readdirSync('content/articles').sort()[0]!);
    const outcome = (await firstAnswer(
      url('ingest-worker'),
      { events: [], defaultTimeZone: 'Asia/Shanghai' },
      { index: 0, fullPath: article, path: 'articles/a.txt' },
    )) as { ok: boolean };
    assert.equal(outcome.ok, true, 'the ingest worker ingests an article');

    const site = temp('compile-site-');
    writeFileSync(join(site, 'index.html'), 'x');
    assert.equal(typeof (await firstAnswer(url('signature-worker'), { outDir: site })), 'string');
  });

  test('the command line run from it builds the same site and archive as the sources', async () => {
    const root = temp('compiled-build-');
    const content = join(root, 'content');
    cpSync('content', content, { recursive: true });
    // Enough files for an ingest worker (--jobs 2 uses one from 16 files).
    for (const outlet of ['dw', 'zaker', 'zaobao', 'other'])
      cpSync(join('tests/fixtures/corpus-dev', outlet), join(content, 'articles', outlet), { recursive: true });

    const run = spawnSync(
      process.execPath,
      [
        'bin/news-archive.js',
        'build',
        '--content',
        content,
        '--out',
        join(root, 'cli-site'),
        '--archive',
        join(root, 'cli-archive'),
        '--path-prefix',
        '/news-archive/',
        '--jobs',
        '2',
        '--quiet',
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /running from the sources/);
    assert.equal(run.stdout, '', '--quiet prints nothing but errors (Eleventy wrote a line per batch)');

    await runBuild({
      contentDir: content,
      outDir: join(root, 'site'),
      archiveDir: join(root, 'archive'),
      pathPrefix: '/news-archive/',
      jobs: 2,
    });
    assertSameTree(join(root, 'cli-site'), join(root, 'site'));
    // The cache's pack files are named by their run and thread.
    assertSameTree(join(root, 'cli-archive'), join(root, 'archive'), /^cache\//);
  });
});

test('no module of src/ names a file from its own URL but src/compiled.ts (the bundle is elsewhere)', () => {
  const offenders = readdirSync('src', { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.[jt]s$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .filter((file) => file !== join('src', 'compiled.ts') && !/-entry\.js$/.test(file))
    .filter((file) => readFileSync(file, 'utf8').includes('import.meta.url'));
  assert.deepEqual(offenders, []);
});
