/** Shared helpers for the ingest tests: wrap a body in each input format, check sanitized HTML. */
import { fromHtml } from 'hast-util-from-html';
import type { Element, Nodes } from 'hast';
import { ingestBytes, type IngestResult } from '../../src/ingest/article.ts';
import { ARTICLE_SCHEMA } from '../../src/ingest/html/sanitize.ts';

export const FORMATS = {
  'frontmatter-html': (body: string): string => `---\ntitle: t\ndate: 2022-11-15T00:45:00Z\n---\n<div>${body}</div>`,
  'headed-html': (body: string): string => `<!--1667227623000-->\n[t](https://www.dw.com/zh/a-1)\n------\n\n${body}`,
  'frontmatter-headed-html': (body: string): string =>
    `---\ntitle: t\ndate: 2022-11-15T08:45:00+08:00\nfrom: https://www.zaobao.com.sg/news/china/story-1\n---\n` +
    `<!--1667227623000-->\n[t](https://www.zaobao.com.sg/news/china/story-1)\n------\n\n${body}`,
} as const;

export type FormatName = keyof typeof FORMATS;
export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[];

export function ingest(format: FormatName, body: string): IngestResult {
  const bytes = new TextEncoder().encode(FORMATS[format](body));
  return ingestBytes(bytes, `test/${format}.txt`, { events: [], defaultTimeZone: 'Asia/Shanghai' });
}

function elementsOf(root: Nodes): Element[] {
  const out: Element[] = [];
  const stack: Nodes[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'element') out.push(node);
    if ('children' in node) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return out;
}

const ALLOWED_TAGS = new Set(ARTICLE_SCHEMA.tagNames ?? []);

function allowedAttributes(tag: string): Set<string> {
  const attrs = ARTICLE_SCHEMA.attributes ?? {};
  const names = [...(attrs[tag] ?? []), ...(attrs['*'] ?? [])].map((a) => (Array.isArray(a) ? String(a[0]) : a));
  return new Set(names);
}

/**
 * Every problem found in sanitized `html`: elements or attributes outside the allow-list,
 * non-http(s) URLs, raw `<` inside attribute values, and the markers of script in the markup.
 * Attribute values are blanked before the markers are looked for: an `alt` that says
 * `onerror=` is text, and href/src values are checked by the walk below. With `tagsOnly`,
 * text is left out too: serialized text escapes `<`, so every `<` left starts a real tag,
 * and text that merely mentions `javascript:` is harmless.
 */
export function htmlProblems(html: string, { tagsOnly = false }: { tagsOnly?: boolean } = {}): string[] {
  const problems: string[] = [];
  // toHtml quotes values with `"` and escapes `"` inside them, so this matches whole tags.
  const tags = html.match(/<\/?[a-zA-Z][^\s/>]*(?:\s+[^\s"'=<>/]+(?:="[^"]*"|=[^\s"'=<>`]+)?)*\s*\/?>/g) ?? [];
  if (tags.some((t) => /="[^"]*[<>]/.test(t))) problems.push('raw < or > in an attribute value');
  const blank = (markup: string): string => markup.replace(/="[^"]*"/g, '=""');
  const haystack = tagsOnly
    ? tags.map(blank).join('\n')
    : html.replace(/<[^<]*/g, (m) => {
        const tag = tags.find((t) => m.startsWith(t));
        return tag ? blank(tag) + m.slice(tag.length) : m;
      });
  for (const [marker, re] of [
    ['<script', /<script/i],
    ['on*= attribute', /<[^>]*\son\w+\s*=/i],
    ['javascript:', /javascript:/i],
    ['data:', /data:/i],
    ['style=', /style\s*=/i],
  ] as const) {
    if (re.test(haystack)) problems.push(`raw ${marker} in html`);
  }
  const tree = fromHtml(html, { fragment: true });
  for (const el of elementsOf(tree)) {
    if (!ALLOWED_TAGS.has(el.tagName)) problems.push(`element <${el.tagName}> not in the allow-list`);
    const allowed = allowedAttributes(el.tagName);
    for (const [name, value] of Object.entries(el.properties)) {
      if (!allowed.has(name)) problems.push(`attribute ${name} not allowed on <${el.tagName}>`);
      if ((name === 'href' || name === 'src') && !/^https?:\/\//i.test(String(value))) {
        problems.push(`${name}="${String(value)}" on <${el.tagName}> is not http(s)`);
      }
    }
  }
  return problems;
}

export function elementsIn(html: string): Element[] {
  return elementsOf(fromHtml(html, { fragment: true }));
}
