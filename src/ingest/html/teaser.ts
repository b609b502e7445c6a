/**
 * Feeds that carry only a summary end it with a "…more" link to the full story
 * (RTI: `…<a href>...more</a>`). The link is navigation, not text; the article keeps a
 * warning that its text is a teaser.
 */
import type { Transform } from '../types.ts';
import { isElement, removeWhere, squash, textContent } from './hast.ts';

const MORE =
  /^(?:\.{2,}|…)?\s*(?:more|read more|continue reading|阅读全文|閱讀全文|查看全文|全文|更多)\s*(?:»|>>|→)?$/i;

export const removeTeaserLink: Transform = (tree, ctx) => {
  const removed = removeWhere(tree, (el) => isElement(el, 'a') && MORE.test(squash(textContent(el))));
  if (removed > 0) ctx.findings.warnings.push('teaser: the feed carried a summary, not the full text');
};
