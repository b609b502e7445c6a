/**
 * Split and parse YAML front matter, safely.
 *
 * Written here instead of using gray-matter because gray-matter runs `---js` /
 * `---javascript` front matter through `eval` by default, and its `engines` option does not
 * reliably stop it. Here a fence that names any language but YAML is refused, and YAML is
 * parsed with the `yaml` package's core schema, which has no tags that construct code or
 * objects.
 */
import { parseDocument } from 'yaml';

export type FrontMatter = Record<string, unknown>;

export interface FrontMatterSplit {
  data: FrontMatter;
  /** The text after the closing fence. */
  rest: string;
  /** 1-based line number of the first line of `rest` in the file. */
  restLine: number;
}

export class InputError extends Error {
  override name = 'InputError';
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

const OPENING = /^---[ \t]*([A-Za-z0-9_-]*)[ \t]*$/;
const CLOSING = /^(?:---|\.\.\.)[ \t]*$/;

/**
 * Returns null when the text has no front matter (the first non-blank line is not `---…`).
 * Throws InputError for front matter that must not be read.
 */
export function splitFrontMatter(text: string): FrontMatterSplit | null {
  const lines = text.split('\n');
  let first = 0;
  while (first < lines.length && lines[first]!.trim() === '') first++;
  if (first >= lines.length) return null;
  const open = OPENING.exec(lines[first]!.replace(/\r$/, ''));
  if (!open) return null;
  const language = open[1]!.toLowerCase();
  if (language !== '' && language !== 'yaml' && language !== 'yml') {
    throw new InputError(
      `front matter in language "${open[1]}" is refused: only YAML front matter is read, never executed`,
      first + 1,
    );
  }
  let close = -1;
  for (let i = first + 1; i < lines.length; i++) {
    if (CLOSING.test(lines[i]!.replace(/\r$/, ''))) {
      close = i;
      break;
    }
  }
  if (close < 0) throw new InputError('front matter is not terminated: no closing "---" line', first + 1);

  const yamlText = lines.slice(first + 1, close).join('\n');
  const doc = parseDocument(yamlText, { schema: 'core', prettyErrors: false, uniqueKeys: false });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const yamlLine = err.linePos?.[0]?.line;
    throw new InputError(
      `invalid YAML front matter: ${err.message.split('\n')[0]}`,
      yamlLine === undefined ? first + 1 : first + 1 + yamlLine,
    );
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (data !== null && (typeof data !== 'object' || Array.isArray(data))) {
    throw new InputError('front matter is not a mapping of keys to values', first + 2);
  }
  return {
    data: (data ?? {}) as FrontMatter,
    rest: lines.slice(close + 1).join('\n'),
    restLine: close + 2,
  };
}
