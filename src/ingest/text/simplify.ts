/**
 * opencc-js's Traditional → Simplified conversion (`{ from: 'tw', to: 'cn' }`), with the same
 * output, at a fraction of the cost on mostly Simplified text.
 *
 * opencc runs several dictionary passes (normalization, segmentation, two conversion
 * passes), each a greedy longest match. A character that occurs in no dictionary key can
 * never be inside a match, in any pass, so the conversion of `x + c + y` is the conversion
 * of `x`, then `c`, then the conversion of `y`. Such characters (digits, punctuation, and
 * the Simplified characters that no Traditional key contains) split the text into short
 * runs; each run is converted by opencc itself, and runs repeat (names, stock phrases) so
 * their conversions are remembered. Ideographic description characters (U+2FF0–U+2FFF)
 * make opencc skip several characters at once, and surrogates are astral characters; both
 * are always treated as part of a run, which is the safe side.
 */
import * as OpenCC from 'opencc-js';

const convert: (s: string) => string = OpenCC.Converter({ from: 'tw', to: 'cn' });

/**
 * Per UTF-16 code unit: bit 1 when it occurs in some dictionary key (a run must go to
 * opencc whole), bit 2 when some key starts with it. No match can start before a run's
 * first key-starting character, in any pass (each pass is a greedy left-to-right longest
 * match, and a pass only changes what it matches), so that part of the run stays as it is
 * and a run without one is returned unchanged.
 */
let inKey: Uint8Array | null = null;

/** opencc-js presets hold dictionaries as serialized strings (`"key value|key value"`), nested in groups. */
function collectDicts(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectDicts(v, out);
  else if (value !== null && value !== undefined) throw new TypeError('unexpected opencc-js dictionary shape');
}

function keyTable(): Uint8Array {
  if (inKey) return inKey;
  const table = new Uint8Array(0x10000);
  // Surrogates and ideographic description characters always go to opencc (see above).
  table.fill(3, 0xd800, 0xe000);
  table.fill(3, 0x2ff0, 0x3000);
  const locale = OpenCC.Locale as unknown as {
    configs?: Record<string, { normalizationChain?: unknown; segmentation?: unknown; conversionChain?: unknown }>;
  };
  const config = locale.configs?.['tw2s'];
  if (!config) {
    // An opencc-js without this config: send everything to opencc, slow but right.
    table.fill(3);
  } else {
    const dicts: string[] = [];
    collectDicts([config.normalizationChain ?? [], config.segmentation ?? [], config.conversionChain ?? []], dicts);
    for (const dict of dicts) {
      for (const line of dict.split('|')) {
        const key = line.split(' ')[0]!;
        if (key === '') continue;
        for (let i = 0; i < key.length; i++) table[key.charCodeAt(i)] = table[key.charCodeAt(i)]! | 1;
        table[key.charCodeAt(0)] = table[key.charCodeAt(0)]! | 2;
      }
    }
  }
  inKey = table;
  return table;
}

const memo = new Map<string, string>();
const MEMO_LIMIT = 200_000;

function convertRun(run: string): string {
  let out = memo.get(run);
  if (out === undefined) {
    out = convert(run);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(run, out);
  }
  return out;
}

/** Exactly `OpenCC.Converter({ from: 'tw', to: 'cn' })(text)`. */
export function toSimplified(text: string): string {
  const table = keyTable();
  let out = '';
  // Where the run's first key-starting character is: what comes before it in the run
  // starts no match in any pass, so it stays as it is and is left out of the run.
  let first = -1;
  let copied = 0;
  for (let i = 0; i <= text.length; i++) {
    const kind = i < text.length ? table[text.charCodeAt(i)]! : 0;
    if (kind !== 0) {
      if (kind & 2 && first < 0) first = i;
      continue;
    }
    if (first >= 0) {
      const run = text.slice(first, i);
      const converted = convertRun(run);
      if (converted !== run) {
        out += text.slice(copied, first) + converted;
        copied = i;
      }
    }
    first = -1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** For tests: opencc itself. */
export const toSimplifiedReference = convert;
