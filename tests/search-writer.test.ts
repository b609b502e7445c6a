/**
 * The shard writer (src/search/shard-writer.ts) against Pagefind itself: the same records,
 * given to Pagefind as HTML and to the writer as they are, must give the same bundle,
 * decoded with an independent CBOR decoder (cborg): the same pages, fragments, words,
 * positions, weights, variants, metadata positions, chunk boundaries, filters and sorts.
 * Only the index chunks' file names may differ (the merge names its own).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { decode } from 'cborg';
import { createIndex } from 'pagefind';
import { sharedFoldTable } from '../src/search/fold.ts';
import { recordPage } from '../src/search/record.ts';
import { ShardWriter, type ShardPage } from '../src/search/shard-writer.ts';
import { closeProbes, probeForms, WordFormTable } from '../src/search/word-forms.ts';
import { ingestFixture } from './helpers.ts';

type Cbor = number | string | Cbor[];

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The page as the HTML record Pagefind was given before the writer existed. */
function pageHtml(page: ShardPage): string {
  const head =
    Object.entries(page.meta)
      .map(([k, v]) => `<div data-pagefind-meta="${k}">${escapeHtml(v)}</div>`)
      .join('') +
    Object.entries(page.filters)
      .flatMap(([k, values]) => values.map((v) => `<div data-pagefind-filter="${k}">${escapeHtml(v)}</div>`))
      .join('');
  const sort = Object.entries(page.sort)
    .map(([k, v]) => ` data-pagefind-sort="${k}:${escapeHtml(v)}"`)
    .join('');
  const body = page.sections
    .map((s) => {
      const blocks = s.blocks.map((b) => `<p>${escapeHtml(b.join(' '))}</p>`).join('');
      return s.weight === null ? blocks : `<div data-pagefind-weight="${s.weight}">${blocks}</div>`;
    })
    .join('');
  return `<!DOCTYPE html><html lang="zh-CN"><head><title>t</title></head><body>${head}<main data-pagefind-body${sort}>${body}</main></body></html>`;
}

const work = mkdtempSync(join(tmpdir(), 'search-writer-'));
after(() => closeProbes());

async function withPagefind(pages: ShardPage[], dir: string): Promise<void> {
  const { index, errors } = await createIndex({ forceLanguage: 'und' });
  assert.ok(index, errors.join('; '));
  for (const page of pages) {
    const added = await index.addHTMLFile({ url: page.url, content: pageHtml(page) });
    assert.deepEqual(added.errors, []);
  }
  const written = await index.writeFiles({ outputPath: dir });
  assert.deepEqual(written.errors, []);
  await index.deleteIndex();
}

async function withWriter(pages: ShardPage[], dir: string): Promise<void> {
  const forms = new WordFormTable();
  const writer = new ShardWriter(forms);
  for (const page of pages) writer.add(page);
  writer.write(dir, await forms.ask(writer.unknownWords()));
}

function unpack(file: string): Buffer {
  const plain = gunzipSync(readFileSync(file));
  assert.equal(plain.subarray(0, 12).toString(), 'pagefind_dcd', file);
  return plain.subarray(12);
}

/** A bundle decoded, with the names of its index chunks left out. */
function decodeBundle(dir: string): Record<string, unknown> {
  const entry = JSON.parse(readFileSync(join(dir, 'pagefind-entry.json'), 'utf8')) as {
    languages: Record<string, { hash: string }>;
  };
  const language = Object.keys(entry.languages)[0]!;
  const meta = decode(unpack(join(dir, `pagefind.${entry.languages[language]!.hash}.pf_meta`))) as Cbor[];
  const chunks = meta[2] as Cbor[][];
  const words = chunks.map((c) => decode(unpack(join(dir, 'index', `${String(c[2])}.pf_index`))) as Cbor);
  const pages = meta[1] as Cbor[][];
  return {
    entry,
    version: meta[0],
    pages,
    chunks: chunks.map((c) => [c[0], c[1]]),
    filters: meta[3],
    sorts: meta[4],
    fields: meta[5],
    words,
    fragments: pages.map((p) => JSON.parse(unpack(join(dir, 'fragment', `${String(p[0])}.pf_fragment`)).toString())),
    filterFiles: (meta[3] as Cbor[][]).map((f) => decode(unpack(join(dir, 'filter', `${String(f[1])}.pf_filter`)))),
    runtime: readdirSync(dir).filter((f) => /^(pagefind\.js|pagefind-worker\.js|wasm\..*)$/.test(f)),
  };
}

async function compare(name: string, pages: ShardPage[]): Promise<Record<string, unknown>> {
  const reference = join(work, `${name}-pagefind`);
  const ours = join(work, `${name}-writer`);
  await withPagefind(pages, reference);
  await withWriter(pages, ours);
  const expected = decodeBundle(reference);
  const actual = decodeBundle(ours);
  for (const key of Object.keys(expected)) assert.deepEqual(actual[key], expected[key], `${name}: ${key}`);
  for (const file of expected.runtime as string[])
    assert.ok(readFileSync(join(ours, file)).equals(readFileSync(join(reference, file))), file);
  return actual;
}

function fixtures(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? fixtures(join(dir, e.name)) : e.name === 'README.md' ? [] : [join(dir, e.name)],
  );
}

describe('the shard writer', () => {
  it('writes what Pagefind writes for the seeds and the development corpus', async () => {
    const fold = sharedFoldTable();
    const files = [...fixtures('content/articles'), ...fixtures('tests/fixtures/corpus-dev')].sort();
    const pages = files.map((file, i) => {
      const article = ingestFixture(file, file.replace(/^.*?articles\/|^tests\/fixtures\//, ''));
      const record = {
        url: `/a/${i}/`,
        title: article.title,
        file,
        meta: { title: article.title, date: article.published, outlet: article.source.name },
        filters: { outlet: [article.source.name], year: [article.published.slice(0, 4)] },
        sort: { date: String(Date.parse(article.published)) },
      };
      return recordPage(record, article.text, fold);
    });
    assert.ok(pages.length > 130, `${pages.length} articles`);
    const bundle = await compare('corpus', pages);
    // The records hold Traditional text, which is indexed folded at half weight too.
    assert.ok(pages.some((p) => p.sections.length === 3));
    assert.equal((bundle.pages as unknown[]).length, pages.length);
  });

  it('writes what Pagefind writes for words whose forms only Pagefind decides', async () => {
    // Case, digits and punctuation in compounds, diacritics (variants), emoji, katakana,
    // full-width forms, entities, sentence stops, zero-width spaces, other whitespace, a
    // word met in text and metadata, variants met in metadata only, weights and ties.
    const words = [
      "G20 COVID-19 iPhone15Pro McDonald's U.S. www.xinhua.net http://x.com/a?b=1 email@x.org",
      'Café-Crème Beyoncé ÉRIC oÉ İstanbul Straße STRASSE ΑΣ ωΣ ΣΣ 한국어 廊 ﬁne x²y',
      '（2021） ，2021 》（liberation） 10%） —— …… 中美」 don’t “quoted” 1,000 5.2% ＧＤＰ',
      '👍 cloud🌦️cannon 👋👨‍👩‍👧‍👦 カタカナ ﾊﾝｶｸ ひらがな __init__ a‿b x_y *star* $5 #tag',
      'a&b <tag> "quote" zero\u200bwidth \u200b next\u0085line tab\tand\u3000wide',
    ];
    // A block given as its text: the words between its spaces, empty ones and all.
    const asText = (value: string): string[] => value.split(' ');
    const pages: ShardPage[] = [
      {
        url: '/1/',
        sections: [
          { weight: 10, blocks: [asText('Beyoncé 拜登 登访 访华 华')] },
          { weight: null, blocks: words.map(asText) },
          { weight: 0.5, blocks: [asText('拜登 Beyoncé café'), asText('ends with a parenthesis)')] },
        ],
        meta: { title: 'Beyoncé 访华：中美 www.bbc.com', date: '2021年5月31日 18:53', outlet: 'Zürich Café' },
        filters: { outlet: ['Zürich Café'], year: ['2021'], event: ['a  b'] },
        sort: { date: '1622458380000' },
      },
      {
        url: '/2/',
        sections: [
          { weight: 10, blocks: [asText('Éric crème')] },
          { weight: null, blocks: [...words].reverse().map(asText) },
        ],
        meta: { title: 'crème brûlée Ωmega', date: '2020年1月1日', outlet: 'Zürich Café' },
        filters: { outlet: ['Zürich Café'], year: ['2020'] },
        sort: { date: '1577808000000' },
      },
      {
        url: '/3/',
        sections: [
          {
            weight: null,
            blocks: ['', 'café', 'ends with an entity &', 'ends with a quote "', 'ends with a space '].map(asText),
          },
        ],
        meta: { title: 'crème', date: '2020年1月1日', outlet: 'x' },
        filters: { year: ['2020'] },
        sort: { date: '1577808000001' },
      },
    ];
    const bundle = await compare('edge', pages);
    // The comparison sees what it must: variants, metadata positions and compound parts.
    const text = JSON.stringify(bundle.words);
    for (const form of ['"beyoncé"', '"crème"', '"xinhuanet"', '"タカナ"']) assert.ok(text.includes(form), form);
  });

  it('never gives a word the forms of another when Pagefind cuts or drops one', async () => {
    // A vertical tab is whitespace to Pagefind: asked as one word, it would move every
    // later word's forms one place. Only punctuation: a page Pagefind would leave out.
    const probed = await probeForms(['alpha', '\u000b', 'beta', 'Gamma', '——'], ['——', 'delta']);
    const words = (w: string): string[] => (probed.content.get(w) ?? []).map((f) => f.word);
    assert.deepEqual(words('alpha'), ['alpha']);
    assert.deepEqual(words('\u000b'), []);
    assert.deepEqual(words('beta'), ['beta']);
    assert.deepEqual(words('Gamma'), ['gamma']);
    assert.deepEqual(words('——'), []);
    assert.deepEqual(
      (probed.meta.get('delta') ?? []).map((f) => f.word),
      ['delta'],
    );
    const alone = await probeForms(['——'], ['delta']);
    assert.deepEqual(alone.content.get('——'), []);
    assert.deepEqual(
      (alone.meta.get('delta') ?? []).map((f) => f.word),
      ['delta'],
    );
  });

  it('fails the comparison when one position differs', async () => {
    const page: ShardPage = {
      url: '/x/',
      sections: [{ weight: null, blocks: [['拜登', '登访', '访华', '华']] }],
      meta: { title: 't' },
      filters: {},
      sort: {},
    };
    const reference = join(work, 'one-pagefind');
    const ours = join(work, 'one-writer');
    await withPagefind([page], reference);
    await withWriter([{ ...page, sections: [{ weight: null, blocks: [['拜登', '访华', '登访', '华']] }] }], ours);
    assert.notDeepEqual(decodeBundle(ours).words, decodeBundle(reference).words);
  });
});
