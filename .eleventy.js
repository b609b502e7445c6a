// Eleventy configuration: input is templates/ only; articles arrive as data (global data
// `archive`, computed by src/site/data.ts from the ingest output), never as templates.
// Loaded by `news-archive build|serve`.
import { fileURLToPath } from 'node:url';
import { rssPlugin } from '@11ty/eleventy-plugin-rss';
import nunjucks from 'nunjucks';

export default async function (eleventyConfig) {
  const archiveDir = process.env.NEWS_ARCHIVE_DATA ?? '.archive';
  const contentDir = process.env.NEWS_ARCHIVE_CONTENT ?? 'content';
  // From the bundle the command line runs from, when it does (the build and the templates'
  // data must share the same modules: src/compiled.ts), else from the sources through tsx.
  const { loadContentConfig, loadSiteData, scopeSiteData, renderScope, siteFilters, ImageRenderer, readArticleImages } =
    await import(process.env.NEWS_ARCHIVE_SITE_MODULES ?? './src/site/eleventy-modules.ts');

  eleventyConfig.addPlugin(rssPlugin);
  // Eleventy 3.1 compiles a Nunjucks template anew for every page it renders (its njk engine is
  // not cacheable and Nunjucks caches only the files it loads itself): at 1k articles half the
  // render went to compiling article.njk a thousand times. This alias compiles each template
  // once, through Eleventy's own Nunjucks environment, and lets Eleventy cache the result.
  let nunjucksEnv;
  eleventyConfig.on('eleventy.engine.njk', ({ environment }) => (nunjucksEnv = environment));
  eleventyConfig.addExtension('njk', {
    key: 'njk',
    compileOptions: { cache: true, permalink: true },
    compile(source, inputPath) {
      const template = new nunjucks.Template(source, nunjucksEnv, inputPath, true);
      return (data) =>
        new Promise((resolve, reject) =>
          template.render(data, (error, html) => (error ? reject(error) : resolve(html))),
        );
    },
  });
  // Autoescape is the Nunjucks default; said here because the safety of every page rests on it.
  eleventyConfig.setNunjucksEnvironmentOptions({
    autoescape: true,
    throwOnUndefined: false,
    trimBlocks: true,
    lstripBlocks: true,
  });

  // Recomputed on every build, so that `serve` shows re-ingested content.
  eleventyConfig.addGlobalData('site', async () => {
    const config = await loadContentConfig(contentDir);
    const url = process.env.NEWS_ARCHIVE_SITE_URL || config.site.url;
    return { ...config.site, url, origin: url ? new URL(url).origin : 'https://example.invalid' };
  });
  // An incremental build (src/site/build.ts) narrows what the templates paginate over.
  eleventyConfig.addGlobalData('archive', async () =>
    scopeSiteData(loadSiteData(archiveDir, await loadContentConfig(contentDir)), renderScope()),
  );
  // Listings and the sitemap come from the data; Eleventy's collections would only hold what one build renders.
  eleventyConfig.addGlobalData('eleventyExcludeFromCollections', true);
  // Article images: archived copies become responsive <picture>s, the others keep their URL (src/site/images.ts).
  const images = new ImageRenderer({
    mediaDir: `${contentDir}/media`,
    outputDir: eleventyConfig.directories.output,
    cacheDir: process.env.NEWS_ARCHIVE_IMAGE_CACHE ?? fileURLToPath(new URL('.cache/images/', import.meta.url)),
  });
  eleventyConfig.addFilter('articleHtml', async (id) => images.renderArticle(readArticleImages(archiveDir, id)));
  eleventyConfig.addFilter('archivedImage', async (src) => images.archivedPath(src));
  // The image manifest is read again before each build (`serve` sees newly archived images).
  eleventyConfig.on('eleventy.before', () => images.refresh());
  for (const [name, filter] of Object.entries(siteFilters)) eleventyConfig.addFilter(name, filter);
  // A site path under the path prefix, for absolute URLs and non-HTML outputs (the HTML base
  // plugin prefixes the links of HTML pages itself). Eleventy's `url` filter does the same
  // but runs every value through the URL parser first: 8 s of a render at 10k articles.
  const pathPrefix = process.env.NEWS_ARCHIVE_PATH_PREFIX ?? '/';
  eleventyConfig.addFilter('sitePath', (path) => pathPrefix + String(path).replace(/^\/+/, ''));

  eleventyConfig.addPassthroughCopy({ public: '/' });
  // The search page cuts the query into the index's words with the indexer's own code.
  eleventyConfig.addPassthroughCopy({ 'src/search/tokens.js': '/search-tokens.js' });
  // `serve` re-ingests into the archive folder when content changes; that triggers a rebuild.
  // The archive folder is git-ignored, and Eleventy's watcher skips git-ignored paths by default.
  eleventyConfig.setUseGitIgnore(false);
  eleventyConfig.addWatchTarget(archiveDir);
  eleventyConfig.setQuietMode(true);

  return {
    // Input and output come from the caller (src/site/build.ts): templates/ and --out.
    dir: { includes: '_includes', layouts: '_layouts' },
    templateFormats: ['njk'],
    htmlTemplateEngine: 'njk',
    markdownTemplateEngine: false,
    dataTemplateEngine: false,
  };
}
