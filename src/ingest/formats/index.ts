/**
 * The input formats, most specific first. A new format is one module here and one line in
 * this list.
 */
import { splitFrontMatter } from '../parse/frontmatter.ts';
import { splitHeader } from '../parse/header.ts';
import type { InputFormatModule, SourceDocument } from '../types.ts';
import { frontmatterHeadedHtml } from './frontmatter-headed-html.ts';
import { frontmatterHtml } from './frontmatter-html.ts';
import { headedHtml } from './headed-html.ts';
import { bareHtml } from './html.ts';
import { plainText } from './plain-text.ts';

export const FORMAT_MODULES: readonly InputFormatModule[] = [
  frontmatterHeadedHtml,
  frontmatterHtml,
  headedHtml,
  plainText,
  bareHtml,
];

/** Splits decoded text (LF line ends) into a SourceDocument. Throws InputError when unreadable. */
export function parseSource(text: string, path: string): SourceDocument {
  const fm = splitFrontMatter(text);
  const afterFm = fm ? fm.rest : text;
  const firstLine = fm ? fm.restLine : 1;
  const head = splitHeader(afterFm);
  const parts = {
    path,
    frontMatter: fm ? fm.data : null,
    header: head ? head.header : null,
    body: head ? head.rest : afterFm,
    bodyLine: firstLine + (head ? head.lines : 0),
  };
  const format = FORMAT_MODULES.find((m) => m.accepts(parts))!;
  return format.toDocument(parts);
}
