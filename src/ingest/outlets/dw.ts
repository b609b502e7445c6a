/**
 * Deutsche Welle Chinese (德国之声中文网), from RSS mirrors: images through images.weserv.nl,
 * a date line at the top of the body, links to an internal API host, a copyright footer and
 * photo galleries.
 */
import type { OutletProfile } from '../types.ts';
import { elements, prop } from '../html/hast.ts';
import { bodyStart, frontMatterStrings, urlMatches } from './shared.ts';

export const dw: OutletProfile = {
  outlet: { id: 'dw', name: 'Deutsche Welle', nameZh: '德国之声' },
  timeZone: 'Europe/Berlin',
  detect(doc) {
    if (urlMatches(doc, /(?:^|\.)dw\.com$/)) return { score: 0.9, reason: 'dw.com URL' };
    if (frontMatterStrings(doc, 'author').some((a) => /^(?:德国之声|DW)/i.test(a)))
      return { score: 0.8, reason: 'front matter author 德国之声' };
    if (/（德国之声中文网）|\(德国之声中文网\)/.test(bodyStart(doc)))
      return { score: 0.7, reason: '（德国之声中文网） byline' };
    if (/static\.dw\.com/.test(doc.html)) return { score: 0.5, reason: 'images hosted on static.dw.com' };
    return null;
  },
  isOutletName: (name) => /^(?:德国之声|DW|Deutsche Welle)/i.test(name),
  clean: [
    (tree) => {
      // Links to DW's internal API point at the article by number; dw.com/a-<n> is its public URL.
      for (const a of elements(tree)) {
        if (a.tagName !== 'a') continue;
        const m = /^https?:\/\/api\.dw\.com\/api\/detail\/article\/(\d+)/i.exec(prop(a, 'href') ?? '');
        if (m) a.properties['href'] = `https://www.dw.com/zh/a-${m[1]}`;
      }
    },
  ],
};
