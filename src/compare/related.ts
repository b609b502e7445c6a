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
  // Per signature position, the articles sorted by their value there: equal values are
  // neighbours. Value and index are packed in one double (value × 2^21 + index, exact
  // below 2^53) so that a typed-array sort does it, with no Map per position.
  const live: number[] = [];
  for (let i = 0; i < n; i++) if (sets[i]!.length > 0) live.push(i);
  const packed = n < 2 ** 21 ? new Float64Array(live.length) : null;
  const addBucket = (list: ArrayLike<number>, from: number, to: number): void => {
    const size = to - from;
    if (size < 2 || size > MAX_BUCKET) return;
    for (let x = from; x < to; x++) {
      const a = list[x]!;
      const m = shared[a]!;
      for (let y = from; y < to; y++) {
        const b = list[y]!;
        if (a !== b) m.set(b, (m.get(b) ?? 0) + 1);
      }
    }
  };
  const members = new Int32Array(live.length);
  for (let row = 0; row < K; row++) {
    if (packed) {
      for (let j = 0; j < live.length; j++) packed[j] = signatures[live[j]!]![row]! * 2 ** 21 + live[j]!;
      packed.sort();
      let from = 0;
      for (let j = 0; j <= packed.length; j++) {
        const value = j < packed.length ? Math.floor(packed[j]! / 2 ** 21) : -1;
        if (j > from && value !== Math.floor(packed[from]! / 2 ** 21)) {
          for (let x = from; x < j; x++) members[x] = packed[x]! % 2 ** 21;
          addBucket(members, from, j);
          from = j;
        }
      }
      continue;
    }
    const buckets = new Map<number, number[]>();
    for (const i of live) {
      const v = signatures[i]![row]!;
      const list = buckets.get(v);
      if (list) list.push(i);
      else buckets.set(v, [i]);
    }
    for (const list of buckets.values()) addBucket(list, 0, list.length);
  }
  // A pair is usually a candidate of both its articles: its Jaccard is computed once.
  const jaccardOf = new Map<number, number>();
  const jaccard = (a: number, b: number): number => {
    const key = a < b ? a * n + b : b * n + a;
    let value = jaccardOf.get(key);
    if (value === undefined) {
      value = prepared.jaccard ? prepared.jaccard(a, b) : overlap(sets[a]!, sets[b]!).jaccard;
      jaccardOf.set(key, value);
    }
    return value;
  };
  return shared.map((m, a) => {
    const top = [...m.entries()]
      .filter(([b, shared]) => shared >= MIN_SHARED && !exclude?.(a, b))
      .sort((x, y) => y[1] - x[1] || x[0] - y[0])
      .slice(0, CANDIDATES);
    return top
      .map(([b]) => ({ index: b, similarity: jaccard(a, b) }))
      .filter((s) => s.similarity >= RELATED_MIN)
      .sort((x, y) => y.similarity - x.similarity || x.index - y.index)
      .slice(0, keep);
  });
}
