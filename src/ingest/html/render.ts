/**
 * Turns the block list into the article's sanitized `html` and its plain `text`.
 */
import { toHtml } from 'hast-util-to-html';
import type { ArticleImage } from '../../schema/article.ts';
import { absoluteHttpUrl, unproxy } from '../text/urls.ts';
import type { Block } from './blocks.ts';
import { elements, h, prop, squash, text, textContent, type Element, type ElementContent, type Root } from './hast.ts';
import { sanitizeTree } from './sanitize.ts';

function figureElement(block: Extract<Block, { kind: 'figure' }>): Element {
  const children: ElementContent[] = [];
  if (block.image) {
    const props: Element['properties'] = { src: block.image.src, alt: block.image.alt ?? block.caption ?? '' };
    if (block.image.width !== null && block.image.height !== null) {
      props['width'] = block.image.width;
      props['height'] = block.image.height;
    }
    children.push(h('img', props, []));
  }
  if (block.caption || block.credit) {
    const caption: ElementContent[] = [];
    if (block.caption) caption.push(text(block.caption));
    if (block.credit) {
      if (block.caption) caption.push(text(' '));
      caption.push(h('small', {}, [text(block.credit)]));
    }
    children.push(h('figcaption', {}, caption));
  }
  return h('figure', {}, children);
}

/** Rewrites link and image URLs inside inline content: un-proxied, absolute, http(s) only. */
function fixUrls(root: Root, baseUrl: string | null): void {
  for (const el of elements(root)) {
    if (el.tagName === 'a') {
      const href = absoluteHttpUrl(unproxy(prop(el, 'href') ?? ''), baseUrl);
      if (href) el.properties = { href };
      else el.properties = {};
    } else if (el.tagName === 'img') {
      const src = absoluteHttpUrl(unproxy(prop(el, 'src') ?? ''), baseUrl);
      el.properties = src ? { ...el.properties, src } : {};
    }
  }
}

export interface Rendered {
  html: string;
  text: string;
  images: ArticleImage[];
}

export function render(blocks: Block[], baseUrl: string | null): Rendered {
  const children: Element[] = [];
  const paragraphs: string[] = [];
  const images: ArticleImage[] = [];
  for (const block of blocks) {
    switch (block.kind) {
      case 'p':
        children.push(h('p', {}, block.children));
        break;
      case 'heading':
        children.push(h(`h${block.level}`, {}, block.children));
        break;
      case 'figure':
        if (block.image) images.push({ ...block.image, caption: block.caption, credit: block.credit });
        if (block.image || block.caption || block.credit) children.push(figureElement(block));
        break;
      case 'raw':
        children.push(block.element);
        break;
      case 'caption':
        children.push(h('p', {}, [text(block.text)]));
        break;
    }
  }
  const root: Root = { type: 'root', children: [] };
  for (const child of children) {
    root.children.push(child, text('\n'));
  }
  fixUrls(root, baseUrl);
  const clean = sanitizeTree(root);
  for (const node of clean.children) {
    if (node.type !== 'element' || node.tagName === 'figure') continue;
    const value = node.tagName === 'pre' ? textContent(node).trim() : squashKeepingBreaks(blockText(node));
    if (value) paragraphs.push(value);
  }
  if (paragraphs.length === 0) {
    // A photo gallery tells its story in the captions; they are its text.
    for (const block of blocks) if (block.kind === 'figure' && block.caption) paragraphs.push(block.caption);
  }
  return { html: escapeAttributeBrackets(toHtml(clean)).trim(), text: paragraphs.join('\n\n'), images };
}

/**
 * toHtml leaves `<` and `>` raw inside quoted attribute values (valid HTML), so an `alt` of
 * `<script>` reaches feeds, JSON users and any regex-based consumer as markup. Escaped, it
 * reads the same. toHtml always double-quotes such values and escapes `"` inside them, so
 * `="…"` spans are exactly attribute values (or text, where the entities render the same).
 */
function escapeAttributeBrackets(html: string): string {
  return html.replace(
    /="([^"]*)"/g,
    (_m, value: string) => `="${value.replace(/</g, '&#x3C;').replace(/>/g, '&#x3E;')}"`,
  );
}

/** Elements that start a line of their own in the plain text of a list, table or quote. */
const LINE_TAGS = new Set(['p', 'li', 'tr', 'dt', 'dd', 'caption', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre']);

/**
 * Plain text of a block, with list items, table rows and quoted paragraphs on lines of their
 * own and table cells apart, so `<li>一</li><li>二</li>` does not read `一二`. Iterative,
 * like textContent, because the tree comes from the web.
 */
function blockText(node: Element): string {
  let out = '';
  const stack: Array<ElementContent | string> = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (typeof current === 'string') {
      out += current;
      continue;
    }
    if (current.type === 'text') out += current.value;
    else if (current.type === 'element') {
      if (current.tagName === 'br') {
        out += '\n';
        continue;
      }
      const line = LINE_TAGS.has(current.tagName);
      const cell = current.tagName === 'td' || current.tagName === 'th';
      if (line) out += '\n';
      stack.push(line ? '\n' : cell ? ' ' : '');
      for (let i = current.children.length - 1; i >= 0; i--) stack.push(current.children[i]!);
    }
  }
  return out;
}

function squashKeepingBreaks(value: string): string {
  return value
    .split('\n')
    .map((line) => squash(line))
    .filter(Boolean)
    .join('\n');
}
