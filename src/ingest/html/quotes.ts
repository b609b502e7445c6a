/**
 * Restores Chinese quotation marks that a mirror turned into ASCII quotes padded with spaces:
 * `去年 11 月 16 日 " 云会晤 " 后` → `去年 11 月 16 日“云会晤”后`.
 *
 * Only quotes next to CJK text are touched (English quotations keep their marks). Within one
 * paragraph, quotes alternate opening and closing across inline elements.
 */
import type { ElementContent, Text } from './hast.ts';

const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;

function textNodes(children: ElementContent[]): Text[] {
  const out: Text[] = [];
  const stack = [...children].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'text') out.push(node);
    else if (node.type === 'element') stack.push(...[...node.children].reverse());
  }
  return out;
}

export function restoreChineseQuotes(children: ElementContent[]): void {
  const nodes = textNodes(children);
  const whole = nodes.map((n) => n.value).join('');
  if (!whole.includes('"') || !CJK.test(whole)) return;
  // Decide on the whole paragraph: quotes that touch CJK text (through at most one space).
  const count = (whole.match(/"/g) ?? []).length;
  const cjkQuotes = (
    whole.match(/(?:[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]\s?"|"\s?[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])/g) ??
    []
  ).length;
  if (cjkQuotes === 0 || cjkQuotes < count / 2) return;
  let open = true;
  for (const node of nodes) {
    node.value = node.value.replace(/ ?" ?/g, () => {
      const mark = open ? '\u201c' : '\u201d';
      open = !open;
      return mark;
    });
  }
}
