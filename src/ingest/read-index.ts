/**
 * Reads index.json, the archive's summaries, one element at a time.
 *
 * `JSON.parse(readFileSync(path, 'utf8'))` first decodes the whole file into one string: at
 * 100k articles ~340 MB of UTF-8, a two-byte string of ~0.5 GB beside the parsed summaries,
 * and past ~200k articles longer than V8's longest string (~536 million characters), where
 * the site could no longer be built at all. The run writes the index as stableJson prints
 * it (`[`, then each summary indented by two spaces, `,` between them, `]`): a JSON string
 * holds no raw newline and anything nested is indented by four spaces or more, so a line
 * that is `  }` closes a summary, and each is parsed on its own. A file in any other layout
 * (written by hand, say) is parsed whole, as before. No library: a streaming JSON parser
 * (stream-json and the like) reads token by token in JavaScript, several times slower than
 * V8's JSON.parse on each element.
 */
import { readFileSync } from 'node:fs';
import type { ArticleSummary } from '../schema/article.ts';

const OPEN = Buffer.from('[\n  {');
const CLOSE = Buffer.from('\n  }');
const EMPTY = Buffer.from('[]\n');

export function readIndex(path: string): ArticleSummary[] {
  const bytes = readFileSync(path);
  const summaries = indexElements(bytes);
  return summaries ?? (JSON.parse(bytes.toString('utf8')) as ArticleSummary[]);
}

/** The summaries of an index in stableJson's layout, or null when it is not in it. */
export function indexElements(bytes: Buffer): ArticleSummary[] | null {
  if (bytes.equals(EMPTY)) return [];
  if (!bytes.subarray(0, OPEN.length).equals(OPEN)) return null;
  const summaries: ArticleSummary[] = [];
  // Each element from its `{` to its `}`; after it, `,\n` and the next, or `\n]\n` and the end.
  for (let start = 4; ;) {
    const close = bytes.indexOf(CLOSE, start);
    if (close < 0) return null;
    const end = close + CLOSE.length;
    let element: unknown;
    try {
      element = JSON.parse(bytes.toString('utf8', start, end));
    } catch {
      return null;
    }
    if (typeof element !== 'object' || element === null || Array.isArray(element)) return null;
    summaries.push(element as ArticleSummary);
    const after = bytes.toString('latin1', end, end + 5);
    if (after === ',\n  {') start = end + 4;
    else if (after === '\n]\n' && end + 3 === bytes.length) return summaries;
    else return null;
  }
}
