/** The `news-archive` command line, run as a real process. */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { IngestReport } from '../src/schema/article.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'news-archive.js');
const VALID_SEED = join(ROOT, 'content', 'articles', '004_52fe9c90d191c1af.txt');

const temps: string[] = [];
after(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true });
});

function cli(args: string[]): SpawnSyncReturns<string> {
  // A timeout turns a hang (a pipe read, a stuck worker) into a failure, not a stuck suite.
  return spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
}

async function content(files: Record<string, string | Uint8Array> = {}): Promise<{ dir: string; out: string }> {
  const root = await mkdtemp(join(tmpdir(), 'news-archive-cli-'));
  temps.push(root);
  const dir = join(root, 'content');
  await mkdir(join(dir, 'articles'), { recursive: true });
  for (const file of ['events.yaml', 'sources.yaml', 'site.yaml']) {
    await copyFile(join(ROOT, 'content', file), join(dir, file));
  }
  await copyFile(VALID_SEED, join(dir, 'articles', 'valid.txt'));
  for (const [name, data] of Object.entries(files)) await writeFile(join(dir, 'articles', name), data);
  return { dir, out: join(root, 'out') };
}

async function report(out: string): Promise<IngestReport> {
  const parsed = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as IngestReport;
  assert.equal(parsed.inputs, parsed.articles + parsed.errors.length);
  return parsed;
}

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => e.name);
}

describe('usage', () => {
  test('ingest --help exits 0 and documents every option', () => {
    const run = cli(['ingest', '--help']);
    assert.equal(run.status, 0, run.stderr);
    for (const option of ['--content', '--out', '--strict', '--jobs', '--quiet', '--help']) {
      assert.match(run.stdout, new RegExp(`^\\s+(?:-\\w, )?${option}\\b`, 'm'), `${option} is documented`);
    }
    assert.match(run.stdout, /Exit status/);
  });

  test('--help exits 0', () => {
    const run = cli(['--help']);
    assert.equal(run.status, 0);
    assert.match(run.stdout, /ingest/);
  });

  test('no command is a usage error (2) that still shows the help', () => {
    const run = cli([]);
    assert.equal(run.status, 2);
    assert.match(run.stdout, /Usage/);
  });

  test('an unknown option exits 2', () => {
    const run = cli(['ingest', '--bogus']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /bogus/);
    assert.match(run.stderr, /--help/);
  });

  test('an unknown command exits 2', () => {
    assert.equal(cli(['frobnicate']).status, 2);
  });

  test('a stray positional argument exits 2', () => {
    assert.equal(cli(['ingest', 'content']).status, 2);
  });

  for (const value of ['0', '-1', 'two', '1.5', '']) {
    test(`--jobs ${JSON.stringify(value)} exits 2`, () => {
      const run = cli(['ingest', '--jobs', value, '--content', '/nonexistent']);
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, /--jobs/);
    });
  }

  test('a missing content folder exits 1 with a message, not a stack trace', async () => {
    const { out } = await content();
    const run = cli(['ingest', '--content', join(out, 'nowhere'), '--out', out]);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /nowhere/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });
});

describe('ingest', () => {
  test('without --strict errors still exit 0; with --strict they exit 1', async () => {
    const { dir, out } = await content({ 'empty.txt': '' });
    const loose = cli(['ingest', '--content', dir, '--out', out, '--jobs', '1']);
    assert.equal(loose.status, 0, loose.stderr);
    assert.match(loose.stderr, /articles\/empty\.txt/);
    const strict = cli(['ingest', '--content', dir, '--out', out, '--strict', '--quiet']);
    assert.equal(strict.status, 1, strict.stderr);
    assert.equal(strict.stdout, '', '--quiet prints nothing but errors');
    assert.match(strict.stderr, /error: articles\/empty\.txt: .*empty/);
    const r = await report(out);
    assert.equal(r.articles, 1);
    assert.equal(r.errors.length, 1);
  });

  test('--strict exits 0 when there are no errors', async () => {
    const { dir, out } = await content();
    const run = cli(['ingest', '--content', dir, '--out', out, '--strict']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /articles\s+1/);
    assert.equal((await report(out)).errors.length, 0);
  });

  test('writes are atomic: no *.tmp file is left in the output', async () => {
    const { dir, out } = await content();
    assert.equal(cli(['ingest', '--content', dir, '--out', out]).status, 0);
    assert.equal(cli(['ingest', '--content', dir, '--out', out]).status, 0);
    const files = await allFiles(out);
    assert.deepEqual(
      files.filter((f) => f.endsWith('.tmp')),
      [],
    );
    assert.ok(files.includes('report.json') && files.includes('index.json'));
  });

  test('the output does not depend on the time zone or locale of the machine', async () => {
    const { dir, out } = await content({
      'seed-000.txt': await readFile(join(ROOT, 'content', 'articles', '000_b432c1abbb87aceb.txt')),
    });
    const runIn = (env: Record<string, string>, target: string): void => {
      const run = spawnSync(process.execPath, [BIN, 'ingest', '--content', dir, '--out', target, '--quiet'], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, ...env },
      });
      assert.equal(run.status, 0, run.stderr);
    };
    runIn({ TZ: 'UTC', LANG: 'C', LC_ALL: 'C' }, out);
    runIn({ TZ: 'Pacific/Kiritimati', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' }, `${out}-2`);
    for (const file of await readdir(out, { recursive: true })) {
      const a = join(out, file);
      const b = join(`${out}-2`, file);
      if (file.endsWith('.json')) assert.equal(await readFile(b, 'utf8'), await readFile(a, 'utf8'), `${file} differs`);
    }
  });

  test('hostile files through the real CLI: code front matter, a pipe, a huge file', async () => {
    const { dir, out } = await content();
    const marker = join(dirname(out), 'PWNED');
    const evil = `---js\n(() => require('fs').writeFileSync(${JSON.stringify(marker)}, 'x'))()\n---\n<p>正文。</p>\n`;
    await writeFile(join(dir, 'articles', 'evil.txt'), evil);
    await writeFile(join(dir, 'articles', 'huge.txt'), Buffer.alloc(20 * 1024 * 1024, 'a'));
    const fifo = spawnSync('mkfifo', [join(dir, 'articles', 'pipe.txt')]);
    assert.equal(fifo.status, 0);
    const run = cli(['ingest', '--content', dir, '--out', out, '--strict']);
    assert.equal(run.error, undefined, 'the run finished (no hang on the pipe)');
    assert.equal(run.status, 1, run.stderr);
    assert.equal(existsSync(marker), false);
    const r = await report(out);
    assert.equal(r.inputs, 4);
    assert.equal(r.articles, 1);
    const message = (name: string): string => r.errors.find((e) => e.path === `articles/${name}`)?.message ?? '';
    assert.match(message('evil.txt'), /front matter/);
    assert.match(message('huge.txt'), /too large/);
    assert.match(message('pipe.txt'), /named pipe/);
  });
});
