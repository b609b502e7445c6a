/**
 * Flattens a cleaned body into a plain sequence of blocks: paragraphs, headings, figures,
 * lists, tables, quotes.
 *
 * Mirrored pages wrap their text in layers of layout `<div>`s, leave text outside any `<p>`,
 * put images inside paragraphs and captions beside (not inside) figures. Whatever the
 * nesting, a reader sees a column of blocks, so that is what we keep: layout containers are
 * dissolved, loose inline runs become paragraphs, every image becomes a `<figure>` and a
 * caption or photo credit that follows an image is moved into it.
 */
import type { ArticleImage } from '../../schema/article.ts';
import {
  classes,
  h,
  isBlank,
  isElement,
  prop,
  squash,
  text as textNode,
  textContent,
  type Element,
  type ElementContent,
  type Parents,
} from './hast.ts';
import { imageFromElement } from './images.ts';

export type Block =
  | { kind: 'p'; children: ElementContent[] }
  | { kind: 'heading'; level: number; children: ElementContent[] }
  | { kind: 'figure'; image: ArticleImage | null; caption: string | null; credit: string | null }
  | { kind: 'caption'; text: string }
  | { kind: 'raw'; element: Element };

const RAW_BLOCKS = new Set(['ul', 'ol', 'dl', 'table', 'blockquote', 'pre', 'hr']);
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
const INLINE = new Set([
  'a',
  'abbr',
  'b',
  'bdi',
  'bdo',
  'br',
  'cite',
  'code',
  'data',
  'del',
  'dfn',
  'em',
  'font',
  'i',
  'ins',
  'kbd',
  'mark',
  'q',
  'ruby',
  'rt',
  'rp',
  's',
  'samp',
  'small',
  'span',
  'strike',
  'strong',
  'sub',
  'sup',
  'time',
  'tt',
  'u',
  'var',
  'wbr',
  'label',
]);

/** A photo credit standing alone: `新华社记者 黄敬文 摄`, `记者 黄敬文/摄`, `（路透社）`, `图片来源：…`. */
export const PHOTO_CREDIT =
  /^(?:[（(]?(?:[\u4e00-\u9fa5]{2,8}(?:社|网|报|台)?\s*)?(?:记者|通讯员|摄影师?)?\s*[\u4e00-\u9fa5·•A-Za-z]{2,12}(?:\s*[、，,]\s*[\u4e00-\u9fa5·]{2,5})*\s*\/?\s*摄(?:影)?[）)]?|(?:新华社|中新社|人民日报)记者\s*[\u4e00-\u9fa5·]{2,5}(?:\s*[、，,]\s*[\u4e00-\u9fa5·]{2,5})*|(?:图片?|照片|图片来源|图源|摄影)\s*[：:]\s*.{1,30})$/;

/** A credit at the end of a caption: `…讲话。（路透社）`, `(Getty Images)`. */
const TRAILING_CREDIT =
  /\s*[（(]\s*((?:[^（）()]{1,20}(?:社|网|报|图片|Images|Photos|Press|AFP|Reuters|AP|EPA))|[^（）()]{1,16}\s*摄|法新社|路透社|美联社|新华社|中新社|欧新社|彭博社)\s*[）)]\s*$/i;

function hasBlockDescendant(el: Element): boolean {
  const stack: ElementContent[] = [...el.children];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type !== 'element') continue;
    if (!INLINE.has(node.tagName) || node.tagName === 'img') return true;
    stack.push(...node.children);
  }
  return false;
}

function isWhitespace(nodes: ElementContent[]): boolean {
  return nodes.every((n) => (n.type === 'text' ? isBlank(n.value) : isElement(n, 'br', 'wbr')));
}

/** Splits an inline run on double `<br>` into paragraphs. */
function paragraphsOf(run: ElementContent[]): ElementContent[][] {
  const out: ElementContent[][] = [];
  let current: ElementContent[] = [];
  let breaks = 0;
  for (const node of run) {
    if (isElement(node, 'br')) {
      breaks++;
      if (breaks >= 2 && current.length > 0) {
        out.push(current);
        current = [];
      }
      continue;
    }
    if (node.type === 'text' && isBlank(node.value) && breaks > 0) continue;
    if (breaks === 1 && current.length > 0) current.push(h('br', {}, []));
    breaks = 0;
    current.push(node);
  }
  if (current.length > 0) out.push(current);
  return out.filter((p) => !isWhitespace(p));
}

export function splitCaptionCredit(caption: string): { caption: string | null; credit: string | null } {
  const m = TRAILING_CREDIT.exec(caption);
  if (!m) return { caption: caption || null, credit: null };
  const rest = caption.slice(0, m.index).trim();
  return { caption: rest || null, credit: m[1]!.trim() };
}

export function toBlocks(root: Parents, baseUrl: string | null): Block[] {
  const blocks: Block[] = [];
  let run: ElementContent[] = [];

  const flush = (): void => {
    for (const children of paragraphsOf(run)) blocks.push({ kind: 'p', children });
    run = [];
  };

  const figureFrom = (container: Element, img: Element): void => {
    const image = imageFromElement(img, baseUrl);
    let credit: string | null = null;
    const captionParts: string[] = [];
    const stack: ElementContent[] = [...container.children].reverse();
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node === img) continue;
      if (node.type === 'text') captionParts.push(node.value);
      else if (node.type === 'element') {
        if (/copyright|credit/i.test(classes(node).join(' '))) credit = squash(textContent(node)) || credit;
        else if (node.tagName === 'img') continue;
        else stack.push(...[...node.children].reverse());
      }
    }
    const caption = squash(captionParts.join(''));
    blocks.push({ kind: 'figure', image, caption: caption || null, credit });
  };

  const walk = (parent: Parents): void => {
    for (const child of parent.children) {
      if (child.type === 'text') {
        run.push(child);
        continue;
      }
      if (child.type !== 'element') continue;
      const tag = child.tagName;
      if (tag === 'img') {
        flush();
        figureFrom(h('div', {}, [child]), child);
      } else if (tag === 'figure') {
        flush();
        const imgs = child.children.length > 0 ? findImages(child) : [];
        const captionEl = child.children.find((c): c is Element => isElement(c, 'figcaption'));
        if (imgs.length <= 1) {
          const image = imgs[0] ? imageFromElement(imgs[0], baseUrl) : null;
          const { caption, credit } = splitCaptionCredit(captionEl ? squash(textContent(captionEl)) : '');
          blocks.push({ kind: 'figure', image, caption, credit });
        } else {
          walk(child);
        }
      } else if (tag === 'figcaption' || (tag === 'small' && run.every((n) => n.type === 'text' && isBlank(n.value)))) {
        flush();
        const caption = squash(textContent(child));
        if (caption) blocks.push({ kind: 'caption', text: caption });
      } else if (HEADINGS.has(tag)) {
        flush();
        if (hasBlockDescendant(child)) walk(child);
        else blocks.push({ kind: 'heading', level: Math.max(2, Number(tag[1])), children: child.children });
      } else if (tag === 'p') {
        flush();
        if (hasBlockDescendant(child)) {
          walk(child);
          flush();
        } else {
          for (const children of paragraphsOf(child.children)) blocks.push({ kind: 'p', children });
        }
      } else if (RAW_BLOCKS.has(tag)) {
        flush();
        blocks.push({ kind: 'raw', element: child });
      } else if (INLINE.has(tag) && !hasBlockDescendant(child)) {
        run.push(child);
      } else {
        // A layout container. One image with a little text beside it is a figure with its
        // caption (DW galleries: <div><img><b>heading</b>text</div>; BBC image wrappers).
        const imgs = findImages(child);
        const onlyInline = child.children.every(
          (c) => c.type !== 'element' || INLINE.has(c.tagName) || c.tagName === 'img',
        );
        if (imgs.length === 1 && onlyInline && !isStoryBesideImage(child, imgs[0]!)) {
          flush();
          figureFrom(child, imgs[0]!);
        } else {
          flush();
          walk(child);
          flush();
        }
      }
    }
  };

  walk(root);
  flush();
  return attachCaptions(blocks);
}

/**
 * Text beside an image is its caption unless it reads as the story: when the image brings
 * its own caption (alt or title, as RTI's teasers do) and the text runs on, or when it is
 * longer than any caption.
 */
function isStoryBesideImage(container: Element, img: Element): boolean {
  const length = squash(textContent(container)).length;
  if (length >= 800) return true;
  const own = squash(prop(img, 'alt') ?? '') || squash(prop(img, 'title') ?? '');
  return own.length > 8 && length > 120;
}

function findImages(el: Element): Element[] {
  const out: Element[] = [];
  const stack: ElementContent[] = [...el.children];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type !== 'element') continue;
    if (node.tagName === 'img') out.push(node);
    else stack.push(...node.children);
  }
  return out.reverse();
}

function blockText(block: Block): string {
  if (block.kind === 'p' || block.kind === 'heading') return squash(textContent(h('p', {}, block.children)));
  if (block.kind === 'caption') return block.text;
  return '';
}

/** Moves a loose caption or photo credit that follows a figure into the figure. */
function attachCaptions(blocks: Block[]): Block[] {
  const out: Block[] = [];
  for (const block of blocks) {
    const prev = out[out.length - 1];
    if (prev?.kind === 'figure') {
      const value = blockText(block);
      if (
        block.kind === 'caption' &&
        (prev.caption === null || prev.caption === value || prev.image?.alt === prev.caption)
      ) {
        const { caption, credit } = splitCaptionCredit(value);
        prev.caption = caption;
        prev.credit = prev.credit ?? credit;
        continue;
      }
      if (block.kind === 'caption' && prev.caption !== null) {
        continue; // a caption repeated beside the figure
      }
      if (
        (block.kind === 'p' || block.kind === 'caption') &&
        value.length <= 40 &&
        PHOTO_CREDIT.test(value) &&
        prev.credit === null
      ) {
        prev.credit = value;
        continue;
      }
    }
    if (block.kind === 'caption') {
      // A caption with no figure before it is text the reader should still see.
      out.push({ kind: 'p', children: [textNode(block.text)] });
      continue;
    }
    out.push(block);
  }
  for (const block of out) {
    if (block.kind === 'figure' && block.caption === null && block.image?.alt && block.image.alt.length > 8) {
      // Zaobao and others put the caption only in alt/title.
      const { caption, credit } = splitCaptionCredit(block.image.alt);
      block.caption = caption;
      block.credit = block.credit ?? credit;
    } else if (block.kind === 'figure' && block.caption && block.credit === null) {
      const { caption, credit } = splitCaptionCredit(block.caption);
      block.caption = caption;
      block.credit = credit;
    }
  }
  return out;
}
