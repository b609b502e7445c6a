/**
 * The site's view model, computed once per build from the ingest output and the content
 * data files: every page's URL, the listings and their pagination, calendars, event
 * coverage. Templates only display it: no URL or grouping is computed in a template, and
 * no article value is ever evaluated as template code (articles reach Eleventy as data).
 *
 * Listing pages are built from the article summaries (index.json), not from the full
 * articles: bodies are read from disk only when an article page renders.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContentConfig } from '../content/load.ts';
import type { ArticleSummary } from '../schema/article.ts';
import type { SourceInfo, SummitEvent } from '../schema/content.ts';
import { slugify } from './slug.ts';

export const PAGE_SIZE = 50;

export interface LocalDate {
  year: string;
  month: string;
  day: string;
  /** `2022-11-15` */
  iso: string;
  /** `2022年11月15日 08:45` (site zone), or only the day when only the day is known. */
  display: string;
}

export interface ArticleView extends ArticleSummary {
  /** The article's page on this site (`url` stays the original's canonical URL). */
  path: string;
  local: LocalDate;
  sourceUrl: string;
  eventInfo: { id: string; titleZh: string; url: string } | null;
  tagLinks: Array<{ name: string; url: string }>;
  prev: { title: string; path: string } | null;
  next: { title: string; path: string } | null;
  /** The other articles on the same event, oldest first. */
  sameEvent: Array<{ title: string; path: string; sourceName: string; local: LocalDate }>;
  dataUrl: string;
}

export interface ListingPage {
  url: string;
  title: string;
  items: ArticleView[];
  pageNumber: number;
  totalPages: number;
  prevUrl: string | null;
  nextUrl: string | null;
}

export interface SourceView extends SourceInfo {
  url: string;
  count: number;
  pages: ListingPage[];
}

export interface EventView extends SummitEvent {
  url: string;
  /** One column per outlet, articles in time order. */
  columns: Array<{ source: { id: string; nameZh: string; url: string }; items: ArticleView[] }>;
  count: number;
}

export interface CalendarDay {
  day: number | null;
  count: number;
  anchor: string | null;
}

export interface MonthView {
  year: string;
  month: string;
  url: string;
  title: string;
  count: number;
  weeks: CalendarDay[][];
  days: Array<{ day: string; anchor: string; items: ArticleView[] }>;
}

export interface YearView {
  year: string;
  url: string;
  count: number;
  months: MonthView[];
}

export interface TagView {
  name: string;
  slug: string;
  url: string;
  count: number;
  pages: ListingPage[];
}

export interface SiteData {
  articles: ArticleView[];
  events: EventView[];
  sources: SourceView[];
  years: YearView[];
  months: MonthView[];
  tags: TagView[];
  sourcePages: Array<ListingPage & { source: SourceView }>;
  tagPages: Array<ListingPage & { tag: TagView }>;
  latest: ArticleView[];
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export function localDate(iso: string, precision: string, timeZone: string): LocalDate {
  const date = new Date(iso);
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  let [year, month, day] = [get('year'), get('month'), get('day')];
  if (precision === 'day') {
    // Only the day is known, in the zone the ingest recorded it in (its offset): keep it.
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso)!;
    [year, month, day] = [m[1]!, m[2]!, m[3]!];
  }
  const display =
    `${Number(year)}年${Number(month)}月${Number(day)}日` +
    (precision === 'day' ? '' : ` ${get('hour')}:${get('minute')}`);
  return { year, month, day, iso: `${year}-${month}-${day}`, display };
}

function paginate(baseUrl: string, title: string, items: ArticleView[]): ListingPage[] {
  const total = Math.max(1, Math.ceil(items.length / PAGE_SIZE));
  const urlOf = (n: number): string => (n === 1 ? baseUrl : `${baseUrl}page/${n}/`);
  return Array.from({ length: total }, (_, i) => ({
    url: urlOf(i + 1),
    title: total > 1 ? `${title}（第 ${i + 1} 页）` : title,
    items: items.slice(i * PAGE_SIZE, (i + 1) * PAGE_SIZE),
    pageNumber: i + 1,
    totalPages: total,
    prevUrl: i > 0 ? urlOf(i) : null,
    nextUrl: i + 1 < total ? urlOf(i + 2) : null,
  }));
}

function calendar(year: number, month: number, counts: Map<string, number>): CalendarDay[][] {
  const first = new Date(Date.UTC(year, month - 1, 1));
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const lead = (first.getUTCDay() + 6) % 7; // weeks start on Monday
  const cells: CalendarDay[] = Array.from({ length: lead }, () => ({ day: null, count: 0, anchor: null }));
  for (let d = 1; d <= daysInMonth; d++) {
    const count = counts.get(pad(d)) ?? 0;
    cells.push({ day: d, count, anchor: count > 0 ? `d${pad(d)}` : null });
  }
  while (cells.length % 7 !== 0) cells.push({ day: null, count: 0, anchor: null });
  const weeks: CalendarDay[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
}

export function buildSiteData(summaries: ArticleSummary[], config: ContentConfig): SiteData {
  const tz = config.site.timeZone;
  const eventsById = new Map(config.events.map((e) => [e.id, e]));

  // Article URLs: dated path and a CJK-safe slug of the title; a slug taken twice on one
  // day gets the id's hash, on every article that shares it, so no URL depends on order.
  const drafts = summaries.map((s) => ({
    s,
    local: localDate(s.published, s.datePrecision, tz),
    slug: slugify(s.title),
  }));
  const taken = new Map<string, number>();
  for (const d of drafts) {
    const key = `${d.local.iso}/${d.slug}`;
    taken.set(key, (taken.get(key) ?? 0) + 1);
  }
  const byTime = [...drafts].sort((a, b) =>
    a.s.published === b.s.published
      ? a.s.id < b.s.id
        ? 1
        : -1
      : Date.parse(b.s.published) - Date.parse(a.s.published),
  );
  const articles: ArticleView[] = byTime.map(({ s, local, slug }) => {
    const unique = taken.get(`${local.iso}/${slug}`)! > 1 ? `${slug}-${s.id.slice(-6)}` : slug;
    const event = s.event ? eventsById.get(s.event) : undefined;
    return {
      ...s,
      path: `/articles/${local.year}/${local.month}/${local.day}/${unique}/`,
      local,
      sourceUrl: `/sources/${s.source.id}/`,
      eventInfo: event ? { id: event.id, titleZh: event.titleZh, url: `/events/${event.id}/` } : null,
      tagLinks: s.tags.map((name) => ({ name, url: `/tags/${slugify(name)}/` })),
      prev: null,
      next: null,
      sameEvent: [],
      dataUrl: `/data/articles/${s.id}.json`,
    };
  });
  // Previous = older, next = newer.
  articles.forEach((a, i) => {
    const newer = articles[i - 1];
    const older = articles[i + 1];
    a.next = newer ? { title: newer.title, path: newer.path } : null;
    a.prev = older ? { title: older.title, path: older.path } : null;
  });
  const oldestFirst = [...articles].reverse();

  // Sources: the listed ones, plus any outlet an article names.
  const sourceInfos = new Map<string, SourceInfo>(config.sources.map((s) => [s.id, s]));
  for (const a of articles) {
    if (!sourceInfos.has(a.source.id))
      sourceInfos.set(a.source.id, { id: a.source.id, name: a.source.name, nameZh: a.source.nameZh });
  }
  const sources: SourceView[] = [...sourceInfos.values()]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((info) => {
      const items = articles.filter((a) => a.source.id === info.id);
      const url = `/sources/${info.id}/`;
      return { ...info, url, count: items.length, pages: paginate(url, `${info.nameZh} ${info.name}`, items) };
    });
  const sourceById = new Map(sources.map((s) => [s.id, s]));

  // Events, newest first, each outlet's coverage in its own column.
  const events: EventView[] = [...config.events]
    .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : a.id < b.id ? -1 : 1))
    .map((event) => {
      const covering = oldestFirst.filter((a) => a.event === event.id);
      const columnIds = [...new Set(covering.map((a) => a.source.id))].sort();
      return {
        ...event,
        url: `/events/${event.id}/`,
        count: covering.length,
        columns: columnIds.map((id) => {
          const source = sourceById.get(id)!;
          return {
            source: { id, nameZh: source.nameZh, url: source.url },
            items: covering.filter((a) => a.source.id === id),
          };
        }),
      };
    });
  for (const a of articles) {
    if (!a.event) continue;
    a.sameEvent = oldestFirst
      .filter((o) => o.event === a.event && o.id !== a.id)
      .map((o) => ({ title: o.title, path: o.path, sourceName: o.source.nameZh, local: o.local }));
  }

  // Dated archive.
  const monthMap = new Map<string, ArticleView[]>();
  for (const a of oldestFirst) {
    const key = `${a.local.year}/${a.local.month}`;
    monthMap.set(key, [...(monthMap.get(key) ?? []), a]);
  }
  const months: MonthView[] = [...monthMap.entries()]
    .sort(([a], [b]) => (a < b ? 1 : -1))
    .map(([key, items]) => {
      const [year, month] = key.split('/') as [string, string];
      const dayMap = new Map<string, ArticleView[]>();
      for (const a of items) dayMap.set(a.local.day, [...(dayMap.get(a.local.day) ?? []), a]);
      const counts = new Map([...dayMap].map(([d, list]) => [d, list.length]));
      return {
        year,
        month,
        url: `/archive/${year}/${month}/`,
        title: `${year}年${Number(month)}月`,
        count: items.length,
        weeks: calendar(Number(year), Number(month), counts),
        days: [...dayMap.entries()]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([day, list]) => ({ day, anchor: `d${day}`, items: list })),
      };
    });
  const years: YearView[] = [...new Set(months.map((m) => m.year))].map((year) => {
    const inYear = months.filter((m) => m.year === year).sort((a, b) => (a.month < b.month ? -1 : 1));
    return { year, url: `/archive/${year}/`, count: inYear.reduce((n, m) => n + m.count, 0), months: inYear };
  });

  // Tags.
  const tagMap = new Map<string, ArticleView[]>();
  for (const a of articles) for (const t of a.tags) tagMap.set(t, [...(tagMap.get(t) ?? []), a]);
  const tags: TagView[] = [...tagMap.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, items]) => {
      const slug = slugify(name);
      const url = `/tags/${slug}/`;
      return { name, slug, url, count: items.length, pages: paginate(url, `标签：${name}`, items) };
    });

  return {
    articles,
    events,
    sources,
    years,
    months,
    tags,
    sourcePages: sources.flatMap((source) => source.pages.map((p) => ({ ...p, source }))),
    tagPages: tags.flatMap((tag) => tag.pages.map((p) => ({ ...p, tag }))),
    latest: articles.slice(0, 20),
  };
}

export function readSummaries(archiveDir: string): ArticleSummary[] {
  return JSON.parse(readFileSync(join(archiveDir, 'index.json'), 'utf8')) as ArticleSummary[];
}

/** The sanitized body of an article, read when its page renders. */
export function readArticleHtml(archiveDir: string, id: string): string {
  const article = JSON.parse(readFileSync(join(archiveDir, 'articles', `${id}.json`), 'utf8')) as { html: string };
  return article.html;
}
