/**
 * Variations of a real text, deterministic, for the labelled set of the reprint tests and
 * for the synthetic corpus of the benchmark: a reprint under another header and footer, a
 * revision with a changed title and an edited paragraph, and a one-paragraph summary.
 */

const HEADERS = [
  '【来源：新华社】',
  '新华网北京电 据新华社报道',
  '本文转载自新华网，原标题已修改',
  '（中央社讯）以下为通讯社全文',
];
const FOOTERS = [
  '（完）\n\n责任编辑：李明',
  '本文来源：新华社。版权归原作者所有，如有侵权请联系删除。',
  '获取更多RSS：订阅本站\n\n编辑：王芳　校对：张伟',
  '【免责声明】本文仅代表作者观点，不代表本站立场。',
];

export function paragraphs(text: string): string[] {
  return text.split(/\n{2,}/).filter((p) => p.trim() !== '');
}

/** The same text under another outlet's header and footer. */
export function reprintOf(text: string, seed = 0): string {
  return [HEADERS[seed % HEADERS.length]!, ...paragraphs(text), FOOTERS[(seed >> 2) % FOOTERS.length]!].join('\n\n');
}

/**
 * An updated revision: part of one paragraph rewritten (its second half, at most a fifth of
 * the text), one paragraph dropped (when there are five or more) and a short new paragraph
 * added at the end (at most a tenth of the text). `filler` supplies the new words.
 */
export function revisionOf(text: string, filler: string, seed = 0): string {
  const paras = paragraphs(text);
  if (paras.length === 0) return text;
  const total = Array.from(text).length;
  const words = Array.from(filler);
  const at = Math.min((seed % Math.max(1, paras.length - 1)) + (paras.length > 1 ? 1 : 0), paras.length - 1);
  const target = Array.from(paras[at]!);
  const cut = Math.min(Math.floor(target.length / 2), Math.floor(total / 5));
  paras[at] = target.slice(0, target.length - cut).join('') + words.slice(0, cut).join('');
  if (paras.length >= 5) paras.splice(paras.length - 2, 1);
  paras.push(`（更新）${words.slice(cut, cut + Math.min(60, Math.floor(total / 10))).join('')}`);
  return paras.join('\n\n');
}

/** A one-paragraph summary: the lede, as a news brief would carry it. */
export function summaryOf(text: string): string {
  return paragraphs(text)[0] ?? '';
}
