/**
 * opencc-js's Traditional → Simplified conversion (`{ from: 'tw', to: 'cn' }`), with the same
 * output for every string, at a fraction of its cost.
 *
 * opencc-js's own conversion was about a tenth of the ingest's CPU: four passes
 * (normalization, segmentation, two conversion passes), each a `Map` lookup per code point,
 * `codePointAt`, and arrays of pieces joined. Most of real text is left alone by every pass,
 * so `toSimplified` first finds, in one scan with a table per code unit, the few places where
 * some key of some pass occurs at all, and runs the passes only there. The passes themselves
 * are opencc-js's algorithm step for step (greedy longest match by code point, the first
 * dictionary of a group winning a key, ideographic description sequences copied whole,
 * segments converted independently), over tries in typed arrays built from opencc-js's own
 * preset, so that the output is equal rather than close.
 */
import * as OpenCC from 'opencc-js';

const HIGH_FIRST = 0xd800;
const HIGH_LAST = 0xdbff;
const LOW_FIRST = 0xdc00;
const LOW_LAST = 0xdfff;
const IDC_FIRST = 0x2ff0;
const IDC_LAST = 0x2fff;

/**
 * Code units of the code point at `i` of `s[..end)`: a pair cut by `end` is a lone
 * surrogate, as in the slice opencc-js would see.
 */
function codePointLength(s: string, i: number, end: number): number {
  const c = s.charCodeAt(i);
  if (c < HIGH_FIRST || c > HIGH_LAST || i + 1 >= end) return 1;
  const next = s.charCodeAt(i + 1);
  return next >= LOW_FIRST && next <= LOW_LAST ? 2 : 1;
}

/** How many parts an ideographic description character takes; 0 for other characters. */
function arity(c: number): number {
  if (c < IDC_FIRST || c > IDC_LAST) return 0;
  return c === 0x2ff2 || c === 0x2ff3 ? 3 : 2;
}

/**
 * opencc-js's `getIdeographicDescriptionSequenceEnd`: where the sequence starting at `i`
 * ends in `s[..end)`, 0 when it is cut short. Theirs recurses and reads the parts after a
 * part cut short again, which is exponential in a run of these characters (40 take them
 * 0.1 s) and overflows the stack on a long one; the same answer comes here from an explicit
 * stack and a memo.
 */
function sequenceEnd(s: string, i: number, end: number): number {
  const known = new Map<number, number>();
  // The enclosing sequences: their start, parts still to read, where the current part starts.
  const stack: number[] = [];
  let start = i;
  let left = arity(s.charCodeAt(i));
  let at = i + 1;
  for (;;) {
    if (left > 0 && at < end) {
      const partArity = arity(s.charCodeAt(at));
      const part = partArity === 0 ? 0 : known.get(at);
      if (part === undefined) {
        stack.push(start, left, at);
        start = at;
        left = partArity;
        at += 1;
      } else {
        // A part that is no sequence, or one cut short, is one character.
        at = part || at + codePointLength(s, at, end);
        left--;
      }
      continue;
    }
    const result = left === 0 ? at : 0;
    known.set(start, result);
    if (stack.length === 0) return result;
    at = stack.pop()!;
    left = stack.pop()! - 1;
    start = stack.pop()!;
    at = result || at + 1;
  }
}

/** opencc-js's `getUnmatchedLength`: how far a pass moves past `i` when no key matches there. */
function unmatchedLength(s: string, i: number, end: number): number {
  if (arity(s.charCodeAt(i)) > 0) {
    const sequence = sequenceEnd(s, i, end);
    if (sequence > i) return sequence - i;
  }
  return codePointLength(s, i, end);
}

/**
 * Calls `entry` with each line of a serialized dictionary (`key value|key value`): the key is
 * `dict[from..space)`, the value `dict[space + 1..valueEnd)`. As opencc-js's `loadDict`,
 * which splits a line at every space and keeps the first two fields.
 */
function forEachEntry(dict: string, entry: (from: number, space: number, valueEnd: number) => void): void {
  for (let line = 0; ;) {
    let lineEnd = dict.indexOf('|', line);
    if (lineEnd < 0) lineEnd = dict.length;
    const space = dict.indexOf(' ', line);
    if (space < 0 || space > lineEnd) {
      throw new TypeError('Invalid dictionary entry: expected string entries to use "source replacement" format.');
    }
    const valueEnd = dict.indexOf(' ', space + 1);
    entry(line, space, valueEnd < 0 || valueEnd > lineEnd ? lineEnd : valueEnd);
    if (lineEnd === dict.length) return;
    line = lineEnd + 1;
  }
}

/**
 * One of opencc-js's tries (a dictionary group), keyed by code point like theirs. Node 0 is
 * the root; the root's children are a direct table over the Basic Multilingual Plane (almost
 * every lookup), other edges an open-addressing hash on (parent, code point).
 */
class Trie {
  /** Per code unit: nonzero when a pass cannot step over it as one unmatched unit. */
  readonly stop = new Uint8Array(0x10000);
  private readonly root = new Int32Array(0x10000);
  private readonly edgeParent: Int32Array;
  private readonly edgeCodePoint: Int32Array;
  /** 0 marks a free slot: no edge leads to the root. */
  private readonly edgeChild: Int32Array;
  private readonly mask: number;
  /** Per node: index into `values`, -1 when no key ends there. */
  private readonly valueOf: Int32Array;
  readonly values: string[] = [];
  private nodes = 1;
  /** The value (index into `values`) of the last successful `match`, so that matching allocates nothing. */
  matched = -1;
  /** Where the key found by the last `nextMatch` ends. */
  matchEnd = 0;

  /** Loads like opencc-js's `loadDictGroup`: in reverse, so that the group's first dictionary wins a key. */
  constructor(group: readonly string[]) {
    // A key has at most one node per code unit: bounds for the node and edge arrays.
    const units = group.reduce((sum, dict) => sum + dict.length, 1);
    let capacity = 16;
    while (capacity < units * 2) capacity *= 2;
    this.mask = capacity - 1;
    this.edgeParent = new Int32Array(capacity);
    this.edgeCodePoint = new Int32Array(capacity);
    this.edgeChild = new Int32Array(capacity);
    this.valueOf = new Int32Array(units + 1).fill(-1);
    for (let d = group.length - 1; d >= 0; d--) {
      const dict = group[d]!;
      // A later line wins a key, as in opencc-js's `addWord`.
      forEachEntry(dict, (from, space, valueEnd) => this.addWord(dict, from, space, dict.slice(space + 1, valueEnd)));
    }
    this.stop.fill(1, HIGH_FIRST, HIGH_LAST + 1);
    this.stop.fill(1, IDC_FIRST, IDC_LAST + 1);
  }

  /** The key is `s[from..to)`, read by code point as `for…of` does. */
  private addWord(s: string, from: number, to: number, value: string): void {
    let node = 0;
    for (let i = from; i < to;) {
      const length = codePointLength(s, i, to);
      node = this.child(node, length === 2 ? s.codePointAt(i)! : s.charCodeAt(i), true);
      i += length;
    }
    this.valueOf[node] = this.values.push(value) - 1;
  }

  /** The child of `parent` by `codePoint`; 0 when there is none and `create` is false. */
  private child(parent: number, codePoint: number, create: boolean): number {
    if (parent === 0 && codePoint < 0x10000) {
      if (this.root[codePoint] === 0 && create) {
        this.root[codePoint] = this.nodes++;
        this.stop[codePoint] = 1;
      }
      return this.root[codePoint]!;
    }
    let h = Math.imul(parent, 0x01000193) ^ codePoint;
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
    let slot = (h ^ (h >>> 12)) & this.mask;
    for (;;) {
      const child = this.edgeChild[slot]!;
      if (child === 0) break;
      if (this.edgeParent[slot] === parent && this.edgeCodePoint[slot] === codePoint) return child;
      slot = (slot + 1) & this.mask;
    }
    if (!create) return 0;
    this.edgeParent[slot] = parent;
    this.edgeCodePoint[slot] = codePoint;
    return (this.edgeChild[slot] = this.nodes++);
  }

  /**
   * opencc-js's `matchPrefix` on `s[..end)`: the end of the longest key starting at `i`, 0
   * when none does; its value goes to `matched`.
   */
  match(s: string, i: number, end: number): number {
    let found = 0;
    let node = 0;
    for (let j = i; j < end;) {
      const length = codePointLength(s, j, end);
      node = this.child(node, length === 2 ? s.codePointAt(j)! : s.charCodeAt(j), false);
      if (node === 0) break;
      j += length;
      const value = this.valueOf[node]!;
      if (value >= 0) {
        found = j;
        this.matched = value;
      }
    }
    return found;
  }
}

/**
 * Where the next key of `trie` starts at or after `i` in `s[..end)`, as opencc-js's passes
 * step (over an unmatched character, or a whole ideographic description sequence); `end`
 * when there is none. The key's end goes to `trie.matchEnd`, its value to `trie.matched`.
 */
function nextMatch(trie: Trie, s: string, i: number, end: number): number {
  const stop = trie.stop;
  while (i < end) {
    if (stop[s.charCodeAt(i)] === 0) {
      i++;
      continue;
    }
    const matchEnd = trie.match(s, i, end);
    if (matchEnd !== 0) {
      trie.matchEnd = matchEnd;
      return i;
    }
    i += unmatchedLength(s, i, end);
  }
  return end;
}

/**
 * opencc-js's `Trie.convert` on `s[start..end)`; null when no key matched, so that the
 * common case builds nothing.
 */
function convertRange(trie: Trie, s: string, start: number, end: number): string | null {
  let out: string | null = null;
  let copied = start;
  for (let i = nextMatch(trie, s, start, end); i < end; i = nextMatch(trie, s, copied, end)) {
    out = (out ?? '') + s.slice(copied, i) + trie.values[trie.matched]!;
    copied = trie.matchEnd;
  }
  return out === null ? null : out + s.slice(copied, end);
}

interface Passes {
  normalization: Trie[];
  segmentation: Trie | null;
  conversion: Trie[];
  /** Per code unit, the bits below. */
  kind: Uint8Array;
  /** Bit set over a hash of the first two code units of every key longer than one unit. */
  pairs: Int32Array;
}

/*
 * Bits of `kind`, per code unit. A unit with none occurs in no key and is no surrogate: it
 * separates regions (see `toSimplified`).
 */
/** The unit occurs in a key, or is a surrogate (which must stay with its pair). */
const INSIDE = 1;
/** Some key longer than one unit starts with it. */
const STARTS = 2;
/** The unit alone is a key. */
const KEY = 4;
/** An ideographic description character: the text goes through the passes whole. */
const WHOLE = 8;

/** 2^18 bits: 32 KiB, for about 2000 pairs; a false hit only costs running the passes on a region. */
const PAIR_BITS = 18;

function pairBit(first: number, second: number): number {
  return Math.imul(first * 0x10000 + second, 0x9e3779b1) >>> (32 - PAIR_BITS);
}

/** A dictionary group as the preset holds it: serialized dictionaries. */
function group(value: unknown): string[] {
  if (Array.isArray(value) && value.every((dict) => typeof dict === 'string')) return value;
  throw new TypeError('unexpected opencc-js dictionary shape');
}

function groups(value: unknown): string[][] {
  if (Array.isArray(value)) return value.map(group);
  throw new TypeError('unexpected opencc-js dictionary shape');
}

let passes: Passes | null = null;

/**
 * The tries opencc-js's `ConverterBuilder` makes for `tw2s`: one per group of the
 * normalization and conversion chains (what `normalizeConverterFactoryDictGroups` makes of
 * groups of serialized dictionaries), one for the segmentation.
 */
function build(): Passes {
  if (passes) return passes;
  const config: unknown = OpenCC.Locale.configs['tw2s'];
  if (typeof config !== 'object' || config === null) throw new TypeError('opencc-js has no tw2s preset');
  const { normalizationChain, segmentation, conversionChain } = config as Record<string, unknown>;
  const normalization = normalizationChain ? groups(normalizationChain) : [];
  const segments = segmentation ? (typeof segmentation === 'string' ? [segmentation] : group(segmentation)) : null;
  const conversion = groups(conversionChain);
  const dicts = [...normalization.flat(), ...(segments ?? []), ...conversion.flat()];

  const kind = new Uint8Array(0x10000);
  const pairs = new Int32Array(1 << (PAIR_BITS - 5));
  for (const dict of dicts) {
    forEachEntry(dict, (from, to) => {
      for (let i = from; i < to; i++) kind[dict.charCodeAt(i)]! |= INSIDE;
      const first = dict.charCodeAt(from);
      if (to - from === 1) kind[first]! |= KEY;
      else if (to - from > 1) {
        kind[first]! |= STARTS;
        const bit = pairBit(first, dict.charCodeAt(from + 1));
        pairs[bit >>> 5]! |= 1 << (bit & 31);
      }
    });
  }
  for (let c = HIGH_FIRST; c <= LOW_LAST; c++) kind[c]! |= INSIDE;
  kind.fill(INSIDE | WHOLE, IDC_FIRST, IDC_LAST + 1);
  // A sequence brought in by a value could reach across a boundary: never split the text then.
  if (dicts.some((dict) => /[\u2ff0-\u2fff]/.test(dict))) kind.fill(INSIDE | WHOLE);

  passes = {
    normalization: normalization.map((g) => new Trie(g)),
    segmentation: segments ? new Trie(segments) : null,
    conversion: conversion.map((g) => new Trie(g)),
    kind,
    pairs,
  };
  return passes;
}

/** The conversion chain on one segment, `s[start..end)`; null when no key matched. */
function convertSegment(conversion: readonly Trie[], s: string, start: number, end: number): string | null {
  let out: string | null = null;
  for (const trie of conversion) {
    out = (out === null ? convertRange(trie, s, start, end) : convertRange(trie, out, 0, out.length)) ?? out;
  }
  return out;
}

/** opencc-js's converter, pass by pass. */
function convertPasses(built: Passes, text: string): string {
  let s = text;
  for (const trie of built.normalization) s = convertRange(trie, s, 0, s.length) ?? s;
  const n = s.length;
  // opencc-js's `segment`: each key of the segmentation trie is a segment, and so is each
  // stretch between them.
  const ends: number[] = [];
  const segmentation = built.segmentation;
  if (segmentation) {
    let stretch = 0;
    for (let i = nextMatch(segmentation, s, 0, n); i < n; i = nextMatch(segmentation, s, stretch, n)) {
      if (stretch < i) ends.push(i);
      ends.push((stretch = segmentation.matchEnd));
    }
    if (stretch < n) ends.push(n);
  } else ends.push(n);

  let out = '';
  let copied = 0;
  let start = 0;
  for (const end of ends) {
    const converted = convertSegment(built.conversion, s, start, end);
    if (converted !== null) {
      out += s.slice(copied, start) + converted;
      copied = end;
    }
    start = end;
  }
  return copied === 0 ? s : out + s.slice(copied);
}

/**
 * Exactly `OpenCC.Converter({ from: 'tw', to: 'cn' })(text)`.
 *
 * A code unit that occurs in no key and is no surrogate is never inside a match, in any
 * pass, nor changed: it stays in every pass's output, where it still occurs in no key (and
 * every pass reaches it and steps over it alone, even at the end of a segment). So the text
 * converts as the regions between such units, each on its own, and a region in which no key
 * of any pass occurs anywhere is left as it is by every pass. That is most of real text; the
 * passes run on the rest. An ideographic description sequence is the exception, as opencc-js
 * steps over one whole, which can span such a unit: a text with one goes through whole.
 */
export function toSimplified(text: string): string {
  const built = build();
  const { kind, pairs } = built;
  const n = text.length;
  let out = '';
  let copied = 0;
  let next = n > 0 ? text.charCodeAt(0) : 0;
  for (let i = 0; i < n; i++) {
    const c = next;
    next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
    const k = kind[c]!;
    const bit = pairBit(c, next);
    // Whether a key may start here: the unit is one, or starts one and the pair filter lets
    // the next unit through (starts of keys are mostly common characters, and what follows
    // them is mostly no key's second unit). Without branches, as they would be unpredictable.
    if (((((k & STARTS) >>> 1) & (pairs[bit >>> 5]! >>> (bit & 31))) | (k & (KEY | WHOLE))) === 0) continue;
    if (k & WHOLE) return convertPasses(built, text);
    // A key may occur here: convert this region, and go on after it.
    let start = i;
    while (start > 0 && kind[text.charCodeAt(start - 1)] !== 0) start--;
    let end = i + 1;
    for (; end < n && kind[text.charCodeAt(end)] !== 0; end++) {
      if (kind[text.charCodeAt(end)]! & WHOLE) return convertPasses(built, text);
    }
    const before = text.slice(start, end);
    const after = convertPasses(built, before);
    if (after !== before) {
      out += text.slice(copied, start) + after;
      copied = end;
    }
    i = end - 1;
    next = end < n ? text.charCodeAt(end) : 0;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

let reference: ((text: string) => string) | null = null;

/** For tests: opencc-js itself, built on first use so that the ingest does not build its tries too. */
export function toSimplifiedReference(text: string): string {
  const convert = (reference ??= OpenCC.Converter({ from: 'tw', to: 'cn' }));
  return convert(text);
}
