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
import { readSimpleYaml } from './simple-yaml.ts';

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

/** The reference reading of front matter (simple-yaml.ts must agree with it). */
export function parseYaml(text: string): ReturnType<typeof parseDocument> {
  return parseDocument(text, { schema: 'core', prettyErrors: false, uniqueKeys: false });
}

/** Where the quoted scalar opened at `start` closes on `line`, or -1. */
function closingQuote(line: string, start: number, quote: string): number {
  for (let i = start; i < line.length; i++) {
    const ch = line[i];
    if (quote === '"' && ch === '\\') i++;
    else if (ch === quote) {
      if (quote === "'" && line[i + 1] === "'") i++;
      else return i;
    }
  }
  return -1;
}

/**
 * Blog generators (Hexo's js-yaml, Jekyll's psych) write and read a quoted title that
 * spans lines with its continuation at column 0 (`title: "…\n"`), which strict YAML 1.2
 * rejects: continuation lines must be indented under their key. Indenting them changes
 * nothing else, so a file those tools read is read here the same way.
 */
export function indentQuotedContinuations(yamlText: string): string {
  const lines = yamlText.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    out.push(line);
    const m = /^(\s*)[^\s#:][^:]*:[ \t]+(["'])/.exec(line);
    if (!m) continue;
    const quote = m[2]!;
    if (closingQuote(line, m[0].length, quote) >= 0) continue;
    const indent = `${m[1]!}  `;
    let j = i + 1;
    for (; j < lines.length; j++) {
      const next = lines[j]!;
      out.push(next.startsWith(indent) ? next : indent + next.trimStart());
      if (closingQuote(next, 0, quote) >= 0) break;
    }
    i = j;
  }
  return out.join('\n');
}

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
  return {
    data: readSimpleYaml(yamlText) ?? readYaml(yamlText, first),
    rest: lines.slice(close + 1).join('\n'),
    restLine: close + 2,
  };
}

/** Front matter through the `yaml` package; `first` is the opening fence's 0-based line. */
function readYaml(yamlText: string, first: number): FrontMatter {
  let doc = parseYaml(yamlText);
  if (doc.errors.length > 0) {
    const repaired = indentQuotedContinuations(yamlText);
    if (repaired !== yamlText) {
      const second = parseYaml(repaired);
      if (second.errors.length === 0) doc = second;
    }
  }
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
  return (data ?? {}) as FrontMatter;
}
