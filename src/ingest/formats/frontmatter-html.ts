/**
 * Front matter + HTML (ZAKER through a Hexo blog): YAML front matter, then the HTML body.
 */
import type { InputFormatModule } from '../types.ts';

export const frontmatterHtml: InputFormatModule = {
  id: 'frontmatter-html',
  description: 'YAML front matter, then an HTML body (Hexo mirrors of ZAKER)',
  accepts: ({ frontMatter, header }) => frontMatter !== null && header === null,
  toDocument: ({ path, frontMatter, header, body, bodyLine }) => ({
    path,
    format: 'frontmatter-html',
    frontMatter,
    header,
    html: body,
    bodyLine,
    plain: null,
  }),
};
