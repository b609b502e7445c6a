/** Reflowing hard-wrapped newspaper text back into paragraphs. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { displayWidth, reflow } from '../src/ingest/formats/plain-text.ts';

const COLUMN = 25;
const POOL =
  '国家主席习近平在北京同美国总统拜登举行视频会晤双方就中美关系发展的战略性全局性根本性问题以及共同关心的重要问题进行了充分深入的沟通和交流';

/** A paragraph of `length` characters: clauses split by ，, ending with 。. */
function paragraph(length: number, seed: number): string {
  const chars: string[] = [];
  for (let i = 0; i < length - 1; i++) {
    const clauseEnd = (i + seed) % 11 === 10 && i < length - 3;
    chars.push(clauseEnd ? '，' : POOL[(i * 7 + seed * 13) % POOL.length]!);
  }
  return chars.join('') + '。';
}

/** Sets paragraphs in a justified column: first line indented two characters (indent lost). */
function hardWrap(paragraphs: string[], trailer: string[] = []): string {
  const lines: string[] = [];
  for (const p of paragraphs) {
    const chars = Array.from(p);
    let width = COLUMN - 2;
    while (chars.length > 0) {
      lines.push(chars.splice(0, width).join(''));
      width = COLUMN;
    }
  }
  return [...lines, ...trailer].map((l) => `${l}\n\n`).join('');
}

describe('reflow', () => {
  it('recovers the paragraphs of a hard-wrapped column', () => {
    const paragraphs = [60, 35, 100, 14, 75, 48, 30, 90].map((n, i) => paragraph(n, i));
    const result = reflow(hardWrap(paragraphs));
    assert.deepEqual(result.paragraphs, paragraphs);
    assert.deepEqual(result.trailer, []);
  });

  it('ends a paragraph whose last line is exactly full', () => {
    // 23 + 25 characters: the last line is full width and still ends the paragraph.
    const paragraphs = [paragraph(60, 1), paragraph(48, 2), paragraph(73, 3), paragraph(40, 4), paragraph(55, 5)];
    assert.deepEqual(reflow(hardWrap(paragraphs)).paragraphs, paragraphs);
  });

  it('ends a one-line paragraph that fills the first line exactly', () => {
    const paragraphs = [paragraph(60, 1), paragraph(23, 2), paragraph(73, 3), paragraph(40, 4), paragraph(55, 5)];
    assert.deepEqual(reflow(hardWrap(paragraphs)).paragraphs, paragraphs);
  });

  it('keeps a sentence ending inside a paragraph at a line end', () => {
    // Line 2 of the first paragraph ends with 。 at full width; the paragraph goes on.
    const first = paragraph(48, 1) + paragraph(30, 2);
    const paragraphs = [first, paragraph(60, 3), paragraph(40, 4), paragraph(52, 5)];
    assert.match(hardWrap(paragraphs).split('\n\n')[1]!, /^.{24}。$/u);
    assert.deepEqual(reflow(hardWrap(paragraphs)).paragraphs, paragraphs);
  });

  it('moves the closing photo block into the trailer', () => {
    const paragraphs = [60, 35, 100, 44].map((n, i) => paragraph(n, i));
    const trailer = [
      '习近平同美国总统拜登举行视频会晤',
      '11 月 16 日上',
      '午，国家主席习近平',
      '在北京同美国总',
      '统拜登举行视频',
      '会晤。',
      '■ 新华社',
      '记者 黄敬文/摄',
    ];
    const result = reflow(hardWrap(paragraphs, trailer));
    assert.deepEqual(result.paragraphs, paragraphs);
    assert.deepEqual(result.trailer, trailer);
  });

  it('keeps ordinary blank-line-separated paragraphs', () => {
    const text =
      '第一段文字，没有硬换行。\n\n第二段文字\n接着上一行。\n\nSecond paragraph in\nEnglish words.\n\n第四段。\n';
    assert.deepEqual(reflow(text).paragraphs, [
      '第一段文字，没有硬换行。',
      '第二段文字接着上一行。',
      'Second paragraph in English words.',
      '第四段。',
    ]);
    assert.deepEqual(reflow(text).trailer, []);
  });

  it('keeps short one-line paragraphs separated by blank lines', () => {
    // Blank line after every line, as in a hard-wrapped column, but no column: each line is a
    // paragraph of its own length.
    const paragraphs = [12, 30, 8, 22, 38, 15, 26, 19].map((n, i) => paragraph(n, i));
    assert.deepEqual(reflow(paragraphs.join('\n\n')).paragraphs, paragraphs);
  });

  it('keeps long ordinary paragraphs separated by blank lines', () => {
    const paragraphs = [80, 120, 95, 60, 140, 70, 88].map((n, i) => paragraph(n, i));
    const result = reflow(paragraphs.join('\n\n'));
    assert.deepEqual(result.paragraphs, paragraphs);
  });

  it('reads CRLF-free text with full-width indents and trailing spaces', () => {
    const paragraphs = [60, 35, 100, 14, 75].map((n, i) => paragraph(n, i));
    const wrapped = hardWrap(paragraphs)
      .split('\n')
      .map((l, i) => (l && i % 4 === 0 ? `\u3000\u3000${l}  ` : l))
      .join('\n');
    assert.deepEqual(reflow(wrapped).paragraphs, paragraphs);
  });

  it('returns nothing for empty text', () => {
    assert.deepEqual(reflow(''), { paragraphs: [], trailer: [] });
    assert.deepEqual(reflow('\n\n \n'), { paragraphs: [], trailer: [] });
  });

  it('measures display width in ideograph units', () => {
    assert.equal(displayWidth('国家主席'), 4);
    assert.equal(displayWidth('11 月'), 2.5);
    assert.equal(displayWidth('“云会晤”'), 4);
  });

  it('reflows the Xinhua seed into 22 paragraphs and its photo block', () => {
    const text = readFileSync(new URL('../content/articles/002_eebd5c2c698cc293.txt', import.meta.url), 'utf8');
    const result = reflow(text);
    assert.equal(result.paragraphs.length, 22);
    assert.match(result.paragraphs[0]!, /^据新华社电（记者 杨依军）/);
    assert.equal(result.paragraphs[21], '丁薛祥、刘鹤、杨洁篪、王毅等参加会晤。');
    assert.equal(result.trailer[0], '习近平同美国总统拜登举行视频会晤');
    assert.deepEqual(result.trailer.slice(-2), ['■ 新华社', '记者 黄敬文/摄']);
  });
});
