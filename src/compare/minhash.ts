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

/** The shingle set of a text: Simplified, lower-cased, letters and digits only (see foldedShingles). */
export function textShingles(text: string): Uint32Array {
  return foldedShingles(toSimplified(text).toLowerCase());
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over UTF-16 code units, then a final avalanche (murmur3 fmix32). */
function hashUnits(units: Uint16Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) {
    h ^= units[i]!;
    h = Math.imul(h, FNV_PRIME);
  }
  return fmix(h);
}

/**
 * hashUnits of every SHINGLE consecutive units, for a text with no astral character (every
 * code point one unit: nearly all text), unrolled: 5 against 12.5 ns a character (the 10k
 * corpus, one thread).
 */
if (SHINGLE !== 5) throw new Error('minhash: fiveUnitHashes reads SHINGLE = 5 units');
function fiveUnitHashes(u: Uint16Array, hashes: Uint32Array): void {
  for (let i = 0; i < hashes.length; i++) {
    let h = Math.imul(FNV_OFFSET ^ u[i]!, FNV_PRIME);
    h = Math.imul(h ^ u[i + 1]!, FNV_PRIME);
    h = Math.imul(h ^ u[i + 2]!, FNV_PRIME);
    h = Math.imul(h ^ u[i + 3]!, FNV_PRIME);
    hashes[i] = fmix(Math.imul(h ^ u[i + 4]!, FNV_PRIME));
  }
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
 * Per UTF-16 unit, whether it is a letter or a digit (`\p{L}` or `\p{N}`) on its own;
 * surrogates are decided as pairs (ASTRAL_KEPT). Built once per thread from the regular
 * expression itself (~65k tests), so that it agrees with it by construction: the scan that
 * replaced `replace(/[^\p{L}\p{N}]+/gu, '')` and a string per text costs a table look-up
 * per unit.
 */
let keptUnits: Uint8Array | undefined;
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
function keptUnitTable(): Uint8Array {
  if (keptUnits) return keptUnits;
  const table = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    if (LETTER_OR_DIGIT.test(String.fromCharCode(c))) table[c] = 1;
  }
  return (keptUnits = table);
}
const ASTRAL_KEPT = new Map<number, boolean>();
function astralKept(high: number, low: number): boolean {
  const cp = (high - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
  let kept = ASTRAL_KEPT.get(cp);
  if (kept === undefined) ASTRAL_KEPT.set(cp, (kept = LETTER_OR_DIGIT.test(String.fromCodePoint(cp))));
  return kept;
}

/** Scratch space of the thread, grown as needed: the kept units and where each code point starts. */
let units = new Uint16Array(1 << 14);
let starts = new Int32Array(1 << 14);

/**
 * The distinct shingle hashes of a text already Simplified and lower-cased (topics.ts's
 * foldText), sorted (for exact set operations). The text is read as letters and digits
 * only; shingles are SHINGLE of those code points (an astral character counts as one, a
 * lone surrogate is dropped), each hashed over its UTF-16 units. No normalized string,
 * substring or per-character array is made.
 */
export function foldedShingles(folded: string): Uint32Array {
  const n = folded.length;
  if (units.length < n + 1) {
    units = new Uint16Array(n + 1);
    starts = new Int32Array(n + 2);
  }
  const kept = keptUnitTable();
  let length = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const unit = folded.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdfff) {
      const next = i + 1 < n ? folded.charCodeAt(i + 1) : 0;
      if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        if (astralKept(unit, next)) {
          starts[count++] = length;
          units[length++] = unit;
          units[length++] = next;
        }
        i++;
      }
      continue;
    }
    if (kept[unit] === 0) continue;
    starts[count++] = length;
    units[length++] = unit;
  }
  starts[count] = length;
  if (count === 0) return new Uint32Array(0);
  if (count < SHINGLE) return Uint32Array.of(hashUnits(units, 0, length));
  const hashes = new Uint32Array(count - SHINGLE + 1);
  if (length === count) fiveUnitHashes(units, hashes);
  else for (let i = 0; i + SHINGLE <= count; i++) hashes[i] = hashUnits(units, starts[i]!, starts[i + SHINGLE]!);
  radixSort(hashes);
  let distinct = 0;
  for (let i = 0; i < hashes.length; i++) if (i === 0 || hashes[i] !== hashes[i - 1]) hashes[distinct++] = hashes[i]!;
  return hashes.slice(0, distinct);
}

/** The thread's scratch for small sorts (an article's shingles); a larger sort's is its own, not kept. */
let sortScratch = new Uint32Array(1 << 12);
const SMALL_SORT = 1 << 16;
/** Three digits of 11, 11 and 10 bits; the counts of all three, 2^11 slots each. */
const DIGIT = 11;
const SLOTS = 1 << DIGIT;
const MASK = SLOTS - 1;
const digitCounts = new Int32Array(3 * SLOTS);

/**
 * Sorts in place, ascending: an LSD radix sort in three passes of 11 bits, the three
 * digits' counts taken in one pass over the values. On the ~1–3k hashes of an article a
 * sort of four 8-bit passes, each counting its own digit, took a third of the time of
 * `Uint32Array.prototype.sort`, and this takes 40 % of that (the corpus's 10k texts: 32
 * against 13 ns a character of text, on one thread): a pass fewer over the values, and
 * 2^11 counts still fit in the first-level cache.
 */
function radixSort(values: Uint32Array): void {
  const n = values.length;
  if (n <= SMALL_SORT && sortScratch.length < n) sortScratch = new Uint32Array(SMALL_SORT);
  const scratch = n <= SMALL_SORT ? sortScratch : new Uint32Array(n);
  const counts = digitCounts;
  counts.fill(0);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    counts[v & MASK]!++;
    counts[SLOTS + ((v >>> DIGIT) & MASK)]!++;
    counts[2 * SLOTS + (v >>> (2 * DIGIT))]!++;
  }
  for (let base = 0; base < 3 * SLOTS; base += SLOTS) {
    let sum = 0;
    for (let d = base; d < base + SLOTS; d++) {
      const c = counts[d]!;
      counts[d] = sum;
      sum += c;
    }
  }
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    scratch[counts[v & MASK]!++] = v;
  }
  for (let i = 0; i < n; i++) {
    const v = scratch[i]!;
    values[counts[SLOTS + ((v >>> DIGIT) & MASK)]!++] = v;
  }
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    scratch[counts[2 * SLOTS + (v >>> (2 * DIGIT))]!++] = v;
  }
  values.set(scratch.subarray(0, n));
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
  const addBucket = (list: Int32Array | number[], from: number, to: number): void => {
    if (to - from < 2) return;
    const names = list.slice(from, to).join(',');
    if (seenBuckets.has(names)) return;
    seenBuckets.add(names);
    // A very large bucket is mostly texts that share common phrases, not copies: each
    // member is paired with its next few neighbours only, which still chains a group of
    // true copies together (union-find) without k² pairs.
    const reach = to - from > LARGE_BUCKET ? LARGE_BUCKET_REACH : to - from;
    for (let x = from; x < to; x++) {
      for (let y = x + 1; y < to && y <= x + reach; y++) add(list[x]!, list[y]!);
    }
  };
  // A band's bucket is the articles with the same bandKey. Below 2^21 articles, the key's
  // high 32 bits and the article's index are packed in one double and sorted, and each run
  // of equal high bits is split by the key's low 21 bits: the same buckets, members in index
  // order, without a Map of arrays per band (~60 % of this function's time at 10k).
  const packedKeys = n < 2 ** 21 ? new Float64Array(n) : null;
  const run = new Float64Array(n);
  const members = new Int32Array(n);
  for (let band = 0; band < BANDS; band++) {
    if (!packedKeys) {
      const buckets = new Map<number, number[]>();
      for (let idx = 0; idx < n; idx++) {
        const key = bandKey(signatures[idx]!, band);
        const list = buckets.get(key);
        if (list) list.push(idx);
        else buckets.set(key, [idx]);
      }
      for (const list of buckets.values()) addBucket(list, 0, list.length);
      continue;
    }
    for (let idx = 0; idx < n; idx++) packedKeys[idx] = bandHigh(signatures[idx]!, band) * 2 ** 21 + idx;
    packedKeys.sort();
    forEachRun(packedKeys, (from, to) => {
      // A run (small) split by the low bits the same way, each bucket still in index order.
      const size = to - from;
      for (let j = 0; j < size; j++) {
        const idx = packedKeys[from + j]! % 2 ** 21;
        run[j] = bandLow(signatures[idx]!, band) * 2 ** 21 + idx;
      }
      const split = run.subarray(0, size).sort();
      for (let j = 0; j < size; j++) members[j] = split[j]! % 2 ** 21;
      forEachRun(split, (start, end) => addBucket(members, start, end));
    });
  }
  // A pair is found once per band it shares (~5 times at 10k articles). Below 2^16
  // articles every packed pair fits 32 bits, and the radix sort takes a tenth of the time
  // of sorting doubles (2M of them at 10k articles: 150 ms).
  const found = packed.subarray(0, count);
  if (n * n <= 2 ** 32) {
    const narrow = Uint32Array.from(found);
    radixSort(narrow);
    return Float64Array.from(distinctSorted(narrow));
  }
  return distinctSorted(found.sort()).slice();
}

/**
 * Calls `visit` for each run of two or more values of `sorted` (a × 2^21 + index, sorted)
 * that share their high part a.
 */
function forEachRun(sorted: Float64Array, visit: (from: number, to: number) => void): void {
  for (let from = 0; from < sorted.length;) {
    const high = Math.floor(sorted[from]! / 2 ** 21);
    let to = from + 1;
    while (to < sorted.length && Math.floor(sorted[to]! / 2 ** 21) === high) to++;
    if (to - from >= 2) visit(from, to);
    from = to;
  }
}

/** The distinct values of a sorted array, in place: a view of its start. */
function distinctSorted<T extends Float64Array | Uint32Array>(sorted: T): T {
  let distinct = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[distinct++] = sorted[i]!;
  return sorted.subarray(0, distinct) as T;
}

/**
 * A band's two rows as one number (a Map keyed by numbers is several times faster than one
 * keyed by strings). The 64 bits are folded into 53: the top 21 bits of the second row, and
 * the first row mixed with the rest of the second. Two different bands share a key about
 * once in 2^32 pairs that share those 21 bits, and that only adds a candidate pair, which is
 * then checked on the exact shingle sets like any other.
 */
function bandKey(sig: Uint32Array, band: number): number {
  return bandHigh(sig, band) * 2 ** 21 + bandLow(sig, band);
}
function bandHigh(sig: Uint32Array, band: number): number {
  return (sig[band * ROWS]! ^ Math.imul(sig[band * ROWS + 1]! & 0x7ff, 0x9e3779b1)) >>> 0;
}
function bandLow(sig: Uint32Array, band: number): number {
  return sig[band * ROWS + 1]! >>> 11;
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
