/**
 * The one sanitizing pass, with an allow-list: what an article needs (text semantics,
 * figures, lists, tables, links, images) and nothing that runs or styles. No `style`, no
 * `class`/`id`, no event handlers, links and images only to http(s) (checked after URL
 * parsing, which lower-cases the scheme, so `HTTPS://` survives and `JaVaScRiPt:` does not).
 */
import { sanitize, type Schema } from 'hast-util-sanitize';
import type { Root } from './hast.ts';

export const ARTICLE_SCHEMA: Schema = {
  // Elements whose content is never shown as article text (raw text, fallbacks for plug-ins
  // and frames): stripped with their content, not unwrapped.
  strip: [
    'script',
    'style',
    'noscript',
    'noembed',
    'noframes',
    'iframe',
    'template',
    'textarea',
    'select',
    'title',
    'svg',
    'math',
  ],
  clobberPrefix: '',
  clobber: [],
  ancestors: {
    li: ['ol', 'ul'],
    tbody: ['table'],
    thead: ['table'],
    tfoot: ['table'],
    tr: ['table'],
    td: ['table'],
    th: ['table'],
    figcaption: ['figure'],
    dt: ['dl'],
    dd: ['dl'],
  },
  tagNames: [
    'p',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'blockquote',
    'pre',
    'code',
    'hr',
    'br',
    'ul',
    'ol',
    'li',
    'dl',
    'dt',
    'dd',
    'figure',
    'figcaption',
    'img',
    'a',
    'strong',
    'b',
    'em',
    'i',
    'u',
    's',
    'del',
    'ins',
    'sub',
    'sup',
    'small',
    'mark',
    'q',
    'cite',
    'abbr',
    'time',
    'table',
    'caption',
    'thead',
    'tbody',
    'tfoot',
    'tr',
    'th',
    'td',
  ],
  attributes: {
    a: ['href', 'title'],
    img: ['src', 'alt', 'width', 'height'],
    // Only a machine-readable date or time: the value is copied from the web unchecked
    // otherwise (`datetime="javascript:…"` is harmless but is not a date).
    time: [['dateTime', /^[\d\-+:.TZ ]{2,40}$/i]],
    abbr: ['title'],
    ol: ['start', 'reversed'],
    td: ['colSpan', 'rowSpan'],
    th: ['colSpan', 'rowSpan', 'scope'],
  },
  // render.ts already keeps only http(s) links; mailto here would let one through if that
  // step were ever skipped, and an archive has no use for mail links.
  protocols: { href: ['http', 'https'], src: ['http', 'https'] },
  required: {},
};

export function sanitizeTree(tree: Root): Root {
  return sanitize(tree, ARTICLE_SCHEMA) as Root;
}
