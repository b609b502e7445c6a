/**
 * Near-duplicate detection on character shingles, which handles Chinese without word
 * segmentation: the text is normalized (Traditional folded to Simplified, everything but
 * letters and digits dropped, Latin lower-cased), cut into overlapping 5-character
 * shingles, each hashed to 32 bits. A MinHash signature of K values (one-permutation
 * MinHash, below) estimates the Jaccard
 * similarity of two shingle sets; LSH banding (B bands of R rows) turns the signatures into
 * bucket keys so that only pairs sharing a bucket are compared, which keeps the work near
 * linear in the number of articles. Candidates are then verified on the exact sets.
 */
import { toSimplified } from '../ingest/text/simplify.ts';

export const SHINGLE = 5;
/** Signature length, bands and rows per band (K = B × R). */
export const K = 128;
export const BANDS = 64;
/** bandKey reads two rows per band. */
export const ROWS = 2;
if (ROWS * BANDS !== K) throw new Error('minhash: K must be BANDS × ROWS');

/** Simplified, lower-cased, letters and digits only. */
export function normalizeText(text: string): string {
  return normalizeFolded(toSimplified(text).toLowerCase());
}

/** normalizeText of a text already Simplified and lower-cased (topics.ts's foldText). */
export function normalizeFolded(folded: string): string {
  return folded.replace(/[^\p{L}\p{N}]+/gu, '');
}

/** FNV-1a over UTF-16 code units, then a final avalanche (murmur3 fmix32). */
function hashString(s: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix(h);
}

function fmix(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The distinct shingle hashes of a normalized text, sorted (for exact set operations).
 * Shingles are SHINGLE code points (an astral character counts as one), hashed over their
 * UTF-16 units in place: no substring or per-character array is made, and the hashes are
 * sorted and de-duplicated in one typed array instead of going through a Set.
 */
export function shingles(normalized: string): Uint32Array {
  const n = normalized.length;
  // Offsets of each code point in UTF-16 units.
  const offsets = new Int32Array(n + 1);
  let count = 0;
  for (let i = 0; i < n; count++) {
    offsets[count] = i;
    const unit = normalized.charCodeAt(i);
    const next = i + 1 < n ? normalized.charCodeAt(i + 1) : 0;
    // A surrogate pair is one code point; a lone surrogate counts as one, as in Array.from.
    i += unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
  }
  offsets[count] = n;
  if (count === 0) return new Uint32Array(0);
  if (count < SHINGLE) return Uint32Array.of(hashString(normalized, 0, n));
  const hashes = new Uint32Array(count - SHINGLE + 1);
  for (let i = 0; i + SHINGLE <= count; i++) hashes[i] = hashString(normalized, offsets[i]!, offsets[i + SHINGLE]!);
  hashes.sort();
  let distinct = 0;
  for (let i = 0; i < hashes.length; i++) if (i === 0 || hashes[i] !== hashes[i - 1]) hashes[distinct++] = hashes[i]!;
  return hashes.slice(0, distinct);
}

/**
 * One-permutation MinHash (Li, Owen & Zhang 2012) with densification (Shrivastava 2017): one
 * hash per shingle, whose top 7 bits pick one of K = 128 bins and whose other bits are
 * minimized within the bin. Two equal bins estimate Jaccard like K separate permutations
 * would, at 1/K of the cost. An empty bin (short texts) borrows the value of the next
 * non-empty bin, marked by the distance, so that empty bins agree only where both texts
 * have the same bin pattern.
 */
export function signature(set: Uint32Array): Uint32Array {
  const EMPTY = 0xffffffff;
  const sig = new Uint32Array(K).fill(EMPTY);
  for (let j = 0; j < set.length; j++) {
    // Re-mix: the shingle hash's own top bits would pick the bin too regularly.
    const h = fmix(set[j]! ^ 0x5bd1e995);
    const bin = h >>> 25;
    const value = h & 0x1ffffff;
    if (value < sig[bin]!) sig[bin] = value;
  }
  if (set.length === 0) return sig;
  for (let i = 0; i < K; i++) {
    if (sig[i] !== EMPTY && sig[i]! < 0x2000000) continue;
    let d = 1;
    while (sig[(i + d) % K] === EMPTY || sig[(i + d) % K]! >= 0x2000000) d++;
    sig[i] = (sig[(i + d) % K]! + d * 0x2000000) >>> 0;
  }
  return sig;
}

/** Estimated Jaccard: the share of equal signature values. */
export function estimate(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < K; i++) if (a[i] === b[i]) same++;
  return same / K;
}

/**
 * |A ∩ B| of two sorted sets. The merge is branch-free (each step advances by comparison
 * results as numbers): on shingle sets the next step's direction is a coin toss, and the
 * mispredicted branches made the plain merge 2.2× slower (measured on 1,300-shingle sets).
 */
export function intersection(a: Uint32Array, b: Uint32Array): number {
  const la = a.length;
  const lb = b.length;
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < la && j < lb) {
    const x = a[i]!;
    const y = b[j]!;
    i += +(x <= y);
    j += +(y <= x);
    n += +(x === y);
  }
  return n;
}

export interface Overlap {
  /** |A ∩ B| / |A ∪ B| */
  jaccard: number;
  /** |A ∩ B| / min(|A|, |B|): how much of the shorter text is in the longer one. */
  containment: number;
  /** min(|A|, |B|) / max(|A|, |B|) */
  sizeRatio: number;
}

export function overlap(a: Uint32Array, b: Uint32Array): Overlap {
  if (a.length === 0 || b.length === 0) return { jaccard: 0, containment: 0, sizeRatio: 0 };
  const inter = intersection(a, b);
  const min = Math.min(a.length, b.length);
  const max = Math.max(a.length, b.length);
  return { jaccard: inter / (a.length + b.length - inter), containment: inter / min, sizeRatio: min / max };
}

/**
 * Pairs of indexes that share at least one LSH band: the probability of a pair becoming a
 * candidate is 1 − (1 − J^R)^B; with 64 bands of 2 rows, 0.15 at J = 0.05 (two stories on
 * one subject), 0.93 at J = 0.2 and over 0.99 from J = 0.3 (the lowest revision measured).
 * Each pair (a, b), a < b, is packed as a × n + b for n signatures, in ascending order: a
 * typed array, where an array per pair held ~40 bytes each (millions at 100k articles).
 */
export function candidatePairs(signatures: Uint32Array[]): Float64Array {
  const n = signatures.length;
  // Every pair of every bucket, packed as a × n + b (a < b; exact below 2^53), then sorted
  // and made unique: a Set of partners per article, and an array per pair, cost more than
  // the banding itself.
  let packed = new Float64Array(1024);
  let count = 0;
  const add = (a: number, b: number): void => {
    if (count === packed.length) {
      const bigger = new Float64Array(packed.length * 2);
      bigger.set(packed);
      packed = bigger;
    }
    packed[count++] = a * n + b;
  };
  // A bucket whose members all shared a bucket in an earlier band adds no pair: copies of
  // one text share every band, so their k² pairs were enumerated once per band (64 times),
  // most of the comparison step's time on a corpus with many reprints.
  const seenBuckets = new Set<string>();
  for (let band = 0; band < BANDS; band++) {
    const buckets = new Map<number, number[]>();
    for (let idx = 0; idx < n; idx++) {
      const key = bandKey(signatures[idx]!, band);
      const list = buckets.get(key);
      if (list) list.push(idx);
      else buckets.set(key, [idx]);
    }
    for (const list of buckets.values()) {
      if (list.length < 2) continue;
      const members = list.join(',');
      if (seenBuckets.has(members)) continue;
      seenBuckets.add(members);
      // A very large bucket is mostly texts that share common phrases, not copies: each
      // member is paired with its next few neighbours only, which still chains a group of
      // true copies together (union-find) without k² pairs.
      const reach = list.length > LARGE_BUCKET ? LARGE_BUCKET_REACH : list.length;
      for (let x = 0; x < list.length; x++) {
        for (let y = x + 1; y < list.length && y <= x + reach; y++) add(list[x]!, list[y]!);
      }
    }
  }
  const sorted = packed.subarray(0, count).sort();
  let distinct = 0;
  for (let i = 0; i < count; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[distinct++] = sorted[i]!;
  return sorted.slice(0, distinct);
}

/**
 * A band's two rows as one number (a Map keyed by numbers is several times faster than one
 * keyed by strings). The 64 bits are folded into 53: the top 21 bits of the second row, and
 * the first row mixed with the rest of the second. Two different bands share a key about
 * once in 2^32 pairs that share those 21 bits, and that only adds a candidate pair, which is
 * then checked on the exact shingle sets like any other.
 */
function bandKey(sig: Uint32Array, band: number): number {
  const first = sig[band * ROWS]!;
  const second = sig[band * ROWS + 1]!;
  return ((first ^ Math.imul(second & 0x7ff, 0x9e3779b1)) >>> 0) * 2 ** 21 + (second >>> 11);
}

/** Buckets larger than this pair each member with its next LARGE_BUCKET_REACH members only. */
const LARGE_BUCKET = 200;
const LARGE_BUCKET_REACH = 8;

/** Union-find over indexes. */
export class UnionFind {
  private parent: Int32Array;
  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
  }
  find(x: number): number {
    let root = x;
    while (this.parent[root] !== root) root = this.parent[root]!;
    while (this.parent[x] !== root) {
      const next = this.parent[x]!;
      this.parent[x] = root;
      x = next;
    }
    return root;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}
