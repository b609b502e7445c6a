/**
 * Takes staff credits, copyright notices and mirror footers out of the body, keeping them in
 * the article's fields: nothing is lost, and the body holds only the article.
 */
import type { Credit } from '../../schema/article.ts';
import type { Findings } from '../types.ts';
import { h, squash, textContent } from './hast.ts';
import type { Block } from './blocks.ts';

const ROLES =
  '监制|策划|主笔|统筹|视觉|编辑|责任编辑|责编|实习编辑|值班编辑|审核|审校|校对|文字|记者|撰文|撰稿|作者|采写|摄影|摄像|图片|设计|制作|剪辑|配音|翻译|编译|执行|出品人|总策划|文案|海报|动画|报道|来源|稿源|综合';
const ROLE_LINE = new RegExp(`^[（(【\\[]?\\s*(${ROLES})\\s*[：:｜|]\\s*([^。！？]{1,60}?)\\s*[）)】\\]]?$`);
/** `新华社国内部制作`, `新华社第一工作室出品`. */
const PRODUCED_BY = /^([\u4e00-\u9fa5A-Za-z0-9·]{2,24}?)(制作|出品|联合出品|监制|供稿|发布)$/;
const COPYRIGHT = /©|&copy;|版权(?:所有|声明)|Copyright|All rights reserved|未经授权不得转载|不得擅自使用/i;
/** Mirror and feed footers: `获取更多RSS：…`, `原文链接`, `(完)`, `点击阅读原文`. */
const FOOTER =
  /^(?:[-—–_=*]{0,3}\s*)?(?:获取更多\s*RSS|更多RSS|RSS订阅|点击阅读原文|阅读原文|原文链接|原文地址|本文链接|转载请注明|来源链接|欢迎关注|关注我们|订阅我们|下载.{0,10}(?:客户端|APP)|扫码|延伸阅读|相关阅读|相关新闻|推荐阅读)/i;
const END_MARK = /\s*[（(]\s*完\s*[）)]\s*$/;

function blockText(block: Block): string {
  if (block.kind === 'p' || block.kind === 'heading') return squash(textContent(h('p', {}, block.children)));
  return '';
}

function splitNames(value: string): string[] {
  return value
    .split(/[、，,；;／/]|\s{2,}/)
    .map((n) => n.trim())
    .filter(Boolean);
}

/** Reads a credit line; null when it is not one. */
export function parseCreditLine(line: string): Credit[] | null {
  const role = ROLE_LINE.exec(line);
  if (role) return splitNames(role[2]!).map((name) => ({ role: role[1]!, name }));
  const produced = PRODUCED_BY.exec(line);
  if (produced) return [{ role: produced[2]!, name: produced[1]! }];
  return null;
}

export function extractCredits(blocks: Block[], findings: Findings): Block[] {
  const out = [...blocks];
  // Copyright notices and feed footers, anywhere (they come last but mirrors append more).
  for (let i = out.length - 1; i >= 0; i--) {
    const block = out[i]!;
    const value = blockText(block);
    if (block.kind !== 'p' && block.kind !== 'heading') continue;
    if (value === '') {
      out.splice(i, 1);
    } else if (COPYRIGHT.test(value) && value.length < 300) {
      findings.copyright.unshift(value);
      out.splice(i, 1);
    } else if (FOOTER.test(value) && value.length < 200) {
      findings.warnings.push(`removed mirror footer: ${value.slice(0, 60)}`);
      out.splice(i, 1);
    }
  }
  // Staff credits: the run of credit lines closing the article.
  let end = out.length;
  const credits: Credit[] = [];
  while (end > 0) {
    const block = out[end - 1]!;
    if (block.kind === 'figure') break;
    const value = blockText(block);
    const parsed = value.length <= 80 ? parseCreditLine(value) : null;
    if (!parsed) break;
    credits.unshift(...parsed);
    end--;
  }
  findings.credits.push(...credits);
  out.length = end;
  // A `（完）` closing the last paragraph marks the end of wire copy, not text.
  const last = [...out].reverse().find((b) => b.kind === 'p');
  if (last && last.kind === 'p') {
    const tail = last.children[last.children.length - 1];
    if (tail?.type === 'text' && END_MARK.test(tail.value)) tail.value = tail.value.replace(END_MARK, '');
  }
  return out.filter((b) => b.kind !== 'p' || blockText(b) !== '');
}
