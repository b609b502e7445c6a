/**
 * The comparison step, run by the ingest over all articles before they are written: topics
 * from the vocabulary, reprint groups, and the most similar other articles. Everything here
 * depends only on the set of articles (never on the input order), so the output is stable.
 */
import type { ArticleSummary } from '../schema/article.ts';
import type { Topic } from '../schema/content.ts';
import { createHash } from 'node:crypto';
import { textKey, type PairMemo } from './pair-memo.ts';
import { overlap } from './minhash.ts';
import type { ComponentsJob } from './components-task.ts';
import { groupsOf, prepare, reprintComponents, type Prepared } from './reprints.ts';
import { pairScores, pickRelated, rankRelated, scoreAhead } from './related.ts';
import { topicMatcher } from './topics.ts';

export { groupReprints, isReprint, prepare, THRESHOLDS } from './reprints.ts';
export { topicMatcher } from './topics.ts';

export const RELATED_KEEP = 8;

function withText<T extends Comparable>(article: T): T & { text: string } {
  if (typeof article.text !== 'string') {
    throw new Error(`compareArticles: ${article.id} has neither its text nor data computed ahead`);
  }
  return article as T & { text: string };
}

/** Per-article data computed ahead (in the ingest's worker threads, or from its cache). */
export interface Precomputed {
  /** sha256 of the article's text (hex). */
  textHash: string;
  topics: string[];
  set: Uint32Array;
  signature: Uint32Array;
}

/**
 * An article as the comparison step reads it: its text is needed only where nothing was
 * computed ahead (the ingest holds articles without their bodies, see src/ingest/run.ts).
 */
export type Comparable = ArticleSummary & { text?: string };

/**
 * Finds the reprint components of these sets and signatures on another thread, which this
 * one helps once it is free (see components-task.ts).
 */
export type ComponentsFinder = (sets: Uint32Array[], signatures: Uint32Array[]) => ComponentsJob;

export async function compareArticles<T extends Comparable>(
  articles: T[],
  options: {
    topics: Topic[];
    precomputed?: (article: T) => Precomputed | undefined;
    /** Pair results remembered from the last run, and where this run's go (pair-memo.ts). */
    memo?: PairMemo;
    /**
     * Where the reprint components are found, when not on this thread: the related
     * articles' ranking and most of their scores are computed meanwhile. The result is the
     * same either way.
     */
    components?: ComponentsFinder;
  },
): Promise<void> {
  const match = topicMatcher(options.topics);
  // Work in id order so that ties resolve the same way whatever the order of the input.
  const order = [...articles].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ahead = order.map((a) => options.precomputed?.(a));
  const missing = order.filter((_, i) => !ahead[i]).map(withText);
  const fresh = prepare(missing);
  let next = 0;
  const prepared: Prepared = { sets: [], signatures: [] };
  for (const pre of ahead) {
    if (pre) {
      prepared.sets.push(pre.set);
      prepared.signatures.push(pre.signature);
    } else {
      prepared.sets.push(fresh.sets[next]!);
      prepared.signatures.push(fresh.signatures[next]!);
      next++;
    }
  }
  const memo = options.memo;
  if (memo) {
    const keys = order.map((a, i) =>
      textKey(ahead[i]?.textHash ?? createHash('sha256').update(withText(a).text).digest('hex')),
    );
    const { sets } = prepared;
    prepared.jaccard = (a, b) => memo.get(keys[a]!, keys[b]!, () => overlap(sets[a]!, sets[b]!).jaccard);
  }
  const job = options.components?.(prepared.sets, prepared.signatures);
  const here = job ? null : reprintComponents(prepared.sets, prepared.signatures);
  const ranked = rankRelated(prepared);
  const score = pairScores(prepared);
  scoreAhead(ranked, score);
  await job?.help();
  const reprints = groupsOf(order, (here ?? (await job!.result)).roots, score);
  const groupOf = (i: number): string | null => reprints[i]?.group ?? null;
  const similar = pickRelated(ranked, score, RELATED_KEEP, (a, b) => {
    const g = groupOf(a);
    return g !== null && g === groupOf(b);
  });
  order.forEach((article, i) => {
    article.topics = ahead[i]?.topics ?? match(withText(article));
    article.reprint = reprints[i] ?? null;
    article.related = similar[i]!.map((s) => ({
      id: order[s.index]!.id,
      similarity: Math.round(s.similarity * 1000) / 1000,
    }));
  });
}
