/**
 * Plain text (newspaper reprints of Xinhua copy): no metadata, no markup.
 *
 * The text is often hard-wrapped at the newspaper's column width, with a blank line after
 * every line, so blank lines say nothing about paragraphs. We reflow it from the shape of the
 * lines: in a justified column every line of a paragraph is full width except the first
 * (indented by two characters, the indent itself lost) and the last (which ends a sentence
 * and is usually short). A closing block of very short lines is the photo block (headline,
 * caption, credit), kept apart as the trailer.
 */
import type { InputFormatModule } from '../types.ts';

const TERMINAL = /[。！？…；”」』）)\]]$/;
const NARROW = /[\u0020-\u007e\u201c\u201d\u2018\u2019]/;

/** Display width in ideograph units: ASCII and curly quotes are set half width. */
export function displayWidth(line: string): number {
  let w = 0;
  for (const ch of line) w += NARROW.test(ch) ? 0.5 : 1;
  return w;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Joins wrapped lines: CJK lines join without a space, Latin words with one. */
function joinLines(lines: string[]): string {
  let out = '';
  for (const line of lines) {
    if (out && /[A-Za-z0-9,.;:]$/.test(out) && /^[A-Za-z0-9]/.test(line)) out += ' ';
    out += line;
  }
  return out;
}

export interface Reflowed {
  paragraphs: string[];
  trailer: string[];
}

export function reflow(text: string): Reflowed {
  const all = text.split('\n').map((l) => l.replace(/\s+$/u, '').replace(/^[\s\u3000]+/u, ''));
  const lines = all.filter((l) => l !== '');
  if (lines.length === 0) return { paragraphs: [], trailer: [] };

  const blankRuns = all.length - lines.length;
  const widths = lines.map(displayWidth);
  // The column width: most lines are full, but start lines and punctuation squeezing make
  // many a little shorter, so the median undershoots; the 80th percentile does not.
  const full = percentile(widths, 0.8);
  // Many blank lines are not enough: short one-line paragraphs separated by blank lines look
  // the same. A wrapped column has a blank line after (nearly) every line, and most of its
  // lines, the closing photo block aside, are full or indented first lines.
  let adjacent = 0;
  for (let i = 1; i < all.length; i++) if (all[i] !== '' && all[i - 1] !== '') adjacent++;
  let body = widths.length;
  while (body > 0 && widths[body - 1]! < full * 0.5) body--;
  const inColumn = widths.slice(0, body).filter((w) => w >= full - 3.5 && w <= full + 1).length;
  const hardWrapped =
    lines.length >= 6 &&
    full <= 40 &&
    blankRuns >= lines.length * 0.5 &&
    adjacent <= lines.length * 0.1 &&
    inColumn >= body * 0.5;
  if (!hardWrapped) {
    // Ordinary plain text: blank lines separate paragraphs, single newlines are soft.
    const paragraphs = text
      .split(/\n[ \t\u3000]*\n/)
      .map((block) =>
        joinLines(
          block
            .split('\n')
            .map((l) => l.trim())
            .filter(Boolean),
        ),
      )
      .filter(Boolean);
    return { paragraphs, trailer: [] };
  }

  // The photo block: a run of lines narrower than half the column at the end, with a credit
  // (■ 新华社, 记者 X/摄), preceded by its headline (a line that does not end a sentence).
  let end = lines.length;
  while (end > 0 && widths[end - 1]! < full * 0.5) end--;
  let trailer: string[] = [];
  const block = lines.slice(end);
  if (block.length >= 2 && block.some((l) => /^■|摄$|\/摄|摄影|图\s*[:：]/.test(l))) {
    if (end > 0 && !TERMINAL.test(lines[end - 1]!) && widths[end - 1]! < full - 2) end--;
    trailer = lines.slice(end);
  } else {
    end = lines.length;
  }

  const paragraphs: string[] = [];
  let current: string[] = [];
  const startBand = (w: number): boolean => w >= full - 3.5 && w <= full - 1.5;
  for (let i = 0; i < end; i++) {
    const line = lines[i]!;
    const w = widths[i]!;
    const first = current.length === 0;
    current.push(line);
    const nextW = i + 1 < end ? widths[i + 1]! : 0;
    let ends = false;
    if (TERMINAL.test(line)) {
      // A first line is two characters short; one that ends a sentence and is followed by
      // another first line is a whole one-line paragraph.
      if (first) ends = w < full - 3.5 || (startBand(w) && startBand(nextW));
      else ends = w <= full - 1.5 || startBand(nextW);
    }
    if (ends || i === end - 1) {
      paragraphs.push(joinLines(current));
      current = [];
    }
  }
  return { paragraphs, trailer };
}

export const plainText: InputFormatModule = {
  id: 'plain-text',
  description: 'plain text without metadata, possibly hard-wrapped (newspaper reprints of Xinhua)',
  accepts: ({ frontMatter, header, body }) =>
    frontMatter === null && header === null && !/<(?:p|div|br|img|span|a|h[1-6]|section|article)\b[^>]*>/i.test(body),
  toDocument: ({ path, frontMatter, header, body, bodyLine }) => {
    const plain = reflow(body);
    return {
      path,
      format: 'plain-text',
      frontMatter,
      header,
      html: plain.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n'),
      bodyLine,
      plain,
    };
  },
};
