/** Types shared by the ingest stages. The output types come from the zod schema. */
import type { ArticleImage, Credit, InputFormat, Outlet } from '../schema/article.ts';
import type { SummitEvent } from '../schema/content.ts';
import type { FrontMatter } from './parse/frontmatter.ts';
import type { MirrorHeader } from './parse/header.ts';
import type { Root } from './html/hast.ts';

/** An input file split into its parts by its format module. */
export interface SourceDocument {
  /** Relative to the content folder, forward slashes. */
  path: string;
  format: InputFormat;
  frontMatter: FrontMatter | null;
  header: MirrorHeader | null;
  /** The body as HTML; the plain-text format converts its paragraphs into `<p>`s. */
  html: string;
  /** 1-based line of the first body line in the file. */
  bodyLine: number;
  /** For plain text: the reflowed paragraphs and the short lines that close the file. */
  plain: { paragraphs: string[]; trailer: string[] } | null;
}

export interface InputFormatModule {
  id: InputFormat;
  /** What the format looks like, for `--help` and errors. */
  description: string;
  /** Decides from the split parts; the first module that accepts wins. */
  accepts(parts: { frontMatter: FrontMatter | null; header: MirrorHeader | null; body: string }): boolean;
  toDocument(parts: {
    path: string;
    frontMatter: FrontMatter | null;
    header: MirrorHeader | null;
    body: string;
    bodyLine: number;
  }): SourceDocument;
}

/** What the clean-up learns about an article while it transforms the body. */
export interface Findings {
  credits: Credit[];
  copyright: string[];
  images: ArticleImage[];
  /** A date line found at the top of the body (`2022-10-31T14:28:57.672Z`, `2020年 6月 25日`). */
  dateline: string | null;
  /** A `据新华社电（记者 杨依军）` style dateline: agency and reporter. */
  agencyDateline: { agency: string; reporters: string[] } | null;
  /** Headline recovered from the body (plain text photo block, an `<h1>`). */
  bodyTitle: string | null;
  warnings: string[];
}

export interface CleanContext {
  doc: SourceDocument;
  /** The canonical URL, to resolve relative links and images against. */
  baseUrl: string | null;
  findings: Findings;
}

export type Transform = (tree: Root, ctx: CleanContext) => void;

export interface Detection {
  /** 0 (no sign) … 1 (certain). */
  score: number;
  reason: string;
}

/**
 * One outlet's knowledge. Add an outlet by adding one module that exports one of these and
 * listing it in `outlets/index.ts`.
 */
export interface OutletProfile {
  outlet: Outlet;
  /** The zone of dates that carry none. */
  timeZone: string;
  detect(doc: SourceDocument): Detection | null;
  /** Outlet-specific clean-up, run on the parsed body before the shared clean-up. */
  clean?: Transform[];
  /** Outlet-specific clean-up of the final plain text of a paragraph. */
  fixText?: (paragraph: string) => string;
  /** Whether a front-matter `author` names the outlet or mirror rather than a person. */
  isOutletName?: (name: string) => boolean;
  /** Origin (wire agency credited for the text) beyond what credits and datelines show. */
  origin?: (doc: SourceDocument, findings: Findings) => string | null;
}

export interface IngestOptions {
  events: SummitEvent[];
  /** Zone for dates of unknown outlets. */
  defaultTimeZone: string;
}
