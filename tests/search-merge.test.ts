/**
 * The merge of Pagefind bundles (src/search/merge.ts) against Pagefind itself: the same pages
 * indexed once in one index and once in three shards then merged must give the same index,
 * decoded with an independent CBOR decoder (cborg), word by word and position by position.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { decode } from 'cborg';
import { close, createIndex } from 'pagefind';
import { fragmentNameLength, mergeBundles, mergeRanges, rankingWordCount, wordRanges } from '../src/search/merge.ts';

type Cbor = number | string | Cbor[];

interface TestPage {
  url: string;
  html: string;
  date: string;
}

const WORDS = [
  '中美',
  '元首',
  '会晤',
  '拜登',
  '习近平',
  '关税',
  '台湾',
  '芬太尼',
  '大豆',
  '华盛顿',
  '北京',
  '旧金山',
  '经济',
  '贸易',
  '气候',
  '合作',
  '竞争',
  '外交部',
  '发言人',
  '表示',
  '双边关系',
  '峰会',
  '记者',
  '报道',
  'APEC',
  'Beyoncé',
  'café',
  'Biden',
  'summit',
  '2023',
];
const OUTLETS = ['联合早报', '德国之声', '新华社', 'ZAKER'];

function pages(count: number): TestPage[] {
  let seed = 20261201;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pick = (): string => WORDS[Math.floor(random() * random() * WORDS.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const title = `${pick()}${pick()}：${pick()}${pick()}`;
    const paragraphs = Array.from({ length: 3 + Math.floor(random() * 6) }, () =>
      Array.from({ length: 40 + Math.floor(random() * 80) }, pick).join(random() < 0.5 ? '' : ' '),
    );
    // Pages go in pairs of one date (one pair across two shards), so that ties are checked too.
    const date = `20${10 + Math.floor(i / 14)}-0${1 + (Math.floor(i / 2) % 9)}-10T0800`;
    const outlet = OUTLETS[i % OUTLETS.length]!;
    const event = i % 5 === 0 ? '<span data-pagefind-filter="event:旧金山会晤"></span>' : '';
    const html =
      `<!DOCTYPE html><html lang="zh-CN"><head><title>${title}</title></head>` +
      `<body data-pagefind-body data-pagefind-sort="date:${date}">` +
      `<span data-pagefind-filter="outlet:${outlet}"></span><span data-pagefind-filter="year:${date.slice(0, 4)}"></span>${event}` +
      `<span data-pagefind-meta="date:${date}"></span><span data-pagefind-meta="outlet:${outlet}"></span>` +
      `<h1 data-pagefind-meta="title" data-pagefind-weight="10">${title}</h1>` +
      paragraphs.map((p) => `<p>${p}</p>`).join('') +
      `</body></html>`;
    return { url: `/articles/${i}/`, html, date };
  });
}

async function bundle(dir: string, records: TestPage[]): Promise<void> {
  const { index, errors } = await createIndex({ forceLanguage: 'zh' });
  assert.ok(index, errors.join('; '));
  for (const record of records) {
    const added = await index.addHTMLFile({ url: record.url, content: record.html });
    assert.deepEqual(added.errors, []);
  }
  const written = await index.writeFiles({ outputPath: dir });
  assert.deepEqual(written.errors, []);
  await index.deleteIndex();
}

function load(file: string): Cbor {
  const bytes = gunzipSync(readFileSync(file));
  assert.equal(bytes.subarray(0, 12).toString(), 'pagefind_dcd');
  return decode(bytes.subarray(12), { useMaps: false }) as Cbor;
}

/** Absolute page numbers from a word's delta-encoded page list. */
function absolute(list: Cbor[]): Cbor[] {
  let page = 0;
  return list.map((entry) => {
    const [delta, locs, metaLocs] = entry as [number, Cbor, Cbor];
    page += delta;
    return [page, locs, metaLocs];
  });
}

/** A bundle, decoded into what a search reads, independent of file names and of hash order. */
function read(dir: string): Record<string, unknown> {
  const entry = JSON.parse(readFileSync(join(dir, 'pagefind-entry.json'), 'utf8')) as {
    version: string;
    languages: Record<string, { hash: string; page_count: number }>;
  };
  const language = entry.languages['zh']!;
  const [version, metaPages, chunks, filters, sorts, fields] = load(join(dir, `pagefind.${language.hash}.pf_meta`)) as [
    string,
    Cbor[][],
    Cbor[][],
    Cbor[][],
    Cbor[],
    Cbor,
  ];
  const fragments = metaPages.map(([hash, wordCount]) => [
    wordCount,
    JSON.parse(
      gunzipSync(readFileSync(join(dir, 'fragment', `${hash as string}.pf_fragment`)))
        .subarray(12)
        .toString(),
    ),
  ]);
  const chunkWords = chunks.map(([, , hash]) => {
    const [list] = load(join(dir, 'index', `${hash as string}.pf_index`)) as [Cbor[][]];
    return list;
  });
  // Each chunk's words and their positions, as Pagefind counts them to fill a chunk.
  const chunkSizes = chunkWords.map((list) =>
    list.map(([word, pagesOf]) => [
      word,
      (pagesOf as Cbor[][]).reduce(
        (n, [, locs, metaLocs]) => n + (locs as Cbor[]).length + (metaLocs as Cbor[]).length + 1,
        0,
      ),
    ]),
  );
  const words = chunkWords.flatMap((list) => {
    return list.map(([word, pagesOf, variants]) => [
      word,
      absolute(pagesOf as Cbor[]),
      (variants as Cbor[][])
        .map(([form, of]) => [form, absolute(of as Cbor[]).sort((a, b) => (a as number[])[0]! - (b as number[])[0]!)])
        .sort(),
    ]);
  });
  const filterValues = Object.fromEntries(
    filters.map(([name, hash]) => {
      const [, values] = load(join(dir, 'filter', `${hash as string}.pf_filter`)) as [string, Cbor[][]];
      return [name, Object.fromEntries(values.map(([value, of]) => [value, of]))];
    }),
  );
  return {
    version: [entry.version, version, language.page_count],
    fragments,
    ranges: chunks.map(([from, to]) => [from, to]),
    chunkSizes,
    words,
    filters: filterValues,
    sorts,
    fields,
  };
}

describe('word counts kept for ranking', () => {
  it('are within 3.2 % of the count, with at most 5 significant bits', () => {
    for (let count = 0; count < 200_000; count += 1 + Math.floor(count / 50)) {
      const kept = rankingWordCount(count);
      assert.ok(Math.abs(kept - count) <= count / 32 + 0.5, `${count} → ${kept}`);
      const bits = kept === 0 ? 0 : Math.floor(Math.log2(kept)) + 1;
      assert.equal(kept % 2 ** Math.max(0, bits - 5), 0, `${count} → ${kept}`);
    }
    assert.equal(rankingWordCount(31), 31);
    assert.equal(rankingWordCount(1000), 992);
  });
});

describe('merging Pagefind bundles', () => {
  const root = mkdtempSync(join(tmpdir(), 'merge-'));
  const all = pages(150);
  const cuts = [0, 40, 95, 150];
  const shards = cuts.slice(1).map((end, k) => ({ dir: join(root, `shard-${k}`), records: all.slice(cuts[k], end) }));
  const mergeShards = shards.map((s) => ({ dir: s.dir, sortValues: { date: s.records.map((r) => r.date) } }));
  let single: Record<string, unknown>;

  before(async () => {
    await bundle(join(root, 'single'), all);
    for (const s of shards) await bundle(s.dir, s.records);
    single = read(join(root, 'single'));
  });

  after(async () => {
    await close();
  });

  it('gives the index Pagefind gives for all the pages at once', async () => {
    const result = await mergeBundles({ shards: mergeShards, outDir: join(root, 'merged'), loneWord: Infinity });
    const merged = read(join(root, 'merged'));
    assert.ok((single['ranges'] as unknown[]).length > 2, 'the pages fill several chunks');
    assert.equal(result.pages, 150);
    for (const key of ['version', 'fields', 'sorts', 'filters', 'ranges']) {
      assert.deepEqual(merged[key], single[key], key);
    }
    // The same fragments, with the word counts rounded for ranking (rankingWordCount).
    const fragments = single['fragments'] as Array<[number, unknown]>;
    assert.deepEqual(
      merged['fragments'],
      fragments.map(([count, fragment]) => [rankingWordCount(count), fragment]),
    );
    const [mine, theirs] = [merged['words'] as Cbor[][], single['words'] as Cbor[][]];
    assert.equal(mine.length, theirs.length);
    for (let i = 0; i < theirs.length; i++) assert.deepEqual(mine[i], theirs[i], `word ${String(theirs[i]![0])}`);
    assert.ok(
      theirs.some((w) => (w[2] as unknown[]).length > 0),
      'a word with diacritics is in the index',
    );
  });

  it('gives a common word a chunk of its own, and the same words and pages', async () => {
    const sizes = (single['chunkSizes'] as Array<Array<[string, number]>>).flat().map(([, n]) => n);
    const loneWord = [...sizes].sort((a, b) => b - a)[5]!;
    await mergeBundles({ shards: mergeShards, outDir: join(root, 'lone'), loneWord });
    const merged = read(join(root, 'lone'));
    assert.deepEqual(merged['words'], single['words']);
    const chunks = merged['chunkSizes'] as Array<Array<[string, number]>>;
    const lone = chunks.filter((chunk) => chunk.some(([, n]) => n >= loneWord));
    assert.ok(lone.length >= 6, 'six words or more are that common');
    for (const chunk of lone) assert.equal(chunk.length, 1, `${chunk.map(([w]) => w).join(' ')} share a chunk`);
    // Pagefind's own chunks put some of those words with others: the test means something.
    const theirs = (single['chunkSizes'] as Array<Array<[string, number]>>).filter((chunk) =>
      chunk.some(([, n]) => n >= loneWord),
    );
    assert.ok(theirs.some((chunk) => chunk.length > 1));
    // Each chunk's range names its own words, in order, so a search finds each word's chunk.
    const ranges = merged['ranges'] as Array<[string, string]>;
    chunks.forEach((chunk, i) => {
      const [from, to] = ranges[i]!;
      assert.ok(chunk[0]![0].startsWith(from) || chunk[0]![0] >= from, `chunk ${i} starts at ${from}`);
      assert.ok(chunk.at(-1)![0].startsWith(to) || chunk.at(-1)![0] <= to, `chunk ${i} ends at ${to}`);
    });
  });

  it('merges ranges of words apart, into the same words, whatever the number of threads', async () => {
    await mergeBundles({
      shards: mergeShards,
      outDir: join(root, 'ranges-1'),
      loneWord: Infinity,
      ranges: 3,
      threads: 1,
    });
    await mergeBundles({
      shards: mergeShards,
      outDir: join(root, 'ranges-3'),
      loneWord: Infinity,
      ranges: 3,
      threads: 3,
    });
    // The same merge in one range: this test does not rely on an earlier test's folder.
    await mergeBundles({ shards: mergeShards, outDir: join(root, 'ranges-none'), loneWord: Infinity, ranges: 1 });
    const whole = read(join(root, 'ranges-none'));
    const merged = read(join(root, 'ranges-1'));
    assert.deepEqual(merged['words'], single['words']);
    for (const key of ['version', 'fields', 'sorts', 'filters', 'fragments'])
      assert.deepEqual(merged[key], whole[key], key);
    // Each range starts a chunk: the chunks are cut elsewhere than Pagefind cuts them, about
    // as many of them.
    const ranges = merged['ranges'] as Array<[string, string]>;
    const theirs = single['ranges'] as unknown[];
    assert.notDeepEqual(ranges, theirs);
    assert.ok(Math.abs(ranges.length - theirs.length) <= 2, `${ranges.length} chunks, Pagefind's ${theirs.length}`);
    const chunks = merged['chunkSizes'] as Array<Array<[string, number]>>;
    chunks.forEach((chunk, i) => {
      const [from, to] = ranges[i]!;
      assert.ok(chunk[0]![0].startsWith(from) || chunk[0]![0] >= from, `chunk ${i} starts at ${from}`);
      assert.ok(chunk.at(-1)![0].startsWith(to) || chunk.at(-1)![0] <= to, `chunk ${i} ends at ${to}`);
    });
    // Byte for byte the same files, merged on one thread or on three.
    assert.deepEqual(snapshot(join(root, 'ranges-3')), snapshot(join(root, 'ranges-1')));
  });

  it('cuts ranges that cover every word once, from the shards alone', () => {
    const parts = [
      { dir: 'a', offset: 0, chunks: ['b', 'k', 'r', 'x'].map((from) => ({ from, to: from, hash: from })) },
      { dir: 'b', offset: 4, chunks: ['a', 'f', 'm', 'é'].map((from) => ({ from, to: from, hash: from })) },
    ];
    const ranges = wordRanges(parts, 3);
    assert.equal(ranges.length, 3);
    assert.equal(ranges[0]!.from, null);
    assert.equal(ranges.at(-1)!.to, null);
    for (let i = 1; i < ranges.length; i++) assert.equal(ranges[i]!.from, ranges[i - 1]!.to);
    // Bounds compare as UTF-8 bytes, as Pagefind sorts its words: é after x.
    assert.deepEqual(
      ranges.map((r) => r.from),
      [null, 'm', 'x'],
    );
    assert.deepEqual(
      wordRanges(parts, 6).map((r) => r.from),
      [null, 'k', 'm', 'r', 'x', Buffer.from('é').toString('latin1')],
    );
    assert.deepEqual(wordRanges(parts, 1), [{ from: null, to: null }]);
    // A function of the shards' size: a small archive is one range.
    assert.deepEqual([10, 255, 256, 4095, 4096, 50_000].map(mergeRanges), [1, 1, 4, 4, 8, 8]);
  });

  it('writes the same files again, and removes files that are not the bundle', async () => {
    const out = join(root, 'again');
    await mergeBundles({ shards: mergeShards, outDir: out, keep: ['fold.json'] });
    writeFileSync(join(out, 'index', 'zh_stale.pf_index'), 'stale');
    writeFileSync(join(out, 'fold.json'), '{}');
    writeFileSync(join(out, 'stale.txt'), '');
    const before = snapshot(out);
    await mergeBundles({ shards: mergeShards, outDir: out, keep: ['fold.json'] });
    const after = snapshot(out);
    assert.equal(after['index/zh_stale.pf_index'], undefined);
    assert.equal(after['stale.txt'], undefined);
    assert.equal(after['fold.json'], Buffer.from('{}').toString('base64'), 'a file it was told to keep');
    delete before['index/zh_stale.pf_index'];
    delete before['stale.txt'];
    assert.deepEqual(after, before);
  });

  it('gives each page its own fragment when two shards use the same fragment name', async () => {
    // The same shard twice: every fragment name of the second meets one of the first.
    const out = join(root, 'collide');
    const twice = [mergeShards[0]!, mergeShards[0]!];
    const result = await mergeBundles({ shards: twice, outDir: out });
    const { fragments } = read(out) as { fragments: unknown[] };
    assert.equal(result.pages, 2 * shards[0]!.records.length);
    const own = (read(shards[0]!.dir) as { fragments: Array<[number, unknown]> }).fragments.map(([count, fragment]) => [
      rankingWordCount(count),
      fragment,
    ]);
    assert.deepEqual(fragments, [...own, ...own]);
    const entry = JSON.parse(readFileSync(join(out, 'pagefind-entry.json'), 'utf8')) as {
      languages: { zh: { hash: string } };
    };
    const [, pagesOf] = load(join(out, `pagefind.${entry.languages.zh.hash}.pf_meta`)) as [string, string[][]];
    const names = pagesOf.map(([name]) => name);
    assert.equal(new Set(names).size, names.length, 'no two pages share a fragment file');
    assert.equal(readdirSync(join(out, 'fragment')).length, names.length);
  });

  it('names the fragments with as few digits as the page count needs, each name its own', async () => {
    // Every query downloads the list of names: a digit is half a byte a page.
    assert.deepEqual([10, 150, 10_000, 100_000, 10_000_000].map(fragmentNameLength), [2, 3, 5, 6, 7]);
    for (const n of [2, 150, 4_096, 10_000, 100_000]) assert.ok(16 ** fragmentNameLength(n) >= 16 * n, `${n} pages`);
    const out = join(root, 'named');
    await mergeBundles({ shards: mergeShards, outDir: out });
    const entry = JSON.parse(readFileSync(join(out, 'pagefind-entry.json'), 'utf8')) as {
      languages: { zh: { hash: string } };
    };
    const [, pagesOf] = load(join(out, `pagefind.${entry.languages.zh.hash}.pf_meta`)) as [string, string[][]];
    const digits = pagesOf.map(([name]) => /^zh_([0-9a-f]+)$/.exec(name!)![1]!.length);
    assert.ok(digits.every((d) => d >= 3));
    assert.ok(digits.filter((d) => d === 3).length >= 140, `digits: ${digits.join(' ')}`);
    assert.equal(new Set(pagesOf.map(([name]) => name)).size, 150);
    assert.equal(readdirSync(join(out, 'fragment')).length, 150);
  });

  it('refuses a bundle of another Pagefind version, naming its file', async () => {
    const copy = join(root, 'other-version');
    cpSync(shards[0]!.dir, copy, { recursive: true });
    const file = join(copy, 'pagefind-entry.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"1.6.0"', '"9.9.9"'));
    await assert.rejects(
      mergeBundles({ shards: [{ ...mergeShards[0]!, dir: copy }], outDir: join(root, 'refused') }),
      (error: Error) => error.message.includes(file) && error.message.includes('9.9.9'),
    );
  });
});

function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[path.slice(dir.length + 1)] = readFileSync(path).toString('base64');
  }
  return files;
}
