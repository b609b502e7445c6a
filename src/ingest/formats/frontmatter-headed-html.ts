/**
 * Front matter + headed markdown + HTML (Lianhe Zaobao through a Jekyll blog): YAML front
 * matter, then the same `<!--ms-->` + `[title](url)` header as DW, then HTML.
 */
import type { InputFormatModule } from '../types.ts';

export const frontmatterHeadedHtml: InputFormatModule = {
  id: 'frontmatter-headed-html',
  description: 'YAML front matter, then a [title](url) header, then HTML (Jekyll mirrors of Zaobao, DW …)',
  accepts: ({ frontMatter, header }) => frontMatter !== null && header !== null,
  toDocument: ({ path, frontMatter, header, body, bodyLine }) => ({
    path,
    format: 'frontmatter-headed-html',
    frontMatter,
    header,
    html: body,
    bodyLine,
    plain: null,
  }),
};
