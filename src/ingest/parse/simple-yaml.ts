/**
 * Reads the front matter the blog pipelines write: `key: value` lines whose values are
 * plain or quoted scalars on one line, or lists of them (`[ a, b ]`, or `- a` lines under
 * the key). Returns null for anything else, and the caller hands the text to the `yaml`
 * package, which stays the reference.
 *
 * Why not `yaml` alone: its parser (lexer, CST, composer, then toJS) was a tenth of the
 * ingest's CPU time, ~0.13 ms of ~1 ms per article, for documents of seven lines. This
 * reader answers only where the YAML 1.2 core schema gives one reading it can be sure of,
 * and returns null at the first doubt (a comment, an escape, a tab, a duplicate key, a
 * nested mapping, a scalar that spans lines, a tag, an anchor, a number in another base).
 * tests/simple-yaml.test.ts checks, on generated documents, that whenever it answers it
 * gives exactly what `yaml` gives.
 */
import type { FrontMatter } from './frontmatter.ts';

type Scalar = string | number | boolean | null;

/** YAML strips spaces only: String#trim would also take U+3000 and U+00A0, which are text. */
function trimSpaces(text: string): string {
  return text.replace(/^ +| +$/g, '');
}
/** Characters YAML reads differently or not at all, and a BOM: left to yaml. */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const UNSURE = /[\t\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029\ufeff]/;

const KEY = /^([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*))?$/;
const SEQUENCE_ITEM = /^( *)- +(.*)$/;
/** Keys the core schema reads as something other than a string. */
const NON_STRING_KEY = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$/;
/** Characters that start something other than a plain scalar (YAML 1.2, 5.3). */
const INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`.~+]/;
const INT = /^[0-9]+$/;
const FLOAT = /^[0-9]+\.[0-9]+$/;

/** A plain scalar the core schema reads as text, an integer or a decimal; undefined if unsure. */
function plain(text: string, inFlow: boolean): Scalar | undefined {
  if (text === '' || INDICATOR.test(text)) return undefined;
  if (text.includes(': ') || text.includes(' #') || text.endsWith(':')) return undefined;
  if (inFlow && /[,[\]{}]/.test(text)) return undefined;
  if (text !== trimSpaces(text)) return undefined;
  if (NON_STRING_KEY.test(text)) return text.toLowerCase() === 'null' ? null : text.toLowerCase() === 'true';
  if (INT.test(text)) {
    // Beyond 2^53 the core schema's reading depends on options: leave it to yaml.
    return text.length <= 15 ? Number.parseInt(text, 10) : undefined;
  }
  if (FLOAT.test(text)) return text.length <= 15 ? Number.parseFloat(text) : undefined;
  // Anything else that starts like a number (1e5, 0x1F, 0o17, 1_000…) is left to yaml.
  if (/^[0-9][0-9a-zA-Z._]*$/.test(text)) return undefined;
  return text;
}

/** A quoted scalar that is all of `text`, or undefined. */
function quoted(text: string): string | undefined {
  const quote = text[0];
  if ((quote !== '"' && quote !== "'") || text.length < 2 || text[text.length - 1] !== quote) return undefined;
  const inner = text.slice(1, -1);
  if (quote === "'") {
    // '' is a quote; a lone ' would have closed the scalar.
    if (inner.replaceAll("''", '').includes("'")) return undefined;
    return inner.replaceAll("''", "'");
  }
  let out = '';
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i]!;
    if (ch === '"') return undefined;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = inner[++i];
    if (next !== '"' && next !== '\\') return undefined;
    out += next;
  }
  return out;
}

function scalar(text: string, inFlow: boolean): Scalar | undefined {
  if (text[0] === '"' || text[0] === "'") return quoted(text);
  return plain(text, inFlow);
}

/** `[ a, b ]` on one line, or undefined. */
function flowSequence(text: string): Scalar[] | undefined {
  if (!text.startsWith('[') || !text.endsWith(']')) return undefined;
  const inner = trimSpaces(text.slice(1, -1));
  if (inner === '') return [];
  const items: Scalar[] = [];
  for (const part of inner.split(',').map(trimSpaces)) {
    const item = scalar(part, true);
    // A quoted item holding a comma was cut apart: not read here.
    if (item === undefined || /^["']/.test(part) !== /["']$/.test(part)) return undefined;
    items.push(item);
  }
  return items;
}

export function readSimpleYaml(text: string): FrontMatter | null {
  if (UNSURE.test(text)) return null;
  const lines = text.split('\n');
  const data: FrontMatter = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^ *$/.test(line)) continue;
    const m = KEY.exec(line);
    if (!m) return null;
    const key = m[1]!;
    if (NON_STRING_KEY.test(key) || Object.hasOwn(data, key) || key === '__proto__') return null;
    const value = trimSpaces(m[2] ?? '');
    if (value !== '') {
      const read = value.startsWith('[') ? flowSequence(value) : scalar(value, false);
      if (read === undefined) return null;
      data[key] = read;
      continue;
    }
    // Nothing after the colon: a block sequence follows, or the value is null.
    const items: Scalar[] = [];
    let indent: string | undefined;
    while (i + 1 < lines.length) {
      const next = lines[i + 1]!;
      if (/^ *$/.test(next)) {
        i++;
        continue;
      }
      const item = SEQUENCE_ITEM.exec(next);
      if (!item) {
        if (next.startsWith(' ')) return null;
        break;
      }
      if (indent === undefined) indent = item[1]!;
      if (item[1] !== indent) return null;
      const read = scalar(trimSpaces(item[2]!), false);
      if (read === undefined) return null;
      items.push(read);
      i++;
    }
    data[key] = indent === undefined ? null : items;
  }
  return data;
}
