/** What .eleventy.js uses of the build's code, in one module (see siteModulesUrl in src/compiled.ts). */
export { loadContentConfig } from '../content/load.ts';
export { loadSiteData, scopeSiteData, renderScope } from './data.ts';
export { siteFilters } from './filters.ts';
export { ImageRenderer, readArticleImages } from './images.ts';
