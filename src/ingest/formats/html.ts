/**
 * Bare HTML with neither front matter nor a mirror header: the last resort for markup. The
 * title then comes from the body's first heading.
 */
import type { InputFormatModule } from '../types.ts';

export const bareHtml: InputFormatModule = {
  id: 'html',
  description: 'HTML without front matter or header (title from its first heading)',
  accepts: () => true,
  toDocument: ({ path, frontMatter, header, body, bodyLine }) => ({
    path,
    format: 'html',
    frontMatter,
    header,
    html: body,
    bodyLine,
    plain: null,
  }),
};
