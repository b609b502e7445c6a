/**
 * Schemas of the editable data files in `content/`: events.yaml, sources.yaml, site.yaml.
 */
import { z } from 'zod';

const day = z.iso.date();

export const EVENT_KINDS = [
  'in-person-meeting',
  'virtual-meeting',
  'video-call',
  'phone-call',
  'ministerial-meeting',
  'ministerial-call',
] as const;

export const EventSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    date: day.describe('The day in Beijing time'),
    localDate: day.optional().describe('The day where it took place, when different'),
    kind: z.enum(EVENT_KINDS),
    title: z.string().min(1),
    titleZh: z.string().min(1),
    place: z.string().nullable().default(null),
    placeZh: z.string().nullable().default(null),
    participants: z.array(z.string()).default([]),
    keywords: z.array(z.string()).default([]),
  })
  .strict();
export const EventsSchema = z.array(EventSchema);
export type SummitEvent = z.infer<typeof EventSchema>;

export const SourceSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    name: z.string().min(1),
    nameZh: z.string().min(1),
    country: z.string().min(2).max(2).optional(),
    kind: z.string().optional(),
    homepage: z.url().optional(),
  })
  .strict();
export const SourcesSchema = z.array(SourceSchema);
export type SourceInfo = z.infer<typeof SourceSchema>;

export const SiteSchema = z
  .object({
    title: z.string().default('新闻档案'),
    titleEn: z.string().default('News Archive'),
    description: z.string().default(''),
    language: z.enum(['zh-Hans', 'zh-Hant']).default('zh-Hans'),
    timeZone: z.string().default('Asia/Shanghai'),
    url: z.url().optional(),
  })
  .strict();
export type SiteConfig = z.infer<typeof SiteSchema>;

/** content/topics.yaml: the curated topic vocabulary. */
export const TopicSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    name: z.string().min(1).describe('English name'),
    nameZh: z.string().min(1).describe('Chinese name'),
    terms: z.array(z.string().min(1)).min(1).describe('Words in the text, Simplified and Traditional'),
    tags: z.array(z.string().min(1)).default([]).describe("Outlets' own tags that mean this topic"),
    min: z.number().int().positive().default(3).describe('Term occurrences needed (title counts double)'),
  })
  .strict();
export const TopicsSchema = z.array(TopicSchema);
export type Topic = z.infer<typeof TopicSchema>;
