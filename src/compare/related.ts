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
  return pickRelated(rankRelated(prepared), pairScores(prepared), keep, exclude);
}

/**
 * Per article, the others that share a signature value with it, most shared first (ties:
 * the smaller index): those of article a are others[first[a]..first[a + 1]].
 */
export interface Ranked {
  first: Int32Array;
  others: Int32Array;
}

export function rankRelated(prepared: Prepared): Ranked {
  const n = prepared.signatures.length;
  const buckets = sharedValueBuckets(prepared);
  // Per article, the buckets it is in (CSR: the bucket ids of article a are
  // inBucket[start[a]..start[a + 1]]).
  const start = new Int32Array(n + 1);
  for (let m = 0; m < buckets.members.length; m++) start[buckets.members[m]! + 1]!++;
  for (let a = 0; a < n; a++) start[a + 1]! += start[a]!;
  const inBucket = new Int32Array(buckets.members.length);
  const fill = start.slice(0, n);
  for (let bucket = 0; bucket + 1 < buckets.start.length; bucket++) {
    for (let m = buckets.start[bucket]!; m < buckets.start[bucket + 1]!; m++)
      inBucket[fill[buckets.members[m]!]!++] = bucket;
  }
  // Values shared with each other article, counted in a dense array (the articles touched
  // are listed, so that clearing costs what counting did): a Map per article, updated 1.3
  // million times at 10k articles, was most of this step's time.
  const shared = new Int32Array(n);
  const touched: number[] = [];
  const first = new Int32Array(n + 1);
  let others = new Int32Array(Math.max(16, n * 16));
  for (let a = 0; a < n; a++) {
    for (let k = start[a]!; k < start[a + 1]!; k++) {
      const bucket = inBucket[k]!;
      for (let m = buckets.start[bucket]!; m < buckets.start[bucket + 1]!; m++) {
        const b = buckets.members[m]!;
        if (b === a) continue;
        if (shared[b] === 0) touched.push(b);
        shared[b]!++;
      }
    }
    const candidates = touched.filter((b) => shared[b]! >= MIN_SHARED);
    candidates.sort((x, y) => shared[y]! - shared[x]! || x - y);
    for (const b of touched) shared[b] = 0;
    touched.length = 0;
    const at = first[a]!;
    if (at + candidates.length > others.length) {
      const bigger = new Int32Array(Math.max(others.length * 2, at + candidates.length));
      bigger.set(others);
      others = bigger;
    }
    others.set(candidates, at);
    first[a + 1] = at + candidates.length;
  }
  return { first, others: others.slice(0, first[n]!) };
}

/**
 * A pair's Jaccard similarity, computed once (a pair is usually a candidate of both its
 * articles), or remembered from the last run (prepared.jaccard).
 */
export function pairScores(prepared: Prepared): (a: number, b: number) => number {
  const { sets } = prepared;
  const n = sets.length;
  const known = new Map<number, number>();
  return (a, b) => {
    const key = a < b ? a * n + b : b * n + a;
    let value = known.get(key);
    if (value === undefined) {
      value = prepared.jaccard ? prepared.jaccard(a, b) : overlap(sets[a]!, sets[b]!).jaccard;
      known.set(key, value);
    }
    return value;
  };
}

/**
 * Scores each article's first candidates without knowing which to leave out: the work that
 * can go on while the reprint groups are found elsewhere (compare/index.ts); pickRelated
 * then finds most of its scores known.
 */
export function scoreAhead(ranked: Ranked, score: (a: number, b: number) => number): void {
  for (let a = 0; a + 1 < ranked.first.length; a++) {
    const end = Math.min(ranked.first[a + 1]!, ranked.first[a]! + CANDIDATES);
    for (let k = ranked.first[a]!; k < end; k++) score(a, ranked.others[k]!);
  }
}

/** Each article's best `keep` by score among its first CANDIDATES that are not excluded. */
export function pickRelated(
  ranked: Ranked,
  score: (a: number, b: number) => number,
  keep = 8,
  exclude?: (a: number, b: number) => boolean,
): Similar[][] {
  const result: Similar[][] = [];
  for (let a = 0; a + 1 < ranked.first.length; a++) {
    const top: number[] = [];
    for (let k = ranked.first[a]!; k < ranked.first[a + 1]! && top.length < CANDIDATES; k++) {
      const b = ranked.others[k]!;
      if (!exclude?.(a, b)) top.push(b);
    }
    result.push(
      top
        .map((b) => ({ index: b, similarity: score(a, b) }))
        .filter((s) => s.similarity >= RELATED_MIN)
        .sort((x, y) => y.similarity - x.similarity || x.index - y.index)
        .slice(0, keep),
    );
  }
  return result;
}

/**
 * Per signature position, the groups of articles that have the same value there, when the
 * group has 2 to MAX_BUCKET members: their members, bucket after bucket (bucket i is
 * members[start[i]..start[i + 1]]), each in index order.
 */
function sharedValueBuckets(prepared: Prepared): { members: Int32Array; start: Int32Array } {
  const { sets, signatures } = prepared;
  const n = signatures.length;
  const members: number[] = [];
  const start: number[] = [0];
  const live: number[] = [];
  for (let i = 0; i < n; i++) if (sets[i]!.length > 0) live.push(i);
  const addBucket = (list: ArrayLike<number>, from: number, to: number): void => {
    if (to - from < 2 || to - from > MAX_BUCKET) return;
    for (let x = from; x < to; x++) members.push(list[x]!);
    start.push(members.length);
  };
  // Value and index are packed in one double (value × 2^21 + index, exact below 2^53) so
  // that a typed-array sort groups equal values, with no Map per position.
  const packed = n < 2 ** 21 ? new Float64Array(live.length) : null;
  const sorted = new Int32Array(live.length);
  for (let row = 0; row < K; row++) {
    if (packed) {
      for (let j = 0; j < live.length; j++) packed[j] = signatures[live[j]!]![row]! * 2 ** 21 + live[j]!;
      packed.sort();
      let from = 0;
      for (let j = 0; j <= packed.length; j++) {
        const value = j < packed.length ? Math.floor(packed[j]! / 2 ** 21) : -1;
        if (j > from && value !== Math.floor(packed[from]! / 2 ** 21)) {
          for (let x = from; x < j; x++) sorted[x] = packed[x]! % 2 ** 21;
          addBucket(sorted, from, j);
          from = j;
        }
      }
      continue;
    }
    const byValue = new Map<number, number[]>();
    for (const i of live) {
      const v = signatures[i]![row]!;
      const list = byValue.get(v);
      if (list) list.push(i);
      else byValue.set(v, [i]);
    }
    for (const list of byValue.values()) addBucket(list, 0, list.length);
  }
  return { members: Int32Array.from(members), start: Int32Array.from(start) };
}
