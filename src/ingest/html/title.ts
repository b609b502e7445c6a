/**
 * Titles as mirrors hand them over: page titles with the site's name appended
 * (`… – 法国国际广播电台 - RFI`), and Chinese quotation marks turned into padded ASCII
 * quotes (`和 "对民主的侵害"`), which the body gets back too.
 */
import { text } from './hast.ts';
import { restoreChineseQuotes } from './quotes.ts';

/** A trailing ` - Site` segment naming a broadcaster or news site rather than a source. */
const SITE_WORDS = /(?:广播电台|廣播電臺|电台|電臺|新闻网|新聞網|中文网|中文網|Radio|News|Online)$/i;

function isSiteName(segment: string, names: string[]): boolean {
  const s = segment.trim().toLowerCase();
  if (s === '') return false;
  return names.some((n) => n.trim().toLowerCase() === s) || SITE_WORDS.test(segment.trim());
}

export function cleanTitle(title: string | null, siteNames: string[]): string | null {
  if (title === null) return null;
  let value = title;
  for (;;) {
    const m = /\s+[-–—|]\s+([^-–—|]{1,30})$/.exec(value);
    if (!m || !isSiteName(m[1]!, siteNames) || m.index < 4) break;
    value = value.slice(0, m.index);
  }
  // Only the mirror's padded quotes (`和 "对民主的侵害"`); a title quoting itself keeps its marks.
  if (/[\u3400-\u9fff] "|" [\u3400-\u9fff]/.test(value)) {
    const node = text(value);
    restoreChineseQuotes([node]);
    value = node.value;
  }
  return value.trim() || null;
}
