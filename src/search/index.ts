/**
 * The search index: Pagefind, written to `/pagefind/` in the site.
 *
 * Records are built from the normalized articles, not from the rendered pages, so that only
 * the headline and the article text are indexed (never navigation, listings or footers) and
 * no HTML is parsed twice. Each record is a minimal HTML document so that Pagefind weighs
 * the headline above the text; outlet, year and event are filters, the date a sort key.
 */
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { createIndex, close } from 'pagefind';
import type { ArticleView, SiteData } from '../site/data.ts';
import { foldToSimplified, sharedFoldTable } from './fold.ts';

export interface SearchIndexOptions {
  siteDir: string;
  site: SiteData;
  /** Reads an article's plain text. */
  readText: (id: string) => string;
}

export interface SearchIndexResult {
  pages: number;
  ms: number;
}

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Pagefind's attribute syntax is `key:value, key:value`: keep commas and colons out of values. */
function attr(value: string): string {
  return escapeHtml(value.replace(/[,:]/g, ' ').trim());
}

function recordHtml(article: ArticleView, text: string, eventTitle: string | null): string {
  const folded = article.lang === 'zh-Hant' ? foldToSimplified(`${article.title}\n${text}`) : '';
  // One element per filter and meta value: Pagefind reads one `key:value` per attribute.
  const filters = [`outlet:${attr(article.source.nameZh)}`, `year:${article.local.year}`];
  if (eventTitle) filters.push(`event:${attr(eventTitle)}`);
  const meta = [`date:${attr(article.local.display)}`, `outlet:${attr(article.source.nameZh)}`];
  const tags =
    filters.map((f) => `<span data-pagefind-filter="${f}"></span>`).join('') +
    meta.map((m) => `<span data-pagefind-meta="${m}"></span>`).join('');
  const paragraphs = text
    .split('\n\n')
    .map((p) => `<p>${escapeHtml(p)}</p>`)
    .join('');
  return (
    `<!DOCTYPE html><html lang="zh-CN"><head><title>${escapeHtml(article.title)}</title></head>` +
    `<body data-pagefind-body data-pagefind-sort="date:${attr(article.published.replace(/:/g, ''))}">${tags}` +
    // The headline weighs the most there is: a reader who searches a name in a headline
    // wants that article first.
    `<h1 data-pagefind-meta="title" data-pagefind-weight="10">${escapeHtml(article.title)}</h1>${paragraphs}` +
    (folded ? `<div data-pagefind-weight="0.5">${escapeHtml(folded)}</div>` : '') +
    `</body></html>`
  );
}

export async function buildSearchIndex(options: SearchIndexOptions): Promise<SearchIndexResult> {
  const started = performance.now();
  const { index, errors } = await createIndex({ forceLanguage: 'zh' });
  if (!index) throw new Error(`Pagefind could not start: ${errors.join('; ')}`);
  const events = new Map(options.site.events.map((e) => [e.id, e.titleZh]));
  try {
    for (const article of options.site.articles) {
      const response = await index.addHTMLFile({
        // Site-relative: the search page's Pagefind adds the path prefix it is served under.
        url: article.path,
        content: recordHtml(
          article,
          options.readText(article.id),
          article.event ? (events.get(article.event) ?? null) : null,
        ),
      });
      if (response.errors.length > 0) throw new Error(`indexing ${article.id}: ${response.errors.join('; ')}`);
    }
    const written = await index.writeFiles({ outputPath: join(options.siteDir, 'pagefind') });
    if (written.errors.length > 0) throw new Error(`writing the search index: ${written.errors.join('; ')}`);
    await writeFile(join(options.siteDir, 'pagefind', 'fold.json'), JSON.stringify(sharedFoldTable()));
  } finally {
    await close();
  }
  return { pages: options.site.articles.length, ms: performance.now() - started };
}
