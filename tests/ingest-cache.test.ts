/**
 * The ingest cache and incremental output (src/ingest/cache.ts, src/ingest/run.ts): a warm
 * run, a run after files were added, changed and removed, and a run over a damaged cache
 * all give exactly the output of a cold run over the same content into a fresh folder;
 * unchanged output files are not rewritten; RunResult.changes names what changed.
 */
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  articleFile,
  closePack,
  entryKey,
  PackReader,
  scanPacks,
  storeEntry,
  summaryOutcomeOf,
  withoutBodies,
  type CacheConfig,
} from '../src/ingest/cache.ts';
import { writeArticleFiles, type ArticleWrite } from '../src/ingest/write-articles.ts';
import { Worker } from 'node:worker_threads';
import { indexJson, runIngest, stableJson, type RunResult } from '../src/ingest/run.ts';
import { MAX_INPUT_BYTES } from '../src/ingest/process-file.ts';
import { indexElements, readIndex } from '../src/ingest/read-index.ts';
import type { Article } from '../src/schema/article.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CORPUS = join(ROOT, 'tests', 'fixtures', 'corpus-dev');

let work: string;
let content: string;

/** The output files a cold run and an incremental run must agree on (the cache aside). */
async function outputFiles(out: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const name of ['index.json', 'report.json', 'article.schema.json']) {
    files.set(name, await readFile(join(out, name)));
  }
  for (const name of (await readdir(join(out, 'articles'))).sort()) {
    files.set(`articles/${name}`, await readFile(join(out, 'articles', name)));
  }
  return files;
}

/** The entries in an output folder's cache packs, and the packs. */
async function packs(out: string): Promise<{ entries: number; files: string[] }> {
  const files = (await readdir(join(out, 'cache', 'packs'))).sort();
  return { entries: scanPacks({ dir: join(out, 'cache'), salt: '', run: '' }).size, files };
}

async function mtimes(out: string): Promise<Map<string, number>> {
  const times = new Map<string, number>();
  for (const name of (await outputFiles(out)).keys()) times.set(name, (await stat(join(out, name))).mtimeMs);
  return times;
}

function assertSameOutput(actual: Map<string, Buffer>, expected: Map<string, Buffer>): void {
  assert.deepEqual([...actual.keys()], [...expected.keys()]);
  for (const [name, bytes] of expected) assert.ok(actual.get(name)!.equals(bytes), `${name} differs`);
}

/** A cold run over the content as it is now, into a fresh folder. */
async function coldOutput(jobs = 1): Promise<{ result: RunResult; files: Map<string, Buffer> }> {
  const out = await mkdtemp(join(work, 'cold-'));
  const result = await runIngest({ contentDir: content, outDir: out, jobs });
  return { result, files: await outputFiles(out) };
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'ingest-cache-'));
  content = join(work, 'content');
  for (const file of ['events.yaml', 'sources.yaml', 'site.yaml', 'topics.yaml']) {
    await cp(join(ROOT, 'content', file), join(content, file));
  }
  for (const entry of await readdir(CORPUS, { withFileTypes: true })) {
    if (entry.isDirectory())
      await cp(join(CORPUS, entry.name), join(content, 'articles', entry.name), { recursive: true });
  }
  await cp(join(ROOT, 'content', 'articles'), join(content, 'articles', 'seeds'), { recursive: true });
  // An error is cached too.
  await writeFile(join(content, 'articles', 'empty.txt'), '');
  // A file that is not read at all (too large): its probe is an error, not a hash, and a
  // cold run, which probes nothing, must record it the same way.
  await writeFile(join(content, 'articles', 'huge.txt'), Buffer.alloc(MAX_INPUT_BYTES + 1, 0x61));
});

after(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('ingest cache', () => {
  test(
    'cold, warm, and after adding, changing and removing files: the output of a cold run',
    { timeout: 300_000 },
    async () => {
      const out = join(work, 'out');
      const first = await runIngest({ contentDir: content, outDir: out, jobs: 1 });
      assert.equal(first.cache.hits, 0);
      assert.ok(first.articles.length > 100);
      assert.equal(first.changes.added.length, first.articles.length);
      const cold = await coldOutput(2);
      assertSameOutput(await outputFiles(out), cold.files);

      // Nothing changed: nothing is parsed or written, and the result is the same.
      const before = await mtimes(out);
      const warm = await runIngest({ contentDir: content, outDir: out, jobs: 1 });
      assert.equal(warm.cache.unchanged, true);
      assert.deepEqual(warm.changes, { added: [], changed: [], removed: [], index: false, report: false });
      assert.deepEqual(warm.report, first.report);
      assert.deepEqual(
        warm.articles.map((a) => a.id),
        first.articles.map((a) => a.id),
      );
      assert.deepEqual(await mtimes(out), before);
      assertSameOutput(await outputFiles(out), cold.files);

      // One file changed, one added (a reprint of another article), one removed.
      const articles = join(content, 'articles');
      const dw = (await readdir(join(articles, 'dw'))).sort();
      const changedPath = join(articles, 'dw', dw[0]!);
      const changedId = first.articles.find((a) => a.input.path === `articles/dw/${dw[0]!}`)!.id;
      const text = await readFile(changedPath, 'utf8');
      await writeFile(changedPath, text.replace('。', '。这是后来加上的一句话。'));
      const removedPath = join(articles, 'dw', dw[1]!);
      const removedId = first.articles.find((a) => a.input.path === `articles/dw/${dw[1]!}`)!.id;
      await rm(removedPath);
      const seed = (await readdir(join(articles, 'seeds'))).sort()[0]!;
      const original = await readFile(join(articles, 'seeds', seed), 'utf8');
      await writeFile(
        join(articles, 'seeds', `copy-${seed}`),
        original.replace(/^title: .*$/m, 'title: 转载的副本').replace(/^(from|url): .*$/m, ''),
      );

      const beforeChange = await mtimes(out);
      const third = await runIngest({ contentDir: content, outDir: out, jobs: 1 });
      assert.equal(third.cache.misses, 2);
      const expected = await coldOutput();
      assertSameOutput(await outputFiles(out), expected.files);
      assert.deepEqual(third.report, expected.result.report);
      assert.deepEqual(third.changes.removed, [removedId]);
      assert.ok(third.changes.changed.includes(changedId), JSON.stringify(third.changes));
      assert.equal(third.changes.added.length, 1);
      assert.equal(third.changes.index, true);
      // Exactly the files named in the changes were written.
      const written = new Set([...third.changes.added, ...third.changes.changed].map((id) => `articles/${id}.json`));
      for (const [name, time] of await mtimes(out)) {
        if (!name.startsWith('articles/')) continue;
        if (written.has(name)) continue;
        assert.equal(time, beforeChange.get(name), `${name} was rewritten`);
      }

      // The cache holds one entry per input, in few packs (small ones are merged).
      const held = await packs(out);
      assert.equal(held.entries, third.cache.hits + third.cache.misses);
      assert.equal(held.files.length, 1, held.files.join(' '));

      // Two workers over the cache of one: the same.
      const fourth = await runIngest({ contentDir: content, outDir: out, jobs: 2 });
      assert.equal(fourth.cache.unchanged, true);
      assertSameOutput(await outputFiles(out), expected.files);

      // A change on two threads: the reprint groups are found on a worker started for the
      // comparison (the misses are too few for one), beside the main thread.
      await rm(join(articles, 'seeds', `copy-${seed}`));
      const fifth = await runIngest({ contentDir: content, outDir: out, jobs: 2 });
      assert.equal(fifth.changes.removed.length, 1);
      assertSameOutput(await outputFiles(out), (await coldOutput()).files);
    },
  );

  test('a damaged cache is a miss, never a crash or a wrong output', { timeout: 300_000 }, async () => {
    const out = join(work, 'damaged');
    await runIngest({ contentDir: content, outDir: out, jobs: 1 });
    const expected = await coldOutput();
    const { files } = await packs(out);
    assert.equal(files.length, 1, files.join(' '));
    const pack = join(out, 'cache', 'packs', files[0]!);
    /** Where each entry of a pack starts: entries follow each other, each header gives its length. */
    const starts = (bytes: Buffer): number[] => {
      const at: number[] = [];
      for (let i = 0; i < bytes.length;) {
        at.push(i);
        const end = bytes.indexOf(10, i);
        i = end + 1 + parseInt(bytes.toString('latin1', i, end).split(' ')[3]!, 16);
      }
      return at;
    };
    const bytes = await readFile(pack);
    const entries = starts(bytes);
    assert.ok(entries.length > 100, `${entries.length} entries`);
    // One byte changed in entry 1's JSON, in entry 2's binary part (its last byte), in entry
    // 3's key; entry 5's header lies about its length, so the entries after it cannot be
    // found (as after a crash that cut the pack short there).
    bytes[entries[1]! + 200]! ^= 0x01;
    bytes[entries[3]! - 1]! ^= 0x01;
    const keyByte = entries[3]! + 'NAC3 '.length + 10;
    bytes[keyByte] = bytes[keyByte] === 0x30 ? 0x31 : 0x30;
    const at = entries[5]!;
    const header = bytes.toString('latin1', at, bytes.indexOf(10, at));
    const [, key, sum, length, json] = header.split(' ');
    const lying = Buffer.from(`NAC3 ${key} ${sum} ${(parseInt(length!, 16) + 1).toString(16)} ${json}`, 'latin1');
    await writeFile(pack, Buffer.concat([bytes.subarray(0, at), lying, bytes.subarray(at + header.length)]));
    // And a pack of junk beside it.
    await writeFile(join(out, 'cache', 'packs', 'junk.pack'), 'NAC3 nonsense\n' + 'x'.repeat(1000));
    const lost = 3 + entries.length - 5;
    await writeFile(join(out, 'cache', 'run.json'), '{"format":');
    const damaged = await runIngest({ contentDir: content, outDir: out, jobs: 1 });
    assert.equal(damaged.cache.unchanged, false);
    assert.equal(damaged.cache.misses, lost, JSON.stringify(damaged.cache));
    assertSameOutput(await outputFiles(out), expected.files);
    assert.deepEqual(damaged.changes, { added: [], changed: [], removed: [], index: false, report: false });
    // The damaged entries were rewritten: the next run is a clean hit.
    const again = await runIngest({ contentDir: content, outDir: out, jobs: 1 });
    assert.equal(again.cache.unchanged, true);
    // The junk is gone, the damaged pack's live entries and the new ones merged into one.
    assert.deepEqual((await packs(out)).files.length, 1);

    // An output file removed or edited by hand is noticed and restored.
    const someArticle = [...expected.files.keys()].find((f) => f.startsWith('articles/'))!;
    await rm(join(out, someArticle));
    await writeFile(join(out, 'index.json'), '[]\n');
    const restored = await runIngest({ contentDir: content, outDir: out, jobs: 1 });
    assert.equal(restored.cache.misses, 0);
    assert.equal(restored.changes.added.length, 1);
    assert.equal(restored.changes.index, true);
    assertSameOutput(await outputFiles(out), expected.files);
  });

  test(
    'an article whose cache entry could not be written is written whole all the same',
    { timeout: 300_000 },
    async () => {
      // The run holds articles without their bodies and reads each body back from its cache
      // entry when it writes the file; with no entries (a full disk, here a file in the way of
      // the folder), it must read the article again from its source file.
      const expected = await coldOutput();
      for (const jobs of [1, 2]) {
        const out = await mkdtemp(join(work, `no-entries-${jobs}-`));
        await mkdir(join(out, 'cache'), { recursive: true });
        await writeFile(join(out, 'cache', 'packs'), 'not a folder');
        const result = await runIngest({ contentDir: content, outDir: out, jobs });
        assert.equal(result.report.articles, expected.result.report.articles);
        assertSameOutput(await outputFiles(out), expected.files);
        assert.equal(result.articles.length, expected.result.articles.length);
        assert.ok(result.articles.every((a) => a.html.length > 0 || a.text.length === 0));
      }
    },
  );

  test(
    'a run leaves no file open behind it, with or without worker threads',
    { skip: !existsSync('/proc/self/fd') && 'needs /proc/self/fd' },
    async () => {
      // Each thread keeps its cache pack open while it ingests; a pack left open would stay
      // open as long as the process (`serve`, rebuilding on every change).
      const openFiles = (): string[] =>
        readdirSync('/proc/self/fd').flatMap((fd) => {
          try {
            return [readlinkSync(`/proc/self/fd/${fd}`)];
          } catch {
            return [];
          }
        });
      for (const jobs of [1, 2]) {
        const out = await mkdtemp(join(work, `fds-${jobs}-`));
        await runIngest({ contentDir: content, outDir: out, jobs });
        // Worker threads are ended as the run returns: give their exit a moment.
        await new Promise((done) => setTimeout(done, 200));
        const left = openFiles().filter((path) => path.startsWith(out));
        assert.deepEqual(left, [], `jobs ${jobs}: ${left.join(' ')}`);
      }
    },
  );

  test('an article file made from its cache entry is the whole article as stableJson writes it', async () => {
    // The run writes each article's file with the body spliced in from its cache entry,
    // undecoded (articleFileBytes): every file must read back as exactly what stableJson
    // would have written for the article it holds.
    const { files } = await coldOutput(2);
    let articles = 0;
    for (const [name, bytes] of files) {
      if (!name.startsWith('articles/')) continue;
      articles++;
      assert.equal(bytes.toString('utf8'), stableJson(JSON.parse(bytes.toString('utf8'))), name);
    }
    assert.ok(articles > 100, `${articles} articles`);

    // Bodies that look like the splice's own marker, or that JSON escapes.
    const [, sample] = [...files].find(([name]) => name.startsWith('articles/'))!;
    const base = JSON.parse(sample.toString('utf8')) as Article;
    const cache: CacheConfig = { dir: join(work, 'splice-cache'), salt: 'test', run: 'splice' };
    const hostile = [
      '\n  "html": null',
      '"text": null\n  "html": null, \\ "\u2028\u2029',
      'lone \ud800 surrogate, 表情 😀, \u0000 and \t',
      '',
    ];
    for (const [i, body] of hostile.entries()) {
      const article: Article = { ...base, html: `<p>${body}</p>`, text: body };
      const path = article.input.path;
      const { packed } = storeEntry(
        cache,
        Buffer.from(`input ${i}`),
        { index: 0, path, ok: true, article },
        { textHash: 'x', topics: [], set: new Uint32Array([1, 2]), signature: new Uint32Array([3]) },
      );
      assert.ok(packed);
      const key = entryKey(cache, path, packed.inputHash);
      // Values that look like the splice's markers, or are not ASCII.
      const fields = {
        id: `changed-${i}`,
        related: [{ id: 'other', similarity: 0.5 }],
        warnings: ['另一篇文章的 id 相同', '"\n  "id": "x",\n  "text": null,', '\n}'],
        topics: i % 2 ? [] : ['贸易'],
      };
      const spliced = articleFile(Buffer.from(packed.packed), key, fields);
      assert.ok(spliced, `body ${i}`);
      const whole = { ...article, ...fields };
      assert.equal(spliced.file.toString('utf8'), stableJson(whole), `body ${i}`);
      // Its element of index.json, as the index prints it whole.
      const { html: _html, text: _text, ...summary } = whole;
      const index = stableJson([summary, summary]);
      assert.ok(spliced.summary !== null, `body ${i}`);
      const element = Buffer.from(spliced.summary, 'latin1').toString('utf8');
      assert.equal(`[\n${element}`, index.slice(0, index.indexOf('\n  },\n') + 4), `body ${i}`);
      // What a worker sends the main thread: the same summary and comparison data, no body.
      const light = withoutBodies(Buffer.from(packed.packed));
      assert.deepEqual(
        summaryOutcomeOf(light, key, 0, path),
        summaryOutcomeOf(Buffer.from(packed.packed), key, 0, path),
      );
      assert.ok(summaryOutcomeOf(light, key, 0, path)?.ok, `body ${i}`);
      assert.ok(!light.includes(Buffer.from(JSON.stringify(article.html))), `body ${i}`);
    }
  });

  test('index.json joined from the elements, in parts of any size, is the whole index in order', () => {
    // Newest first, ties by id; one element holds non-ASCII UTF-8 as Latin-1 text.
    const articles = [
      { id: 'b', published: '2024-11-15T08:00:00+08:00' },
      { id: 'a', published: '2024-11-15T08:00:00+08:00' },
      { id: 'c', published: '2024-11-15T01:00:00Z' },
      { id: 'd', published: '2023-06-01T00:00:00Z' },
    ];
    const elements = articles.map((a) => Buffer.from(`  {"id": "${a.id}", "title": "峰会"}`).toString('latin1'));
    const expected = `[\n${[2, 1, 0, 3].map((i) => elements[i]).join(',\n')}\n]\n`;
    for (const partBytes of [1, 7, 40, 1 << 20]) {
      const index = indexJson(articles, elements, partBytes);
      assert.ok(typeof index === 'object', `${partBytes}`);
      assert.equal(Buffer.concat(index.parts).toString('latin1'), expected, `${partBytes}`);
      if (partBytes === 1) assert.equal(index.parts.length, articles.length);
      if (partBytes === 1 << 20) assert.equal(index.parts.length, 1);
    }
    // An article without its element: the index is printed whole from the summaries.
    assert.equal(typeof indexJson(articles, [...elements.slice(0, 3), null]), 'string');
  });

  test('index.json read a summary at a time is what JSON.parse reads, in any layout', async () => {
    const { files } = await coldOutput(2);
    const index = files.get('index.json')!;
    const path = join(work, 'read-index.json');
    await writeFile(path, index);
    const whole = JSON.parse(index.toString('utf8')) as unknown[];
    assert.ok(whole.length > 100);
    assert.deepEqual(readIndex(path), whole);
    assert.deepEqual(indexElements(index), whole, 'read a summary at a time');
    // Strings that hold the layout's own markers (escaped, as JSON writes them), an empty
    // index, and layouts the run never writes: all read as JSON.parse reads them.
    const tricky = [
      { id: 'a', title: '\n  },\n  {', excerpt: '  }\n]\n' },
      { id: 'b', nested: { x: [1, { y: '}' }] } },
    ];
    for (const layout of [stableJson(tricky), stableJson([])]) {
      assert.deepEqual(indexElements(Buffer.from(layout)), JSON.parse(layout), 'read a summary at a time');
    }
    for (const text of [
      stableJson(tricky),
      stableJson([]),
      JSON.stringify(tricky),
      JSON.stringify(tricky, null, 4),
      `${stableJson(tricky).slice(0, -1)}\r\n`,
    ]) {
      await writeFile(path, text);
      assert.deepEqual(readIndex(path), JSON.parse(text), JSON.stringify(text.slice(0, 40)));
    }
    // A file cut short is an error, as it was.
    await writeFile(path, index.subarray(0, index.length >> 1));
    assert.throws(() => readIndex(path), SyntaxError);
  });

  test('article files written by a worker beside the main thread, or by the main thread when the worker dies', async () => {
    const { files } = await coldOutput(1);
    const samples = [...files].filter(([name]) => name.startsWith('articles/')).slice(0, 300);
    const cache: CacheConfig = { dir: join(work, 'write-cache'), salt: 'test', run: 'write' };
    const writes: ArticleWrite[] = [];
    const expected: string[] = [];
    // Each file's element of index.json, which comes back with it from either thread.
    const elements: string[] = [];
    for (const [i, [, bytes]] of samples.entries()) {
      const article = JSON.parse(bytes.toString('utf8')) as Article;
      const { packed } = storeEntry(
        cache,
        Buffer.from(`input ${i}`),
        { index: i, path: article.input.path, ok: true, article },
        { textHash: 'x', topics: [], set: new Uint32Array([1, 2]), signature: new Uint32Array([3]) },
      );
      assert.ok(packed?.entry);
      const fields = {
        id: article.id,
        warnings: [`run ${i}`],
        topics: article.topics,
        reprint: null,
        related: [{ id: `other-${i}`, similarity: 0.5 }],
      };
      writes.push({
        file: '',
        key: entryKey(cache, article.input.path, packed.inputHash),
        at: packed.entry,
        fields,
        absent: true,
      });
      expected.push(stableJson({ ...article, ...fields }));
      const { html: _html, text: _text, ...summary } = { ...article, ...fields };
      elements.push(`  ${JSON.stringify(summary, null, 2).replaceAll('\n', '\n  ')}`);
    }
    closePack();
    const reader = new PackReader(cache);
    const helpers = {
      // An ingest worker, as the run starts it.
      working: new Worker(new URL('../src/ingest/worker-entry.js', import.meta.url), {
        workerData: { events: [], defaultTimeZone: 'UTC', cache },
      }),
      // One that dies at its first request: its files are written all the same.
      dying: new Worker("require('node:worker_threads').parentPort.on('message', () => process.exit(3))", {
        eval: true,
      }),
    };
    try {
      for (const [name, helper] of Object.entries(helpers)) {
        const dir = join(work, `written-${name}`);
        await mkdir(dir, { recursive: true });
        const mine = writes.map((w, i) => ({ ...w, file: join(dir, `${i}.json`) }));
        const written = await writeArticleFiles(mine, reader, helper);
        assert.equal(written.filter((w) => w?.written).length, mine.length, name);
        for (const [i, w] of mine.entries()) assert.equal(await readFile(w.file, 'utf8'), expected[i], `${name} ${i}`);
        assert.deepEqual(
          written.map((w) => (w?.summary ? Buffer.from(w.summary, 'latin1').toString('utf8') : w?.summary)),
          elements,
          name,
        );
      }
    } finally {
      reader.close();
      await Promise.all(Object.values(helpers).map((w) => w.terminate()));
    }
  });

  test('a change to the content configuration invalidates the cache', { timeout: 300_000 }, async () => {
    const out = join(work, 'config');
    const first = await runIngest({ contentDir: content, outDir: out, jobs: 1 });
    const topics = await readFile(join(content, 'topics.yaml'), 'utf8');
    await writeFile(join(content, 'topics.yaml'), topics.replace(/min: \d+/, 'min: 1'));
    try {
      const second = await runIngest({ contentDir: content, outDir: out, jobs: 1 });
      assert.equal(second.cache.hits, 0);
      assert.equal(second.cache.misses, first.cache.hits + first.cache.misses);
      assertSameOutput(await outputFiles(out), (await coldOutput()).files);
      // Only this run's entries are kept.
      assert.equal((await packs(out)).entries, second.cache.misses);
    } finally {
      await writeFile(join(content, 'topics.yaml'), topics);
    }
  });
});
