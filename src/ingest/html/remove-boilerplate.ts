/**
 * Removes what is not the article: code, styling, forms, embeds that cannot be archived, ad
 * slots, paywall placeholders, share bars and screen-reader-only labels.
 *
 * The patterns cover families of markup seen across the mirrored outlets (DFP and Innity ad
 * slots, BBC `bbccom_slot`, Cxense paywall placeholders …), not single files.
 */
import type { Transform } from '../types.ts';
import { classes, prop, removeWhere, type Element } from './hast.ts';

/** Elements whose content is never article text, `<style>` and `<noscript>` included. */
const DROP_TAGS = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'link',
  'meta',
  'base',
  'head',
  'title',
  'form',
  'input',
  'button',
  'select',
  'textarea',
  'object',
  'embed',
  'applet',
  'svg',
  'math',
  'canvas',
  'audio',
  'frame',
  'frameset',
  'iframe',
  'noembed',
  'noframes',
  'nav',
]);

const AD_OR_CHROME =
  /(?:^|[\s_-])(?:dfp-ad|innity|ad-?slot|adsbygoogle|advert|advertisement|sponsor|bbccom_(?:slot|advert)|mpu-ad|cx_paywall|paywall|share-?bar|social-?share|sharing|related-?links|newsletter|subscribe|off-screen|visually-hidden|sr-only|comment-?list)/i;

function isBoilerplate(el: Element): boolean {
  if (DROP_TAGS.has(el.tagName)) return true;
  if (prop(el, 'hidden') !== null || prop(el, 'ariaHidden') === 'true') return true;
  const id = prop(el, 'id') ?? '';
  if (id === 'imu' || /^(?:dfp-ad|innity|div-gpt-ad|bbccom_)/i.test(id)) return true;
  const cls = classes(el).join(' ');
  return AD_OR_CHROME.test(cls) || AD_OR_CHROME.test(id);
}

export const removeBoilerplate: Transform = (tree) => {
  removeWhere(tree, isBoilerplate);
};
