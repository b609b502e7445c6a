/**
 * Reprint groups: MinHash + LSH candidates, verified on the exact shingle sets, joined with
 * union-find. A group's original is its earliest published copy (ties: the smaller id); the
 * group id is the original's id, so it does not depend on input order.
 */
import { UnionFind, candidatePairs, overlap, signature, textShingles, type Overlap } from './minhash.ts';

/**
 * The thresholds, chosen from the labelled set (README "Comparing coverage"), each between
 * the measured positives and negatives: a copy under another header and footer has Jaccard
 * 0.82–1; a revision (a paragraph partly rewritten, one dropped, one added) Jaccard 0.51–0.97
 * but containment ≥ 0.70 at a size ratio ≥ 0.81; a one-paragraph summary lies wholly inside
 * its story (containment 1) but at Jaccard and size ratio ≤ 0.53; two different articles
 * never passed Jaccard 0.12 or containment 0.32 (the seeds' two reports of one summit).
 */
export const THRESHOLDS = { jaccard: 0.6, containment: 0.5, sizeRatio: 0.7 } as const;

export function isReprint(o: Overlap, t: typeof THRESHOLDS = THRESHOLDS): boolean {
  return o.jaccard >= t.jaccard || (o.containment >= t.containment && o.sizeRatio >= t.sizeRatio);
}

/**
 * `isReprint(overlap(a, b))` without always finishing the intersection: the verdict is a
 * monotone function of the intersection size (Jaccard and containment grow with it, the
 * size ratio does not depend on it), so the merge stops as soon as the count reached so
 * far already passes, or the count plus everything left could no longer pass. Most of the
 * comparison step's time on a corpus with many reprints went into full intersections.
 */
export function reprintPair(a: Uint32Array, b: Uint32Array, t: typeof THRESHOLDS = THRESHOLDS): boolean {
  if (a.length === 0 || b.length === 0) return isReprint({ jaccard: 0, containment: 0, sizeRatio: 0 }, t);
  const la = a.length;
  const lb = b.length;
  const min = Math.min(la, lb);
  // The smallest intersection that passes (the verdict is monotone in it), by bisection on
  // the verdict itself, so that the merge below compares integers only.
  if (!passes(min, la, lb, t)) return false;
  let low = 0;
  let high = min;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (passes(mid, la, lb, t)) high = mid;
    else low = mid + 1;
  }
  const needed = low;
  // The branch-free merge of minhash.ts's intersection, 64 steps between checks, stopped as
  // soon as the count passes, or could no longer pass with everything left. Inline: a
  // helper returning its position as an object made the check ~20 % slower (measured).
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < la && j < lb) {
    if (n >= needed) return true;
    if (n + Math.min(la - i, lb - j) < needed) return false;
    for (let s = 0; s < 64 && i < la && j < lb; s++) {
      const x = a[i]!;
      const y = b[j]!;
      i += +(x <= y);
      j += +(y <= x);
      n += +(x === y);
    }
  }
  return n >= needed;
}

/** isReprint for two sets of these sizes with `inter` values in common. */
function passes(inter: number, la: number, lb: number, t: typeof THRESHOLDS): boolean {
  const min = Math.min(la, lb);
  return isReprint(
    { jaccard: inter / (la + lb - inter), containment: inter / min, sizeRatio: min / Math.max(la, lb) },
    t,
  );
}

export interface CompareInput {
  id: string;
  published: string;
  text: string;
}

export interface Prepared {
  sets: Uint32Array[];
  signatures: Uint32Array[];
  /** A pair's similarity (by index), when it may be remembered (pair-memo.ts); else computed. */
  jaccard?: (a: number, b: number) => number;
}

export function prepare(items: ReadonlyArray<{ text: string }>): Prepared {
  const sets = items.map((a) => textShingles(a.text));
  return { sets, signatures: sets.map(signature) };
}

export interface Reprint {
  group: string;
  original: string;
  similarity: number;
}

export interface Grouping {
  /** By index: the group, or null for an article with no copy. */
  reprints: Array<Reprint | null>;
  candidates: number;
  /** Candidate pairs checked and found to be copies (pairs already grouped are not checked). */
  verified: number;
}

function earlier(a: Omit<CompareInput, 'text'>, b: Omit<CompareInput, 'text'>): boolean {
  const ta = Date.parse(a.published);
  const tb = Date.parse(b.published);
  return ta !== tb ? ta < tb : a.id < b.id;
}

/** `prepared` may be left out when every item has its text. */
export function groupReprints(
  items: ReadonlyArray<Omit<CompareInput, 'text'> & { text?: string }>,
  prepared?: Prepared,
): Grouping {
  const {
    sets,
    signatures,
    jaccard = (a, b) => overlap(sets[a]!, sets[b]!).jaccard,
  } = prepared ??
  prepare(
    items.map((item) => {
      if (typeof item.text !== 'string') throw new Error(`groupReprints: ${item.id} has no text`);
      return { text: item.text };
    }),
  );
  const { roots, candidates, verified } = reprintComponents(sets, signatures);
  return { reprints: groupsOf(items, roots, jaccard), candidates, verified };
}

/** Which articles are copies of each other: the root of each one's group (itself when alone). */
export interface Components {
  /** The smallest index of each one's group (UnionFind's roots), whatever the order of work. */
  roots: Int32Array;
  candidates: number;
  /**
   * Candidate pairs checked and found to be copies (pairs already grouped are not checked,
   * so the count depends on how the work was shared; the roots do not).
   */
  verified: number;
}

/**
 * Checks the candidate pairs `pairs[from..to)` (packed a × n + b, see candidatePairs) and
 * joins the copies in `uf`; each pair found to be copies is pushed onto `copies` (a, then b).
 * Returns how many were found. Pairs already joined in `uf` are not checked.
 */
export function verifyPairs(
  sets: ArrayLike<Uint32Array>,
  pairs: Float64Array,
  n: number,
  from: number,
  to: number,
  uf: UnionFind,
  copies?: number[],
): number {
  let verified = 0;
  for (let at = from; at < to; at++) {
    const pair = pairs[at]!;
    const a = Math.floor(pair / n);
    const b = pair - a * n;
    // Texts too short to judge (a photo caption) are never grouped.
    if (sets[a]!.length < 20 || sets[b]!.length < 20) continue;
    // Already in one group through other copies: the check could not change the groups
    // (copies of one text make k² candidate pairs, and checking them all was most of the
    // comparison step's time on a corpus with many reprints).
    if (uf.find(a) === uf.find(b)) continue;
    if (reprintPair(sets[a]!, sets[b]!)) {
      verified++;
      uf.union(a, b);
      copies?.push(a, b);
    }
  }
  return verified;
}

/** The components of `uf`: every index's root. */
export function rootsOf(uf: UnionFind, n: number): Int32Array {
  const roots = new Int32Array(n);
  for (let i = 0; i < n; i++) roots[i] = uf.find(i);
  return roots;
}

/**
 * The reprint groups as union-find roots: a function of the shingle sets and signatures
 * alone, so that it can run on another thread while the rest of the comparison goes on.
 */
export function reprintComponents(sets: ArrayLike<Uint32Array>, signatures: Uint32Array[]): Components {
  const n = signatures.length;
  const uf = new UnionFind(n);
  const pairs = candidatePairs(signatures);
  const verified = verifyPairs(sets, pairs, n, 0, pairs.length, uf);
  return { roots: rootsOf(uf, n), candidates: pairs.length, verified };
}

/** The groups of the components: the original is the earliest copy, the group its id. */
export function groupsOf(
  items: ReadonlyArray<Omit<CompareInput, 'text'>>,
  roots: Int32Array,
  jaccard: (a: number, b: number) => number,
): Array<Reprint | null> {
  const members = new Map<number, number[]>();
  for (let i = 0; i < items.length; i++) {
    const root = roots[i]!;
    const list = members.get(root);
    if (list) list.push(i);
    else members.set(root, [i]);
  }
  const reprints: Array<Reprint | null> = new Array<Reprint | null>(items.length).fill(null);
  for (const list of members.values()) {
    if (list.length < 2) continue;
    let original = list[0]!;
    for (const i of list) if (earlier(items[i]!, items[original]!)) original = i;
    const group = items[original]!.id;
    for (const i of list) {
      const similarity = i === original ? 1 : jaccard(i, original);
      reprints[i] = { group, original: group, similarity: Math.round(similarity * 1000) / 1000 };
    }
  }
  return reprints;
}
