/**
 * A reader in headless Chromium: the journey through the site, accessibility (axe-core) on
 * every page type in both color schemes at two widths, no console errors, and nothing
 * loaded from outside the site but the original images of articles.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, startSite } from './support/browser.ts';

const PREFIX = '/news-archive/';
const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

let browser: Browser;
let origin: string;
let close: () => Promise<void>;
const outside: string[] = [];
const externalImages: string[] = [];

async function open(
  path: string,
  options: { width?: number; dark?: boolean } = {},
): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: options.width ?? 1280, height: 900 } });
  await page.emulateMedia({ colorScheme: options.dark ? 'dark' : 'light' });
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin)) return route.continue();
    // Never reach the network; an article's original image is the only outside request
    // allowed, and it is answered here with a blank pixel.
    if (route.request().resourceType() === 'image') {
      externalImages.push(url);
      return route.fulfill({ status: 200, contentType: 'image/png', body: PIXEL });
    }
    outside.push(url);
    return route.abort();
  });
  await page.goto(origin + path);
  return { page, errors };
}

before(async () => {
  ({ origin, browser, close } = await startSite('content', PREFIX));
});

after(async () => {
  await close?.();
});

describe('a reader in the browser', () => {
  it('goes from the home page to an event, an article, its outlet, the month archive and back', async () => {
    const { page, errors } = await open(PREFIX);
    assert.match((await page.textContent('h1')) ?? '', /中美元首会晤新闻档案/);
    await page.click('a[href$="/events/2021-11-virtual-summit/"]');
    assert.equal(await page.textContent('h1'), '中美元首视频会晤');
    const columns = await page.locator('.column h3').allTextContents();
    assert.ok(columns.length >= 1, 'the event shows its coverage by outlet');
    await page.click('.column a[href*="/articles/"]');
    assert.ok(page.url().includes('/articles/2021/11/'));
    assert.ok(((await page.textContent('article h1')) ?? '').length > 5);
    assert.ok((await page.locator('article .body p').count()) > 5, 'the body is shown');
    await page.click('.kicker a[href*="/sources/"]');
    assert.match(page.url(), /\/sources\/[a-z]+\/$/);
    assert.ok((await page.locator('.article-list li').count()) >= 1);
    await page.goBack();
    await page.click('.meta a[href*="/archive/"]');
    assert.match(page.url(), /\/archive\/2021\/11\/#d1[67]$/);
    assert.equal(await page.textContent('h1 >> nth=0').then((t) => t?.startsWith('2021年11月')), true);
    assert.ok((await page.locator('table.calendar a').count()) >= 1, 'the calendar links the days with articles');
    await page.goBack();
    assert.ok(page.url().includes('/articles/2021/11/'));
    assert.deepEqual(errors, []);
    await page.close();
  });

  const pageTypes = [
    PREFIX,
    `${PREFIX}events/`,
    `${PREFIX}events/2022-11-bali-summit/`,
    `${PREFIX}articles/2022/11/15/g20-王毅谈习拜会-有利推动两国关系重回健康正轨/`,
    `${PREFIX}articles/2021/11/16/习近平同美国总统拜登举行视频会晤/`,
    `${PREFIX}sources/`,
    `${PREFIX}sources/dw/`,
    `${PREFIX}archive/`,
    `${PREFIX}archive/2022/`,
    `${PREFIX}archive/2022/11/`,
    `${PREFIX}tags/`,
    `${PREFIX}data/`,
    `${PREFIX}no-such-page/`,
  ];
  for (const dark of [false, true]) {
    for (const width of [360, 1280]) {
      it(`has no axe-core violation on any page type (${dark ? 'dark' : 'light'}, ${width} px)`, async () => {
        const problems: string[] = [];
        for (const path of pageTypes) {
          const { page, errors } = await open(encodeURI(path), { width, dark });
          for (const v of await axeViolations(page)) problems.push(`${path}: ${v}`);
          const overflow = await page.evaluate(() => {
            const root = (
              globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
            ).document.documentElement;
            return root.scrollWidth - root.clientWidth;
          });
          if (overflow > 0) problems.push(`${path}: scrolls sideways by ${overflow}px`);
          // The 404 page is served with status 404, which Chromium logs; nothing else may log.
          const expected = path.includes('no-such-page') ? /status of 404/ : /^$/;
          problems.push(...errors.filter((e) => !expected.test(e)).map((e) => `${path}: console error: ${e}`));
          await page.close();
        }
        assert.deepEqual(problems, []);
      });
    }
  }

  it('loads nothing from outside the site but article images', () => {
    assert.deepEqual(outside, []);
    assert.ok(
      externalImages.every((u) => /\.(?:jpe?g|png|gif|webp)(?:\?|$)/i.test(u)),
      externalImages.join(' '),
    );
  });
});
