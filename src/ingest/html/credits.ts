/**
 * Takes staff credits, copyright notices and mirror footers out of the body, keeping them in
 * the article's fields: nothing is lost, and the body holds only the article.
 */
import type { Credit } from '../../schema/article.ts';
import type { Findings } from '../types.ts';
import { h, isBlank, squash, textContent } from './hast.ts';
import type { Block } from './blocks.ts';

const ROLES =
  '监制|策划|主笔|统筹|视觉|责任编辑|責任編輯|编辑|編輯|责编|責編|网编|網編|实习编辑|值班编辑|审核|审校|審校|核稿|译者|譯者|校对|校對|文字|采访记者|採訪記者|记者|記者|撰文|撰稿|作者|采写|摄影|攝影|摄像|图片|设计|制作|剪辑|配音|翻译|翻譯|编译|編譯|执行|出品人|总策划|文案|海报|动画|报道|来源|稿源|综合';
const ROLE_LINE = new RegExp(`^[（(【\\[]?\\s*(${ROLES})\\s*[：:｜|]\\s*([^。！？]{1,60}?)\\s*[）)】\\]]?$`);
/** Several credits on one line: `记者：唐家婕   责编：申铧   网编：洪伟`, `编译 蔡美珍/张明钧;审校 王颖`. */
const ROLE_START = new RegExp(`(?:^|[；;/／]\\s*|\\s+)(?=(?:${ROLES})\\s*[：:\\s])`);
/** A credit closing the last paragraph: `…向前走」。（編輯：馮昭）1091115`, `… 责任编辑：X`. */
const TRAILING_ROLE = new RegExp(
  `\\s*(?:[（(]\\s*((?:${ROLES})\\s*[：:][^（）()。！？]{1,40}?)\\s*[）)]\\s*\\d{0,8}|(?<=[。！？”」』])\\s*((?:责任编辑|責任編輯|责编|責編)\\s*[：:]\\s*[^。！？]{1,20}?))\\s*$`,
);
/**
 * The line DW closes its reports with: authors, then the sources in brackets —
 * `张慈/杨威廉 (法新社、德新社、美联社)`, `Phoebe Kong/杨威廉（综合报导）`.
 */
const AUTHORS_AND_SOURCES =
  /^((?:[\u4e00-\u9fa5·]{2,5}|[A-Za-z][A-Za-z .'-]{1,30}?)(?:\s*[/／、]\s*(?:[\u4e00-\u9fa5·]{2,5}|[A-Za-z][A-Za-z .'-]{1,30}?))*)\s*[（(]\s*([^（）()]*?(?:社|综合|綜合|报导|报道|報導|等|Reuters|AFP|AP|dpa)[^（）()]*?)\s*[）)]$/;
/** `延伸阅读` and the like open a list of links to other articles; nothing after is this one. */
const RELATED_HEADING =
  /^(?:延伸阅读|延伸閱讀|相关阅读|相關閱讀|相关新闻|相關新聞|相关报道|相關報導|推荐阅读|推薦閱讀|更多阅读|Related(?: articles| stories)?|Read more|More on this story)\s*[：:]?$/i;
/** `新华社国内部制作`, `新华社第一工作室出品`. */
const PRODUCED_BY = /^([\u4e00-\u9fa5A-Za-z0-9·]{2,24}?)(制作|出品|联合出品|监制|供稿|发布)$/;
const COPYRIGHT = /©|&copy;|版权(?:所有|声明)|Copyright|All rights reserved|未经授权不得转载|不得擅自使用/i;
/** Mirror and feed footers: `获取更多RSS：…`, `原文链接`, `(完)`, `点击阅读原文`. */
const FOOTER =
  /^(?:[-—–_=*]{0,3}\s*)?(?:获取更多\s*RSS|德国之声致力于|德國之聲致力於|我们的标准|我們的標準|更多RSS|RSS订阅|点击阅读原文|阅读原文|原文链接|原文地址|本文链接|转载请注明|来源链接|欢迎关注|关注我们|订阅我们|下载.{0,10}(?:客户端|APP)|扫码|延伸阅读|相关阅读|相关新闻|推荐阅读)/i;
const END_MARK = /\s*[（(]\s*完\s*[）)]\s*$/;

function blockText(block: Block): string {
  if (block.kind === 'p' || block.kind === 'heading') return squash(textContent(h('p', {}, block.children)));
  return '';
}

function splitNames(value: string): string[] {
  return (
    value
      .split(/[、，,；;／/]|\s{2,}/)
      // CMS tags leak into names: `李昊#`.
      .map((n) => n.replace(/[#＃*]+$/, '').trim())
      .filter(Boolean)
  );
}

function parseOneCredit(line: string): Credit[] | null {
  const role = ROLE_LINE.exec(line);
  if (role) return splitNames(role[2]!).map((name) => ({ role: role[1]!, name }));
  const spaced = new RegExp(`^(${ROLES})\\s+([^：:。！？]{1,40})$`).exec(line);
  if (spaced) return splitNames(spaced[2]!).map((name) => ({ role: spaced[1]!, name }));
  const produced = PRODUCED_BY.exec(line);
  if (produced) return [{ role: produced[2]!, name: produced[1]! }];
  return null;
}

/** Reads a credit line; null when it is not one. */
export function parseCreditLine(line: string): Credit[] | null {
  const parts = line
    .split(ROLE_START)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length > 1) {
    const all = parts.map(parseOneCredit);
    if (all.every((c) => c !== null)) return all.flat();
  }
  const single = parseOneCredit(line);
  if (single) return single;
  const dw = AUTHORS_AND_SOURCES.exec(line);
  if (dw) {
    const names = splitNames(dw[1]!);
    const sources = dw[2]!
      .split(/[、，,/／]/)
      .map((s) => s.trim())
      .filter((s) => s && !/^(?:综合|綜合)?(?:报导|报道|報導)$|^等$/.test(s));
    return [
      ...names.map((name, i) => ({ role: i === 0 ? '作者' : '编辑', name })),
      ...sources.map((name) => ({ role: '综合', name: name.replace(/等$/, '') })),
    ];
  }
  return null;
}

/** Moves a credit that closes the last paragraph out of it, keeping the sentence. */
function takeTrailingCredit(blocks: Block[], findings: Findings): void {
  // The credit may sit in the last paragraph of the story, before a closing picture caption.
  const paragraphs = blocks
    .filter((b) => b.kind === 'p')
    .slice(-3)
    .reverse();
  for (const block of paragraphs) {
    if (block.kind !== 'p') continue;
    const tail = block.children[block.children.length - 1];
    if (tail?.type !== 'text') continue;
    const m = TRAILING_ROLE.exec(tail.value);
    const credits = m ? parseCreditLine(squash(m[1] ?? m[2]!)) : null;
    if (!m || !credits) continue;
    findings.credits.push(...credits);
    tail.value = tail.value.slice(0, m.index);
    return;
  }
}

/** Cuts a trailing "related articles" section: its heading and the links after it. */
function cutRelated(blocks: Block[]): Block[] {
  const at = blocks.findIndex(
    (b, i) => i >= blocks.length / 2 && (b.kind === 'p' || b.kind === 'heading') && RELATED_HEADING.test(blockText(b)),
  );
  if (at < 0) return blocks;
  return blocks.slice(0, at).concat(blocks.slice(at).filter((b) => b.kind === 'figure' && b.image === null));
}

export function extractCredits(blocks: Block[], findings: Findings): Block[] {
  const out = cutRelated(blocks);
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
  out.length = end;
  takeTrailingCredit(out, findings);
  findings.credits.push(...credits);
  // A `（完）` closing the last paragraph marks the end of wire copy, not text.
  const last = [...out].reverse().find((b) => b.kind === 'p');
  if (last && last.kind === 'p') {
    const tail = last.children[last.children.length - 1];
    if (tail?.type === 'text' && END_MARK.test(tail.value)) tail.value = tail.value.replace(END_MARK, '');
  }
  return out.filter((b) => b.kind !== 'p' || !isBlank(textContent(h('p', {}, b.children))));
}
