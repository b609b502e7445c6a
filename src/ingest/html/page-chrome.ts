/**
 * Mirrors that scrape the whole article page keep the page's head above the text: the
 * headline again as an `<h1>`, a standfirst repeated, the date and "updated 3 hours ago"
 * stamps, a byline, a newsletter plug. None of it is text: the title, date and author are
 * fields of the article already. Only the first few blocks are looked at, and only lines
 * that are nothing but such chrome are removed.
 */
import { h, squash, textContent } from './hast.ts';
import type { Block } from './blocks.ts';
import { normalizeDateLine } from './dateline.ts';

const HEAD_BLOCKS = 6;

const EN_DATE =
  /^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?\d{4}(?:\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:GMT|UTC|[AP]M)?)?$/i;
const RELATIVE_TIME =
  /^(?:最近更新|更新时间|更新時間|最后更新|最後更新|Updated|Last updated)\s*[：:]?\s*.{0,20}(?:前|ago|\d{1,2}:\d{2})$/i;
const NEWSLETTER = /^[（(]?\s*欢迎.{0,12}订阅.{0,40}[）)]?$|^[（(]?\s*歡迎.{0,12}訂閱.{0,40}[）)]?$/;

function blockText(block: Block): string {
  if (block.kind === 'p' || block.kind === 'heading') return squash(textContent(h('p', {}, block.children)));
  if (block.kind === 'caption') return block.text;
  return '';
}

/** Headline comparisons ignore spacing, quote styles and punctuation, which mirrors change. */
function comparable(value: string): string {
  return value.replace(/[\s"'“”‘’「」『』《》〈〉:：,，.。!！?？\-–—|·•]/gu, '').toLowerCase();
}

function isDateOnly(value: string): boolean {
  return (
    normalizeDateLine(value) !== null ||
    EN_DATE.test(value) ||
    /^\d{4}-\d{2}-\d{2}\s+\d{2}:\d{2}(?::\d{2})?$/.test(value)
  );
}

/** A byline above a date, as one block: `MICHAEL D. SHEAR⏎2020-07-20 17:51:00`. */
function isBylineAndDate(value: string, block: Block): boolean {
  if (block.kind !== 'p') return false;
  const m = /^(.{2,40}?)\s+(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?)$/.exec(value);
  return m !== null && !/[。！？，]/.test(m[1]!);
}

export function removePageChrome(blocks: Block[], title: string | null): Block[] {
  const wanted = title ? comparable(title) : null;
  const seen = new Set<string>();
  const out: Block[] = [];
  let looked = 0;
  for (const block of blocks) {
    if (looked >= HEAD_BLOCKS || block.kind === 'figure' || block.kind === 'raw') {
      if (block.kind !== 'figure') looked = HEAD_BLOCKS;
      out.push(block);
      continue;
    }
    looked++;
    const value = blockText(block);
    const key = comparable(value);
    const chrome =
      (wanted !== null && key === wanted) ||
      isDateOnly(value) ||
      RELATIVE_TIME.test(value) ||
      NEWSLETTER.test(value) ||
      isBylineAndDate(value, block) ||
      (key !== '' && seen.has(key));
    if (key !== '') seen.add(key);
    if (!chrome) out.push(block);
  }
  return out;
}
