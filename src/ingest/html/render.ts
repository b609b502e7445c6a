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
    const value = node.tagName === 'pre' ? textContent(node).trim() : squashKeepingBreaks(textContent(node));
    if (value) paragraphs.push(value);
  }
  return { html: toHtml(clean).trim(), text: paragraphs.join('\n\n'), images };
}

function squashKeepingBreaks(value: string): string {
  return value
    .split('\n')
    .map((line) => squash(line))
    .filter(Boolean)
    .join('\n');
}
