/**
 * ZAKER (扎客), mirrored through a Hexo blog: `author: ZAKER` is the outlet, images go through
 * a CORS proxy with the real URL in `data-original`, and the text is re-spaced the way the
 * app displays it (`3 月 18 日`), which we undo.
 */
import type { OutletProfile } from '../types.ts';
import { frontMatterStrings, urlMatches } from './shared.ts';

export const zaker: OutletProfile = {
  outlet: { id: 'zaker', name: 'ZAKER', nameZh: 'ZAKER 扎客' },
  timeZone: 'Asia/Shanghai',
  detect(doc) {
    if (urlMatches(doc, /(?:^|\.)myzaker\.com$/)) return { score: 0.9, reason: 'myzaker.com URL' };
    if (frontMatterStrings(doc, 'author').some((a) => /^zaker$/i.test(a)))
      return { score: 0.8, reason: 'front matter author ZAKER' };
    if (/zkres\d*\.myzaker\.com/.test(doc.html)) return { score: 0.6, reason: 'images hosted on myzaker.com' };
    return null;
  },
  isOutletName: (name) => /^zaker$/i.test(name),
  fixText: (value) =>
    value
      // The app puts a space between CJK and Latin or digits; the copy it carries has none.
      .replace(/([\u3400-\u9fff\u3000-\u303f\uff00-\uffef“”‘’]) (?=[0-9A-Za-z%])/g, '$1')
      .replace(/([0-9A-Za-z%]) (?=[\u3400-\u9fff\u3000-\u303f\uff00-\uffef“”‘’])/g, '$1')
      .replace(/ ?(……|——) ?/g, '$1'),
};
