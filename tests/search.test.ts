/**
 * Search in headless Chromium against a site built under a path prefix: people, places,
 * two-word phrases, Traditional queries on Simplified text, a word found nowhere, filters,
 * following a result, accessibility, and nothing loaded from outside the site.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Article } from '../src/schema/article.ts';
import { foldToSimplified } from '../src/search/fold.ts';
import { axeViolations, startSite } from './support/browser.ts';

const PREFIX = '/news-archive/';

let browser: Browser;
let origin: string;
let articles: Article[];
const outside: string[] = [];

/** The articles whose headline or text holds the query, as a reader would count them. */
function expected(query: string): string[] {
  const q = foldToSimplified(query);
  return articles.filter((a) => foldToSimplified(`${a.title}\n${a.text}`).includes(q)).map((a) => a.title);
}

async function searchPage(
  query: string,
): Promise<{ page: Page; titles: string[]; status: string; errors: string[]; requests: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route('**/*', (route) => {
    if (route.request().url().startsWith(origin)) {
      requests.push(route.request().url().slice(origin.length));
      return route.continue();
    }
    // An article opened from the results may show its original images; nothing else leaves.
    if (route.request().resourceType() !== 'image') outside.push(route.request().url());
    return route.abort();
  });
  await page.goto(`${origin}${PREFIX}search/?q=${encodeURIComponent(query)}`);
  await page.waitForFunction(() => {
    const el = (
      globalThis as unknown as { document: { getElementById(id: string): { textContent: string } | null } }
    ).document.getElementById('search-status');
    return !!el && el.textContent !== '';
  });
  await page.waitForTimeout(200);
  const titles = await page.locator('#search-results h2 a').allTextContents();
  const status = (await page.textContent('#search-status')) ?? '';
  return { page, titles, status, errors, requests };
}

/** The blocks of the fold table a page fetched (src/search/fold.ts). */
function foldRequests(requests: string[]): string[] {
  return requests.flatMap((url) => /\/pagefind\/fold\/([0-9a-f]+)\.json$/.exec(url)?.[1] ?? []).sort();
}

/**
 * The same checks on one index and on an index built in shards, as a large archive has it
 * (the newest month, the rest of its year, the earlier years) and merged into one: the
 * merged index must find and rank as Pagefind's own single index does.
 */
function suite(label: string, shardMin: number | undefined): void {
  const sharded = shardMin !== undefined;
  describe(`search (${label})`, () => {
    let close: (() => Promise<void>) | undefined;
    let siteRoot = '';
    before(async () => {
      let root: string;
      ({ root, origin, browser, close } = await startSite('content', PREFIX, { searchShardMin: shardMin }));
      const archive = join(root, 'archive');
      siteRoot = root;
      articles = readdirSync(join(archive, 'articles')).map(
        (f) => JSON.parse(readFileSync(join(archive, 'articles', f), 'utf8')) as Article,
      );
    });

    after(async () => {
      await close?.();
    });

    // Query, then the title that must come first (or null), then one that must come last.
    const cases: Array<[string, string | null, string | null]> = [
      ['拜登', null, '中美外长通话：谈乌克兰战争与双边关系'], // a person; DW names him once, in a heading
      ['华盛顿', '中美元首视频会晤现场细节意味深长', null], // a place, twice in that article
      ['视频会晤', '中美元首视频会晤现场细节意味深长', null], // two words, in that headline
    ];
    for (const [query, first, last] of cases) {
      it(`finds every article that mentions ${query}, in order of relevance`, async () => {
        const { page, titles, errors } = await searchPage(query);
        const want = expected(query);
        assert.ok(want.length > 0, `the seeds mention ${query}`);
        assert.deepEqual([...titles].sort(), [...want].sort());
        if (first) assert.equal(titles[0], first);
        if (last) assert.equal(titles[titles.length - 1], last);
        // The excerpts read as the text (the index's pairs put back together), and highlight
        // the match, all of it and nothing else.
        const marks = await page.locator('#search-results mark').allTextContents();
        assert.ok(marks.length > 0, 'excerpts highlight the match');
        assert.deepEqual([...new Set(marks)], [query]);
        const excerpts = await page.locator('#search-results .excerpt').allTextContents();
        assert.ok(
          excerpts.every((e) => e.includes(query) && !/\p{Script=Han}\s+\p{Script=Han}/u.test(e)),
          excerpts.join('\n'),
        );
        // Each result names its outlet and its date as the site writes them, the time with
        // its colon (the index once had them as "18 53").
        const metas = await page.locator('#search-results .meta').allTextContents();
        assert.equal(metas.length, titles.length);
        for (const meta of metas) assert.match(meta, /^.+ · \d{4}年\d{1,2}月\d{1,2}日( \d{2}:\d{2})?$/, meta);
        assert.ok(
          metas.some((m) => / \d{2}:\d{2}$/.test(m)),
          metas.join('\n'),
        );
        assert.deepEqual(errors, []);
        await page.close();
      });
    }

    it('finds only the articles with both words of a two-word query (华盛顿 拜登)', async () => {
      const { page, titles } = await searchPage('华盛顿 拜登');
      const want = expected('华盛顿').filter((title) => expected('拜登').includes(title));
      assert.ok(want.length > 0 && want.length < expected('拜登').length);
      assert.deepEqual([...titles].sort(), [...want].sort());
      await page.close();
    });

    it('finds Simplified text with a Traditional query (臺灣 → 台湾)', async () => {
      const { page, titles, requests } = await searchPage('臺灣');
      const want = expected('台湾');
      assert.ok(want.length > 0);
      assert.deepEqual([...titles].sort(), [...want].sort());
      // Only the fold table's blocks of the query's characters: 臺 is U+81FA, 灣 U+7063.
      assert.deepEqual(foldRequests(requests), ['70', '81']);
      await page.close();
    });

    it('folds a Traditional query typed on the page, fetching its blocks then', async () => {
      const { page, requests } = await searchPage('华盛顿');
      assert.ok(!foldRequests(requests).includes('81'));
      await page.fill('#q', '臺灣');
      await page.press('#q', 'Enter');
      await page.waitForFunction(() => {
        const el = (
          globalThis as unknown as { document: { getElementById(id: string): { textContent: string } | null } }
        ).document.getElementById('search-status');
        return !!el && el.textContent.includes('臺灣');
      });
      const titles = await page.locator('#search-results h2 a').allTextContents();
      assert.deepEqual([...titles].sort(), [...expected('台湾')].sort());
      assert.ok(foldRequests(requests).includes('81'));
      await page.close();
    });

    it('lists only articles that hold a name, not those that hold its characters apart', async () => {
      // Runs no dictionary keeps whole: a name none of the seeds holds, a cut through a word
      // (习拜 of 习拜会), a name cut apart by segmenters (太平洋). Indexed as segmented words,
      // Pagefind listed articles holding words that start with each character (2, 5 and 2).
      for (const query of ['芬太尼', '习拜', '太平洋']) {
        const { page, titles, status } = await searchPage(query);
        assert.deepEqual([...titles].sort(), [...expected(query)].sort(), query);
        if (expected(query).length === 0) assert.match(status, /没有找到/);
        await page.close();
      }
    });

    it('says honestly when nothing matches', async () => {
      const { page, titles, status } = await searchPage('火星殖民地');
      assert.deepEqual(titles, []);
      assert.match(status, /没有找到与“火星殖民地”相关的文章/);
      await page.close();
    });

    it('orders the results by date, newest or oldest first, and keeps the order in the URL', async () => {
      const { page, titles } = await searchPage('拜登');
      const published = new Map<string, number>();
      for (const a of articles) {
        if (!titles.includes(a.title)) continue;
        assert.ok(!published.has(a.title), `one article per title among the results: ${a.title}`);
        published.set(a.title, Date.parse(a.published));
      }
      assert.ok(titles.length > 2 && titles.length <= 10, 'every result on the first page');
      for (const [order, direction] of [
        ['newest', -1],
        ['oldest', 1],
      ] as const) {
        const want = [...titles].sort((a, b) => direction * (published.get(a)! - published.get(b)!));
        await page.selectOption('#search-sort', order);
        await page.waitForFunction((first) => {
          const doc = (
            globalThis as unknown as {
              document: { querySelector(s: string): { textContent: string } | null };
            }
          ).document;
          return (
            doc.querySelector('#search-results h2 a')?.textContent === first &&
            (doc.querySelector('#search-status')?.textContent ?? '') !== ''
          );
        }, want[0]!);
        const shown = await page.locator('#search-results h2 a').allTextContents();
        assert.deepEqual([...shown].sort(), [...titles].sort(), 'the same results');
        const dates = shown.map((t) => published.get(t)!);
        for (let i = 1; i < dates.length; i++) {
          assert.ok(direction * (dates[i]! - dates[i - 1]!) >= 0, `${order}: ${shown.join(' / ')}`);
        }
        assert.match(decodeURIComponent(page.url()), new RegExp(`\\?q=拜登&sort=${order}$`));
      }
      await page.close();
    });

    it('narrows the results when a filter is clicked, keeps them in the URL, and opens a result', async () => {
      const { page, titles } = await searchPage('拜登');
      assert.ok(titles.length > 1);
      await page.getByLabel(/^联合早报（\d+）$/).check();
      // The list is emptied when the new search starts and the status is written when its
      // results are shown: waiting for fewer items alone raced the empty list.
      await page.waitForFunction((n) => {
        const doc = (
          globalThis as unknown as {
            document: {
              querySelectorAll(s: string): { length: number };
              getElementById(id: string): { textContent: string } | null;
            };
          }
        ).document;
        const items = doc.querySelectorAll('#search-results li').length;
        return items > 0 && items < n && (doc.getElementById('search-status')?.textContent ?? '') !== '';
      }, titles.length);
      const narrowed = await page.locator('#search-results h2 a').allTextContents();
      assert.deepEqual(narrowed, ['【G20】王毅谈习拜会：有利推动两国关系重回健康正轨']);
      assert.match(decodeURIComponent(page.url()), /\?q=拜登&outlet=联合早报$/);
      await page.click('#search-results h2 a');
      await page.waitForURL(/\/articles\/2022\/11\/15\//);
      assert.equal(await page.textContent('article h1'), '【G20】王毅谈习拜会：有利推动两国关系重回健康正轨');
      await page.close();
    });

    it('passes axe-core with results shown, light and dark', async () => {
      for (const dark of [false, true]) {
        const { page } = await searchPage('拜登');
        await page.emulateMedia({ colorScheme: dark ? 'dark' : 'light' });
        assert.deepEqual(await axeViolations(page), []);
        await page.close();
      }
    });

    if (sharded) {
      it('serves one index, merged from the shards kept beside the archive', () => {
        const shards = readdirSync(join(siteRoot, 'archive', 'search-shards'));
        assert.ok(shards.length > 2, `${shards.length} shards`);
        const served = readdirSync(join(siteRoot, 'site', 'pagefind'));
        assert.deepEqual(
          served.filter((f) => shards.includes(f)),
          [],
        );
        assert.ok(served.includes('pagefind-entry.json'));
      });
    }

    it('loads nothing from outside the site but article images', () => {
      assert.deepEqual(outside, []);
    });
  });
}

suite('one index', undefined);
suite('index in shards', 1);
