/**
 * A date line that opens the body (`<div><i><br>2022-10-31T14:28:57.672Z</i></div>` in DW
 * copies, `<div><i>2020年 6月 25日</i></div>` in others) is metadata, not text: it is taken
 * out of the body and kept in the findings as a candidate publication date.
 */
import type { Transform } from '../types.ts';
import { squash, textContent, type Parents, type RootContent } from './hast.ts';

const DATELINE =
  /^(?:\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日(?:\s*\d{1,2}[:：]\d{2})?|\d{1,2}\/\d{1,2}\/\d{4}(?:\s*-\s*\d{1,2}:\d{2})?)$/;

function firstContent(parent: Parents): RootContent | undefined {
  return parent.children.find((c) => c.type === 'element' || (c.type === 'text' && squash(c.value) !== ''));
}

export const extractDateline: Transform = (tree, ctx) => {
  // The line may sit inside the wrapper `<div>`s of the body: look down the first branch.
  let parent: Parents = tree;
  for (let depth = 0; depth < 6; depth++) {
    const first = firstContent(parent);
    if (!first || first.type !== 'element') return;
    const value = squash(textContent(first));
    if (value.length <= 40 && DATELINE.test(value)) {
      ctx.findings.dateline = value;
      parent.children.splice(parent.children.indexOf(first as never), 1);
      return;
    }
    if (!['div', 'section', 'article', 'header', 'main'].includes(first.tagName)) return;
    parent = first;
  }
};
