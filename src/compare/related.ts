/**
 * Related articles by text similarity, near linear: for every signature position the
 * articles are bucketed by their MinHash value; two articles that share a value share (with
 * probability J) a shingle. Values shared by very many articles are stock phrases and are
 * skipped, like a stop list. The pairs sharing the most values are then scored on the exact
 * shingle sets (Jaccard), and each article keeps its best few.
 */
import { K, overlap } from './minhash.ts';
import type { Prepared } from './reprints.ts';

/** A bucket larger than this is a stock phrase (中美关系, 外交部发言人), not evidence. */
const MAX_BUCKET = 12;
const CANDIDATES = 12;
/** Shared signature values needed to be a candidate (one is chance). */
const MIN_SHARED = 1;
export const RELATED_MIN = 0.008;

export interface Similar {
  index: number;
  similarity: number;
}

export function similarArticles(
  prepared: Prepared,
  keep = 8,
  exclude?: (a: number, b: number) => boolean,
): Similar[][] {
  const { sets, signatures } = prepared;
  const n = signatures.length;
  const shared: Array<Map<number, number>> = Array.from({ length: n }, () => new Map());
  for (let row = 0; row < K; row++) {
    const buckets = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      if (sets[i]!.length === 0) continue;
      const v = signatures[i]![row]!;
      const list = buckets.get(v);
      if (list) list.push(i);
      else buckets.set(v, [i]);
    }
    for (const list of buckets.values()) {
      if (list.length < 2 || list.length > MAX_BUCKET) continue;
      for (const a of list) {
        const m = shared[a]!;
        for (const b of list) if (a !== b) m.set(b, (m.get(b) ?? 0) + 1);
      }
    }
  }
  return shared.map((m, a) => {
    const top = [...m.entries()]
      .filter(([b, shared]) => shared >= MIN_SHARED && !exclude?.(a, b))
      .sort((x, y) => y[1] - x[1] || x[0] - y[0])
      .slice(0, CANDIDATES);
    return top
      .map(([b]) => ({ index: b, similarity: overlap(sets[a]!, sets[b]!).jaccard }))
      .filter((s) => s.similarity >= RELATED_MIN)
      .sort((x, y) => y.similarity - x.similarity || x.index - y.index)
      .slice(0, keep);
  });
}
