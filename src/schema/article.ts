/**
 * The normalized article: the contract between ingest, the site and data users.
 *
 * This file is the only definition. The TypeScript types are inferred from it, ingest
 * validates every article against it before writing, and `news-archive schema` exports it
 * as JSON Schema (published with the data).
 */
import { z } from 'zod';

/** An ISO 8601 instant that carries `Z` or an explicit offset. */
const isoInstant = z.iso.datetime({ offset: true });

const httpUrl = z
  .string()
  .regex(/^https?:\/\/[^\s]+$/i, 'an absolute http(s) URL')
  .describe('Absolute http(s) URL');

export const ImageSchema = z
  .object({
    src: httpUrl.describe('The original, un-proxied image URL'),
    width: z.number().int().positive().nullable(),
    height: z.number().int().positive().nullable(),
    alt: z.string().nullable(),
    caption: z.string().nullable(),
    credit: z.string().nullable().describe('Photo credit, e.g. 新华社记者 岳月伟 摄'),
  })
  .strict();

export const OutletSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    name: z.string().min(1),
    nameZh: z.string().min(1),
  })
  .strict();

export const CreditSchema = z
  .object({
    role: z.string().min(1).describe('主笔, 编辑, 摄影, 监制, …'),
    name: z.string().min(1),
  })
  .strict();

export const DATE_PROVENANCES = [
  'front-matter',
  'comment-timestamp',
  'body-dateline',
  'body-text',
  'inferred-from-event',
] as const;

export const TITLE_PROVENANCES = [
  'front-matter',
  'header-link',
  'body-heading',
  'photo-block-headline',
  'first-sentence',
] as const;

export const FORMATS = ['frontmatter-html', 'headed-html', 'frontmatter-headed-html', 'plain-text', 'html'] as const;

export const InferenceSchema = z
  .object({
    field: z.string().min(1),
    method: z.string().min(1).describe('How the value was inferred, in words'),
  })
  .strict();

export const ReprintSchema = z
  .object({
    group: z.string().min(1).describe("The group's id: its original's article id"),
    original: z.string().min(1).describe('The id of the earliest published copy (ties: the smaller id)'),
    similarity: z
      .number()
      .min(0)
      .max(1)
      .describe('Jaccard similarity of this text to the original (1 for the original)'),
  })
  .strict();

export const ArticleSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{2,80}$/)
      .describe('Stable, URL-safe id; see README "Article ids"'),
    title: z.string().min(1),
    titleProvenance: z.enum(TITLE_PROVENANCES),
    published: isoInstant,
    datePrecision: z
      .enum(['instant', 'minute', 'day'])
      .describe('day: only the calendar day is known; `published` is then local midnight with the offset'),
    dateProvenance: z.enum(DATE_PROVENANCES),
    capturedAt: isoInstant.nullable().describe('When the copy was captured (the <!--ms--> header)'),
    source: OutletSchema.describe('The outlet that published this copy'),
    origin: z.string().nullable().describe('Outlet id credited as the author of the text, when not `source`'),
    credits: z.array(CreditSchema),
    author: z.string().min(1).nullable(),
    url: httpUrl.nullable(),
    copyright: z.string().nullable().describe('Copyright footer, kept out of the body'),
    leadImage: ImageSchema.nullable(),
    images: z.array(ImageSchema),
    html: z.string(),
    text: z.string(),
    excerpt: z.string(),
    lang: z.enum(['zh-Hans', 'zh-Hant']),
    tags: z.array(z.string().min(1)),
    categories: z.array(z.string().min(1)).describe('The outlet or mirror categories, as given'),
    event: z.string().nullable().describe('The id of the event in content/events.yaml the article covers'),
    eventLink: z
      .object({ confidence: z.number().min(0).max(1), reason: z.string().min(1) })
      .strict()
      .nullable()
      .describe('How sure the link to `event` is, and why'),
    topics: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/))
      .describe('Topic ids of content/topics.yaml, from the tags and the text (set by the comparison step)'),
    chars: z.number().int().nonnegative().describe('Length of `text` in characters (Unicode code points)'),
    reprint: ReprintSchema.nullable().describe(
      'The reprint group of copies of the same text (wire reprints, revisions, retitled copies), or null',
    ),
    related: z
      .array(
        z
          .object({ id: z.string().min(1), similarity: z.number().min(0).max(1) })
          .strict()
          .describe('Another article and the Jaccard similarity of the two texts (5-character shingles)'),
      )
      .describe('The most similar other articles, outside the own reprint group, most similar first'),
    inferred: z.array(InferenceSchema).describe('Values not stated by the file, and how they were found'),
    input: z
      .object({
        path: z.string().min(1).describe('Relative to the content folder, with forward slashes'),
        format: z.enum(FORMATS),
        encoding: z.string().min(1),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
      })
      .strict(),
    warnings: z.array(z.string()),
  })
  .strict();

export type Article = z.infer<typeof ArticleSchema>;
export type ArticleImage = z.infer<typeof ImageSchema>;
export type Outlet = z.infer<typeof OutletSchema>;
export type Credit = z.infer<typeof CreditSchema>;
export type ReprintInfo = z.infer<typeof ReprintSchema>;
export type DateProvenance = (typeof DATE_PROVENANCES)[number];
export type TitleProvenance = (typeof TITLE_PROVENANCES)[number];
export type InputFormat = (typeof FORMATS)[number];

/** Summary fields: everything but the body. This is what `index.json` holds. */
export const SummarySchema = ArticleSchema.omit({ html: true, text: true });
export type ArticleSummary = z.infer<typeof SummarySchema>;

export const ReportSchema = z
  .object({
    inputs: z.number().int().nonnegative(),
    articles: z.number().int().nonnegative(),
    errors: z.array(
      z.object({ path: z.string(), message: z.string(), line: z.number().int().positive().optional() }).strict(),
    ),
    warnings: z.array(z.object({ path: z.string(), message: z.string() }).strict()),
  })
  .strict();
export type IngestReport = z.infer<typeof ReportSchema>;

export function articleJsonSchema(): unknown {
  return z.toJSONSchema(ArticleSchema, { target: 'draft-2020-12' });
}
