/**
 * How well the built search answers: for each query, the articles of the archive whose
 * headline or text holds it (folded to Simplified, as the index is), the results the
 * site's search lists in Chromium (as its search page asks, src/search/tokens.js `find`,
 * before the page's own check of short lists), and how many of those really hold it.
 *
 *   node --import tsx scripts/search-recall.ts <site> <archive> <query…>
 *
 * Each result's fragment is loaded to check it, so this is for a local server, not for
 * a reader's download; it prints one line per query: held, listed, listed and holding it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { foldToSimplified } from '../src/search/fold.ts';
import type { Pagefind } from '../src/search/tokens.js';
import { CHROME_ARGS, chromePath, serveSite } from '../tests/support/browser.ts';

const [siteDir, archiveDir, ...queries] = process.argv.slice(2);
if (!siteDir || !archiveDir || queries.length === 0) {
  process.stderr.write('usage: search-recall.ts <site> <archive> <query…>\n');
  process.exit(2);
}
const texts = readdirSync(join(archiveDir, 'articles')).map((file) => {
  const a = JSON.parse(readFileSync(join(archiveDir, 'articles', file), 'utf8')) as { title: string; text: string };
  return foldToSimplified(`${a.title}\n${a.text}`);
});
const { origin, server } = await serveSite(siteDir, '/');
const browser = await chromium.launch({ executablePath: chromePath(), args: CHROME_ARGS });
try {
  const page = await browser.newPage();
  await page.goto(`${origin}/search/`);
  // The page has started Pagefind in the index's language (public/search.js).
  await page.waitForSelector('#search-ui:not(.is-hidden)');
  for (const query of queries) {
    const folded = foldToSimplified(query);
    const held = texts.filter((t) => t.includes(folded)).length;
    const { listed, holding } = await page.evaluate(
      async ([q, base]) => {
        type Data = { content: string; meta: { title?: string } };
        const pagefind = (await import(`${base}/pagefind/pagefind.js`)) as Pagefind;
        const tokens = (await import(`${base}/search-tokens.js`)) as typeof import('../src/search/tokens.js');
        const { results } = await tokens.find(pagefind, q);
        const data = (await Promise.all(results.map((r) => r.data()))) as Data[];
        const hold = data.filter((d) => `${d.meta.title ?? ''}\n${tokens.contentText(d.content)}`.includes(q));
        return { listed: results.length, holding: hold.length };
      },
      [folded, origin] as const,
    );
    process.stdout.write(`${query}: held by ${held}, listed ${listed}, of which ${holding} hold it\n`);
  }
} finally {
  await browser.close();
  server.close();
}
