/**
 * Image records from `<img>` elements: the real URL behind lazy-loading attributes and
 * proxies, resolved against the article's URL, with the size the markup states.
 */
import type { ArticleImage } from '../../schema/article.ts';
import { absoluteHttpUrl, unproxy } from '../text/urls.ts';
import { prop, squash, type Element } from './hast.ts';

/** Lazy-loading attributes, most trustworthy first; `src` is often a placeholder or proxy. */
const SOURCE_ATTRIBUTES = ['dataOriginal', 'dataSrc', 'dataLazySrc', 'dataUrl', 'dataActualsrc', 'src'];

const PLACEHOLDER =
  /(?:^data:|placeholder|blank\.(?:gif|png)|spacer\.gif|grey-?placeholder|transparent\.(?:gif|png)|1x1\.(?:gif|png)|loading\.(?:gif|svg)|\/meta_og_twcards\/|og[-_]default|default[-_](?:share|og|social)|lazy[-_]?load\.(?:gif|png|svg))/i;

function integer(value: string | null): number | null {
  if (value === null || !/^\s*\d{1,6}\s*(?:px)?\s*$/.test(value)) return null;
  const n = parseInt(value, 10);
  return n > 0 ? n : null;
}

export function imageFromElement(img: Element, baseUrl: string | null): ArticleImage | null {
  let src: string | null = null;
  for (const attr of SOURCE_ATTRIBUTES) {
    const raw = prop(img, attr);
    if (!raw || PLACEHOLDER.test(raw)) continue;
    const resolved = absoluteHttpUrl(unproxy(raw.startsWith('//') ? `https:${raw}` : raw), baseUrl);
    if (resolved) {
      src = absoluteHttpUrl(unproxy(resolved), null);
      if (src) break;
    }
  }
  if (!src || PLACEHOLDER.test(src)) return null;
  const width = integer(prop(img, 'dataWidth')) ?? integer(prop(img, 'width'));
  const height = integer(prop(img, 'dataHeight')) ?? integer(prop(img, 'height'));
  const alt = squash(prop(img, 'alt') ?? '') || null;
  const title = squash(prop(img, 'title') ?? '') || null;
  return {
    src,
    // A size is only known when both dimensions are; `width="100%"` is no size.
    width: width !== null && height !== null ? width : null,
    height: width !== null && height !== null ? height : null,
    alt: alt && alt !== '。' ? alt : title,
    caption: null,
    credit: null,
  };
}
