/**
 * Takes the README's screenshots from a real build of content/: the home page and an
 * article page, in headless Chromium. Run: node --import tsx scripts/screenshots.ts
 * Article images are not fetched (no network): their boxes show as blank.
 */
import { startSite } from '../tests/support/browser.ts';

const PREFIX = '/news-archive/';
const { origin, browser, close } = await startSite('content', PREFIX);
const shots: Array<[string, string, number]> = [
  [PREFIX, 'docs/screenshot-home.png', 1280],
  [`${PREFIX}articles/2022/11/15/g20-王毅谈习拜会-有利推动两国关系重回健康正轨/`, 'docs/screenshot-article.png', 1280],
  [`${PREFIX}events/2021-11-virtual-summit/`, 'docs/screenshot-event-mobile.png', 390],
];
for (const [path, file, width] of shots) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await page.route('**/*', (route) => (route.request().url().startsWith(origin) ? route.continue() : route.abort()));
  await page.goto(origin + encodeURI(path));
  await page.screenshot({ path: file, fullPage: false });
  await page.close();
  process.stdout.write(`wrote ${file}\n`);
}
await close();
