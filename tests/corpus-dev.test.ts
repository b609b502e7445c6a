/**
 * The development corpus (tests/fixtures/corpus-dev/, a copy of ../shared/corpus-dev): 134
 * real mirrored articles of the same families as the seeds and a dozen more outlets. Every
 * file must become a plausible article or an honest error, and no body may keep the
 * boilerplate those families carry (ad slots, feed footers, copyright lines, proxies, code).
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runIngest, type RunResult } from '../src/ingest/run.ts';

const CORPUS = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'corpus-dev');
/** The subfolders whose outlet is known; detection must still come from the content. */
const KNOWN_OUTLETS = new Set(['dw', 'zaobao', 'zaker']);
const BOILERPLATE: Array<[string, RegExp]> = [
  ['ad slot', /dfp-ad|innity|bbccom|Advertisement/i],
  ['RSS footer', /获取更多RSS|feedx/i],
  ['copyright notice', /©|版权所有|版权声明|Copyright/i],
  ['proxy URL', /cors\.zfour\.workers\.dev|images\.weserv\.nl/i],
  ['script', /<script/i],
  ['inline style', /style=/i],
  ['event handler', /onclick/i],
];

let work: string;
let result: RunResult;
const raw = new Map<string, string>();

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corpus-dev-'));
  for (const entry of await readdir(CORPUS, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue; // the README describes the corpus; it is no article
    await cp(join(CORPUS, entry.name), join(work, 'content', 'articles', entry.name), { recursive: true });
    for (const file of await readdir(join(CORPUS, entry.name))) {
      raw.set(`articles/${entry.name}/${file}`, await readFile(join(CORPUS, entry.name, file), 'utf8'));
    }
  }
  result = await runIngest({ contentDir: join(work, 'content'), outDir: join(work, 'out') });
});

after(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('development corpus', () => {
  test('every input is an article or an error, and the figures are printed', () => {
    const { report, articles } = result;
    const byKind = new Map<string, number>();
    for (const w of report.warnings) {
      const kind = w.message.replace(/[:"(（].*$/s, '').trim();
      byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
    }
    const bySource = new Map<string, number>();
    for (const a of articles) bySource.set(a.source.id, (bySource.get(a.source.id) ?? 0) + 1);
    console.log(
      JSON.stringify(
        {
          inputs: report.inputs,
          articles: report.articles,
          errors: report.errors.map((e) => `${e.path}: ${e.message}`),
          warnings: Object.fromEntries([...byKind].sort((a, b) => b[1] - a[1])),
          withLeadImage: articles.filter((a) => a.leadImage !== null).length,
          withAuthor: articles.filter((a) => a.author !== null).length,
          withCredits: articles.filter((a) => a.credits.length > 0).length,
          withUrl: articles.filter((a) => a.url !== null).length,
          traditional: articles.filter((a) => a.lang === 'zh-Hant').length,
          bySource: Object.fromEntries([...bySource].sort()),
        },
        null,
        2,
      ),
    );
    assert.equal(report.inputs, raw.size);
    assert.equal(report.inputs, report.articles + report.errors.length);
    assert.equal(articles.length, report.articles);
    for (const e of report.errors) assert.ok(e.message.length > 10, `${e.path}: an error says why`);
  });

  test('every article is plausible', () => {
    for (const a of result.articles) {
      const where = a.input.path;
      const file = raw.get(where);
      assert.ok(file !== undefined, `${where}: comes from the corpus`);
      assert.ok(a.title.trim() !== '', `${where}: title`);
      assert.doesNotMatch(a.title, /<|&lt;/, `${where}: title without markup`);
      assert.ok(!Number.isNaN(Date.parse(a.published)), `${where}: published parses`);
      const folder = where.split('/')[1]!;
      if (KNOWN_OUTLETS.has(folder)) assert.equal(a.source.id, folder, `${where}: outlet`);
      if (/^from:\s*\S/m.test(file) || /^\s*\[[^\]\n]+\]\(https?:\/\/[^)\s]+\)\s*$/m.test(file)) {
        assert.notEqual(a.url, null, `${where}: canonical URL`);
      }
      if (a.text.trim() === '') {
        assert.ok(
          a.warnings.some((w) => /video|no text/i.test(w)),
          `${where}: empty text only for a video item, with a warning`,
        );
      }
      for (const [what, re] of BOILERPLATE) {
        assert.doesNotMatch(a.text, re, `${where}: ${what} in text`);
        assert.doesNotMatch(a.html, re, `${where}: ${what} in html`);
      }
    }
  });
});
