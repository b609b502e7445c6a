/**
 * A date line that opens the body (`<div><i><br>2022-10-31T14:28:57.672Z</i></div>` in DW
 * copies, `<div><i>2020年 6月 25日</i></div>` in others) is metadata, not text: it is taken
 * out of the body and kept in the findings as a candidate publication date.
 *
 * RSS mirrors put the feed's author on the same line, before the date
 * (`<i>王凡（综合报道）<br>2020-07-20T12:07:18.233Z</i>`, `<i>MICHAEL D. SHEAR<br>…</i>`):
 * that byline is kept as a credit.
 */
import type { Transform } from '../types.ts';
import { isBlank, squash, type ElementContent, type Parents, type RootContent } from './hast.ts';

const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const CJK_DATE = /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日(?:\s*(\d{1,2})[:：](\d{2}))?$/;
const DMY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s*-\s*(\d{1,2}):(\d{2}))?$/;
const RFC2822 =
  /^(?:[A-Z][a-z]{2},\s*)?\d{1,2}\s+[A-Z][a-z]{2}\s+\d{4}\s+\d{2}:\d{2}(?::\d{2})?\s*(?:GMT|UTC|Z|[+-]\d{4})$/;

/** Mirror bylines say how the piece was made; that is not part of the name. */
const BYLINE_NOTE = /\s*[（(]?\s*(?:综合报道|综合报导|綜合報導|摘编|摘編|编译|編譯)\s*[）)]?\s*$/;
/** A byline naming the outlet or a feed placeholder is no person. */
const NOT_A_PERSON = /^(?:null|undefined|unknown|none)$|德国之声|德國之聲|中文网|中文網|^DW$/i;

const pad = (n: string): string => n.padStart(2, '0');

/** The date in a form the date parser reads, or null when the line is no date. */
export function normalizeDateLine(value: string): string | null {
  if (ISO.test(value) || RFC2822.test(value)) return value;
  const cjk = CJK_DATE.exec(value);
  if (cjk) return `${cjk[1]}-${pad(cjk[2]!)}-${pad(cjk[3]!)}${cjk[4] ? `T${pad(cjk[4])}:${cjk[5]}` : ''}`;
  const dmy = DMY.exec(value);
  if (dmy) return `${dmy[3]}-${pad(dmy[2]!)}-${pad(dmy[1]!)}${dmy[4] ? `T${pad(dmy[4])}:${dmy[5]}` : ''}`;
  return null;
}

function firstContent(parent: Parents): RootContent | undefined {
  return parent.children.find((c) => c.type === 'element' || (c.type === 'text' && !isBlank(c.value)));
}

/**
 * The text of an element as lines, `<br>` breaking them, blank lines left out; null once
 * there are more than `max`. The first element of a body is often the whole body, and
 * squashing all of its text, line by line, only to count the lines was ~1.5 % of the
 * ingest's CPU.
 */
function linesOf(children: ElementContent[], max: number): string[] | null {
  const lines: string[] = [];
  let current = '';
  const endLine = (): boolean => {
    const line = squash(current);
    current = '';
    if (line) lines.push(line);
    return lines.length <= max;
  };
  const visit = (nodes: ElementContent[]): boolean => {
    for (const node of nodes) {
      if (node.type === 'text') {
        const text = node.value;
        let from = 0;
        for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', from)) {
          current += text.slice(from, end);
          if (!endLine()) return false;
          from = end + 1;
        }
        current += text.slice(from);
      } else if (node.type === 'element') {
        if (node.tagName === 'br') {
          if (!endLine()) return false;
        } else if (!visit(node.children)) return false;
      }
    }
    return true;
  };
  return visit(children) && endLine() ? lines : null;
}

function bylineNames(line: string): string[] {
  const cleaned = line
    .replace(/^(?:null|undefined)\s+/i, '')
    .replace(BYLINE_NOTE, '')
    .trim();
  if (cleaned === '' || cleaned.length > 40 || NOT_A_PERSON.test(cleaned)) return [];
  return cleaned
    .split(/\s*[/／、]\s*/)
    .map((n) => n.trim())
    .filter((n) => n !== '' && !NOT_A_PERSON.test(n));
}

export const extractDateline: Transform = (tree, ctx) => {
  // The line may sit inside the wrapper `<div>`s of the body: look down the first branch.
  let parent: Parents = tree;
  for (let depth = 0; depth < 6; depth++) {
    const first = firstContent(parent);
    if (!first || first.type !== 'element') return;
    const lines = linesOf([first], 2) ?? [];
    const date = lines.length >= 1 ? normalizeDateLine(lines[lines.length - 1]!) : null;
    if (date && (lines.length === 1 || lines[0]!.length <= 40)) {
      ctx.findings.dateline = date;
      if (lines.length === 2) {
        for (const name of bylineNames(lines[0]!)) ctx.findings.credits.push({ role: '作者', name });
      }
      parent.children.splice(parent.children.indexOf(first as never), 1);
      return;
    }
    if (!['div', 'section', 'article', 'header', 'main'].includes(first.tagName)) return;
    parent = first;
  }
};
