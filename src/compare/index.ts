/**
 * The comparison step, run by the ingest over all articles before they are written: topics
 * from the vocabulary, reprint groups, and the most similar other articles. Everything here
 * depends only on the set of articles (never on the input order), so the output is stable.
 */
import type { Article } from '../schema/article.ts';
import type { Topic } from '../schema/content.ts';
import { groupReprints, prepare } from './reprints.ts';
import { similarArticles } from './related.ts';
import { topicMatcher } from './topics.ts';

export { groupReprints, isReprint, prepare, THRESHOLDS } from './reprints.ts';
export { topicMatcher } from './topics.ts';

export const RELATED_KEEP = 8;

export function compareArticles(articles: Article[], options: { topics: Topic[] }): void {
  const match = topicMatcher(options.topics);
  // Work in id order so that ties resolve the same way whatever the order of the input.
  const order = [...articles].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const prepared = prepare(order);
  const { reprints } = groupReprints(order, prepared);
  const groupOf = (i: number): string | null => reprints[i]?.group ?? null;
  const similar = similarArticles(prepared, RELATED_KEEP, (a, b) => {
    const g = groupOf(a);
    return g !== null && g === groupOf(b);
  });
  order.forEach((article, i) => {
    article.topics = match(article);
    article.reprint = reprints[i] ?? null;
    article.related = similar[i]!.map((s) => ({
      id: order[s.index]!.id,
      similarity: Math.round(s.similarity * 1000) / 1000,
    }));
  });
}
