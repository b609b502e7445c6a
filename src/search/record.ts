/**
 * A search record as the shard writer reads it (shard-writer.ts `ShardPage`): the headline
 * at the most weight there is (a reader who searches a name in a headline wants that article
 * first), then the article's paragraphs. The paragraphs (and headline) that folding to
 * Simplified changes are indexed folded too, at half weight, so that a query (folded by the
 * search page) finds them: a Traditional article's, and the Traditional passages of an
 * article the ingest read as Simplified (a quote, a mixed source: 170 articles of the 10k
 * bench corpus). All text is in the index's words (tokens.js).
 */
import type { ShardPage } from './shard-writer.ts';
import { indexTokens } from './tokens.js';

/** What a shard's worker needs to make one record (see shard-worker.ts). */
export interface RecordJob {
  url: string;
  title: string;
  /** The article's JSON file, whose `text` is the record's body. */
  file: string;
  /** Shown with the result; its words are indexed too (Pagefind indexes metadata). */
  meta: Record<string, string>;
  filters: Record<string, string[]>;
  sort: Record<string, string>;
}

/** The record of an article whose text is `text`; `fold` is the fold table of fold.ts. */
export function recordPage(record: RecordJob, text: string, fold: Record<string, string>): ShardPage {
  // fold.ts's own foldToSimplified would load opencc in each shard thread to build the table
  // the main thread already built and sends.
  const foldToSimplified = (value: string): string => {
    let out = '';
    for (const ch of value) out += fold[ch] ?? ch;
    return out;
  };
  const paragraphs = text.split('\n\n');
  const folded = [record.title, ...paragraphs]
    .map(foldToSimplified)
    .filter((f, i) => f !== (i === 0 ? record.title : paragraphs[i - 1]));
  const sections: ShardPage['sections'] = [
    { weight: 10, blocks: [indexTokens(record.title)] },
    { weight: null, blocks: paragraphs.map(indexTokens) },
  ];
  if (folded.length > 0) sections.push({ weight: 0.5, blocks: folded.map(indexTokens) });
  return { url: record.url, sections, meta: record.meta, filters: record.filters, sort: record.sort };
}
