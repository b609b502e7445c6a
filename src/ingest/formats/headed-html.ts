/**
 * Headed markdown + HTML (Deutsche Welle through an RSS mirror): no front matter; a
 * `<!--epoch ms-->` line, a `[title](url)` line underlined with `------`, then HTML.
 */
import type { InputFormatModule } from '../types.ts';

export const headedHtml: InputFormatModule = {
  id: 'headed-html',
  description: '<!--epoch-ms--> and [title](url) header underlined with ------, then HTML (DW mirrors)',
  accepts: ({ frontMatter, header }) => frontMatter === null && header !== null,
  toDocument: ({ path, frontMatter, header, body, bodyLine }) => ({
    path,
    format: 'headed-html',
    frontMatter,
    header,
    html: body,
    bodyLine,
    plain: null,
  }),
};
