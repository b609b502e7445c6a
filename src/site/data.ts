/**
 * The site's view model, computed once per build from the ingest output and the content
 * data files: every page's URL, the listings and their pagination, calendars, event
 * coverage. Templates only display it: no URL or grouping is computed in a template, and
 * no article value is ever evaluated as template code (articles reach Eleventy as data).
 *
 * Listing pages are built from the article summaries (index.json), not from the full
 * articles: bodies are read from disk only when an article page renders.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ContentConfig } from '../content/load.ts';
import { readIndex } from '../ingest/read-index.ts';
import type { ArticleSummary } from '../schema/article.ts';
import type { SourceInfo, SummitEvent, Topic } from '../schema/content.ts';
import { slugify } from './slug.ts';

export const PAGE_SIZE = 50;
/** Related articles: at most this many on the same event, then this many by similarity. */
export const SAME_EVENT_MAX = 10;
export const RELATED_MAX = 4;
/** How many of an event's articles are looked at to find the SAME_EVENT_MAX to show. */
const SAME_EVENT_SCAN = 500;
/** An article's page lists at most this many copies of its text. */
export const REPRINT_LIST_MAX = 20;
/** The coverage chart's days around an event: from 3 days before to 7 after. */
const CHART_DAYS = { before: 3, after: 7 };

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
  dataUrl: string;
  topicLinks: Array<{ id: string; nameZh: string; url: string }>;
  /** Its reprint group (every copy, oldest first), when it has copies. */
  reprintGroup: {
    isOriginal: boolean;
    original: ArticleRef;
    members: Array<ArticleRef & { similarity: number; isOriginal: boolean; isSelf: boolean }>;
    /** Copies left out of `members` (a wire story can have hundreds). */
    more: number;
  } | null;
  /** Same event first, then the most similar texts; never itself or its own copies. */
  relatedArticles: Array<ArticleRef & { kind: 'event' | 'text'; why: string }>;
  /** How many of `relatedArticles` are on the same event (they come first). */
  relatedSameEvent: number;
}

/** What a listing shows of an article: one shared, small object per article. */
export interface ListItem {
  id: string;
  lang: string;
  title: string;
  path: string;
  published: string;
  local: LocalDate;
  sourceUrl: string;
  source: { id: string; nameZh: string };
  topicLinks: ArticleView['topicLinks'];
}

export interface ArticleRef {
  id: string;
  published: string;
  title: string;
  path: string;
  sourceName: string;
  local: LocalDate;
  lang: string;
}

export interface ListingPage {
  url: string;
  title: string;
  items: ListItem[];
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

export interface EventItem {
  article: ListItem;
  chars: number;
  thumb: { src: string; width: number | null; height: number | null; alt: string } | null;
  /** The original this is a copy of, when it is a reprint of an earlier article. */
  reprintOf: ArticleRef | null;
  /** How many later copies of this text the archive holds. */
  copies: number;
}

export interface CoverageChart {
  width: number;
  height: number;
  title: string;
  desc: string;
  days: Array<{ iso: string; label: string; x: number; isEvent: boolean }>;
  rows: Array<{
    name: string;
    y: number;
    textY: number;
    cells: Array<{ x: number; y: number; count: number; level: number; iso: string }>;
  }>;
  cell: { width: number; height: number };
  labelWidth: number;
  headerY: number;
  eventBox: { x: number; y: number; width: number; height: number } | null;
}

export interface EventView extends SummitEvent {
  url: string;
  /** One column per outlet, articles in time order. */
  columns: Array<{ source: { id: string; nameZh: string; url: string }; items: ListItem[]; entries: EventItem[] }>;
  count: number;
  chart: CoverageChart | null;
}

export interface TopicView extends Topic {
  url: string;
  count: number;
  pages: ListingPage[];
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
  days: Array<{ day: string; anchor: string; items: ListItem[] }>;
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

/** The paginated pages of a build: all of them, or (incremental build) those that changed. */
export interface RenderScope {
  articles: ArticleView[];
  months: MonthView[];
  years: YearView[];
  events: EventView[];
  sourcePages: SiteData['sourcePages'];
  tagPages: SiteData['tagPages'];
  topicPages: SiteData['topicPages'];
}

/** The pages that are not paginated, rendered on every build (they are few and cheap). */
export const FIXED_PAGES = ['/', '/archive/', '/events/', '/sources/', '/tags/', '/topics/', '/search/', '/data/'];

export interface SiteData {
  articles: ArticleView[];
  events: EventView[];
  sources: SourceView[];
  years: YearView[];
  months: MonthView[];
  tags: TagView[];
  sourcePages: Array<ListingPage & { source: SourceView }>;
  tagPages: Array<ListingPage & { tag: TagView }>;
  topics: TopicView[];
  topicPages: Array<ListingPage & { topic: TopicView }>;
  latest: ArticleView[];
  /** What the templates paginate over; see `scopeSiteData`. */
  render: RenderScope;
  /** Every HTML page's URL, for the sitemap (built from the data, so it is complete in an incremental build too). */
  sitemap: string[];
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

const formatters = new Map<string, Intl.DateTimeFormat>();

export function localDate(iso: string, precision: string, timeZone: string): LocalDate {
  const date = new Date(iso);
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Building a formatter costs far more than using one: one per zone per process.
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(date);
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

function paginate(baseUrl: string, title: string, items: ListItem[]): ListingPage[] {
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

/**
 * The copies of a text an article's page lists: the oldest, then those nearest the article
 * in time. A wire story can be reprinted hundreds of times; listing every copy on every copy's
 * page would grow with the square of the group.
 */
function groupWindow<T extends { id: string }>(oldestFirst: T[], at: number): T[] {
  if (oldestFirst.length <= REPRINT_LIST_MAX) return oldestFirst;
  const last = oldestFirst.length - (REPRINT_LIST_MAX - 1);
  const start = Math.max(1, Math.min(at - Math.floor(REPRINT_LIST_MAX / 2), last));
  return [oldestFirst[0]!, ...oldestFirst.slice(start, start + REPRINT_LIST_MAX - 1)];
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

function shiftDay(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The at-a-glance chart of an event page: one row per outlet, one column per day around
 * the event (site zone), each cell shaded by the number of articles that day. Geometry
 * only: the template draws it as inline SVG with presentation attributes and classes.
 */
export function coverageChart(
  event: SummitEvent,
  columns: Array<{ source: { nameZh: string }; items: Array<{ local: LocalDate }> }>,
): CoverageChart | null {
  if (columns.length === 0) return null;
  const cell = { width: 44, height: 30 };
  const labelWidth = 120;
  const headerY = 24;
  const top = 34;
  const days = Array.from({ length: CHART_DAYS.before + CHART_DAYS.after + 1 }, (_, i) => {
    const iso = shiftDay(event.date, i - CHART_DAYS.before);
    return {
      iso,
      label: `${Number(iso.slice(5, 7))}/${Number(iso.slice(8, 10))}`,
      x: labelWidth + i * cell.width,
      isEvent: iso === event.date,
    };
  });
  const counts = columns.map((c) => days.map((d) => c.items.filter((a) => a.local.iso === d.iso).length));
  const max = Math.max(1, ...counts.flat());
  const rows = columns.map((c, r) => {
    const y = top + r * cell.height;
    return {
      name: c.source.nameZh,
      y,
      textY: y + cell.height / 2 + 5,
      cells: days.map((d, i) => {
        const count = counts[r]![i]!;
        return { x: d.x, y, count, iso: d.iso, level: count === 0 ? 0 : Math.min(4, Math.ceil((count / max) * 4)) };
      }),
    };
  });
  const eventIndex = days.findIndex((d) => d.isEvent);
  const total = counts.flat().reduce((n, c) => n + c, 0);
  return {
    width: labelWidth + days.length * cell.width + 2,
    height: top + rows.length * cell.height + 4,
    title: `${event.titleZh}：各媒体每日报道数`,
    desc:
      `${days[0]!.iso} 至 ${days.at(-1)!.iso}（会晤前 ${CHART_DAYS.before} 天至后 ${CHART_DAYS.after} 天），` +
      `${rows.length} 家媒体共 ${total} 篇报道；` +
      rows.map((r) => `${r.name} ${r.cells.reduce((n, c) => n + c.count, 0)} 篇`).join('，') +
      '。详见下表。',
    days,
    rows,
    cell,
    labelWidth,
    headerY,
    eventBox:
      eventIndex >= 0
        ? { x: days[eventIndex]!.x, y: top - 4, width: cell.width, height: rows.length * cell.height + 6 }
        : null,
  };
}

export function buildSiteData(summaries: ArticleSummary[], config: ContentConfig): SiteData {
  const tz = config.site.timeZone;
  const eventsById = new Map(config.events.map((e) => [e.id, e]));
  const topicsById = new Map((config.topics ?? []).map((t) => [t.id, t]));

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
  // Each date parsed once, not twice a comparison.
  const draftTime = new Map(drafts.map((d) => [d, Date.parse(d.s.published)]));
  const byTime = [...drafts].sort((a, b) =>
    a.s.published === b.s.published ? (a.s.id < b.s.id ? 1 : -1) : draftTime.get(b)! - draftTime.get(a)!,
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
      dataUrl: `/data/articles/${s.id}.json`,
      topicLinks: (s.topics ?? []).flatMap((id) => {
        const topic = topicsById.get(id);
        return topic ? [{ id, nameZh: topic.nameZh, url: `/topics/${id}/` }] : [];
      }),
      reprintGroup: null,
      relatedArticles: [],
      relatedSameEvent: 0,
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
  const listItems = new Map<string, ListItem>(
    articles.map((a) => [
      a.id,
      {
        id: a.id,
        lang: a.lang,
        title: a.title,
        path: a.path,
        published: a.published,
        local: a.local,
        sourceUrl: a.sourceUrl,
        source: { id: a.source.id, nameZh: a.source.nameZh },
        topicLinks: a.topicLinks,
      },
    ]),
  );
  const listItem = (a: ArticleView): ListItem => listItems.get(a.id)!;

  // Sources: the listed ones, plus any outlet an article names.
  const sourceInfos = new Map<string, SourceInfo>(config.sources.map((s) => [s.id, s]));
  for (const a of articles) {
    if (!sourceInfos.has(a.source.id))
      sourceInfos.set(a.source.id, { id: a.source.id, name: a.source.name, nameZh: a.source.nameZh });
  }
  const sources: SourceView[] = [...sourceInfos.values()]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((info) => {
      const items = articles.filter((a) => a.source.id === info.id).map(listItem);
      const url = `/sources/${info.id}/`;
      return { ...info, url, count: items.length, pages: paginate(url, `${info.nameZh} ${info.name}`, items) };
    });
  const sourceById = new Map(sources.map((s) => [s.id, s]));

  // Reprint groups, oldest copy first.
  const byId = new Map(articles.map((a) => [a.id, a]));
  // Parsed once: the related lists' sort below compared dates ~2 million times at 10k articles.
  const timeOf = new Map(articles.map((a) => [a, Date.parse(a.published)]));
  const refOf = (a: ArticleView): ArticleRef => ({
    id: a.id,
    published: a.published,
    title: a.title,
    path: a.path,
    sourceName: a.source.nameZh,
    local: a.local,
    lang: a.lang,
  });
  const groups = new Map<string, ArticleView[]>();
  for (const a of oldestFirst) {
    if (!a.reprint) continue;
    groups.set(a.reprint.group, groups.get(a.reprint.group) ?? []);
    groups.get(a.reprint.group)!.push(a);
  }
  // Each article's place in its group: a findIndex per article was quadratic in the group.
  const groupPosition = new Map<string, number>();
  for (const members of groups.values()) members.forEach((m, i) => groupPosition.set(m.id, i));
  const reprintGroupOf = (a: ArticleView): ArticleView['reprintGroup'] => {
    const members = a.reprint ? groups.get(a.reprint.group) : undefined;
    const original = a.reprint ? byId.get(a.reprint.original) : undefined;
    if (!members || members.length < 2 || !original) return null;
    const listed = groupWindow(members, groupPosition.get(a.id) ?? 0);
    return {
      isOriginal: original.id === a.id,
      original: refOf(original),
      more: members.length - listed.length,
      members: listed.map((m) => ({
        ...refOf(m),
        similarity: m.reprint!.similarity,
        isOriginal: m.id === original.id,
        isSelf: m.id === a.id,
      })),
    };
  };

  // Events, newest first, each outlet's coverage in its own column.
  const events: EventView[] = [...config.events]
    .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : a.id < b.id ? -1 : 1))
    .map((event) => {
      const covering = oldestFirst.filter((a) => a.event === event.id);
      const columnIds = [...new Set(covering.map((a) => a.source.id))].sort();
      const columns = columnIds.map((id) => {
        const source = sourceById.get(id)!;
        const items = covering.filter((a) => a.source.id === id);
        return {
          source: { id, nameZh: source.nameZh, url: source.url },
          items: items.map(listItem),
          entries: items.map(eventItem),
        };
      });
      return {
        ...event,
        url: `/events/${event.id}/`,
        count: covering.length,
        columns,
        chart: coverageChart(event, columns),
      };
    });
  function eventItem(a: ArticleView): EventItem {
    const original = a.reprint && a.reprint.original !== a.id ? byId.get(a.reprint.original) : undefined;
    const lead = a.leadImage;
    return {
      article: listItem(a),
      chars: a.chars ?? 0,
      thumb: lead
        ? { src: lead.src, width: lead.width, height: lead.height, alt: lead.alt ?? lead.caption ?? '' }
        : null,
      reprintOf: original ? refOf(original) : null,
      copies: a.reprint && a.reprint.original === a.id ? (groups.get(a.reprint.group)?.length ?? 1) - 1 : 0,
    };
  }
  // Each event's articles, oldest first, so that no article scans the whole archive.
  const byEvent = new Map<string, ArticleView[]>();
  for (const o of oldestFirst) {
    if (!o.event) continue;
    const list = byEvent.get(o.event) ?? [];
    list.push(o);
    byEvent.set(o.event, list);
  }

  const topicLists = new Map<string, ArticleView[]>();
  const topicPosition = new Map<string, number>();
  for (const a of oldestFirst) {
    for (const t of a.topics ?? []) {
      const list = topicLists.get(t) ?? [];
      topicPosition.set(`${t} ${a.id}`, list.length);
      list.push(a);
      topicLists.set(t, list);
    }
  }

  // Related: same event first (oldest first), then by text similarity; never the article
  // itself or a copy of its own text.
  const relatedOf = (a: ArticleView): Array<ArticleRef & { kind: 'event' | 'text'; why: string }> => {
    const own = (o: ArticleView): boolean =>
      o.id === a.id || (a.reprint !== null && a.reprint !== undefined && o.reprint?.group === a.reprint.group);
    const seen = new Set<string>();
    const list: Array<ArticleRef & { kind: 'event' | 'text'; why: string }> = [];
    let similar = 0;
    let scanned = 0;
    for (const o of a.event ? (byEvent.get(a.event) ?? []) : []) {
      // Bounded: when most of an event's coverage is copies of this article's own text, the
      // scan would otherwise cross the whole event for every copy (quadratic at 100k).
      if (list.length >= SAME_EVENT_MAX || ++scanned > SAME_EVENT_SCAN) break;
      if (own(o) || seen.has(o.id)) continue;
      seen.add(o.id);
      list.push({ ...refOf(o), kind: 'event', why: '同一会晤' });
    }
    for (const r of a.related ?? []) {
      const o = byId.get(r.id);
      if (!o || own(o) || seen.has(o.id)) continue;
      if (list.length >= SAME_EVENT_MAX + RELATED_MAX || ++similar > RELATED_MAX) break;
      seen.add(o.id);
      list.push({ ...refOf(o), kind: 'text', why: `文本相似度 ${Math.round(r.similarity * 100)}%` });
    }
    // Then, when the texts say too little, the nearest articles in time sharing its topics.
    if (similar < RELATED_MAX && (a.topics ?? []).length > 0) {
      const near = new Map<string, { o: ArticleView; shared: string[] }>();
      for (const t of a.topics) {
        const inTopic = topicLists.get(t) ?? [];
        const at = topicPosition.get(`${t} ${a.id}`)!;
        for (let k = Math.max(0, at - 3); k <= Math.min(inTopic.length - 1, at + 3); k++) {
          const o = inTopic[k]!;
          if (own(o) || seen.has(o.id)) continue;
          const entry = near.get(o.id) ?? { o, shared: [] };
          entry.shared.push(t);
          near.set(o.id, entry);
        }
      }
      const gap = (o: ArticleView): number => Math.abs(timeOf.get(o)! - timeOf.get(a)!);
      const ranked = [...near.values()].sort(
        (x, y) => y.shared.length - x.shared.length || gap(x.o) - gap(y.o) || (x.o.id < y.o.id ? -1 : 1),
      );
      for (const { o, shared } of ranked) {
        if (similar++ >= RELATED_MAX) break;
        seen.add(o.id);
        const names = shared.map((t) => topicsById.get(t)?.nameZh ?? t).join('、');
        list.push({ ...refOf(o), kind: 'text', why: `同一话题：${names}` });
      }
    }
    return list;
  };
  // An article's copies and related articles are made when they are read (its page, its
  // fingerprint), not held: with up to 20 copies and 14 related articles each, holding them
  // was most of the view model at 100k articles. A page reads them several times in a row:
  // the last article's lists are kept.
  let last: { a: ArticleView; group: ArticleView['reprintGroup']; related: ArticleView['relatedArticles'] } | null =
    null;
  const listsOf = (a: ArticleView): NonNullable<typeof last> =>
    last?.a === a ? last : (last = { a, group: reprintGroupOf(a), related: relatedOf(a) });
  for (const a of articles) {
    // Redefined in place, so that they keep their place among the keys (fingerprints hash
    // the view as JSON, in key order).
    Object.defineProperties(a, {
      reprintGroup: { get: () => listsOf(a).group, enumerable: true },
      relatedArticles: { get: () => listsOf(a).related, enumerable: true },
      relatedSameEvent: {
        get: () => listsOf(a).related.filter((x) => x.kind === 'event').length,
        enumerable: true,
      },
    });
  }

  // Dated archive.
  const monthMap = new Map<string, ArticleView[]>();
  for (const a of oldestFirst) {
    const key = `${a.local.year}/${a.local.month}`;
    monthMap.set(key, monthMap.get(key) ?? []);
    monthMap.get(key)!.push(a);
  }
  const months: MonthView[] = [...monthMap.entries()]
    .sort(([a], [b]) => (a < b ? 1 : -1))
    .map(([key, items]) => {
      const [year, month] = key.split('/') as [string, string];
      const dayMap = new Map<string, ArticleView[]>();
      for (const a of items) {
        dayMap.set(a.local.day, dayMap.get(a.local.day) ?? []);
        dayMap.get(a.local.day)!.push(a);
      }
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
          .map(([day, list]) => ({ day, anchor: `d${day}`, items: list.map(listItem) })),
      };
    });
  const years: YearView[] = [...new Set(months.map((m) => m.year))].map((year) => {
    const inYear = months.filter((m) => m.year === year).sort((a, b) => (a.month < b.month ? -1 : 1));
    return { year, url: `/archive/${year}/`, count: inYear.reduce((n, m) => n + m.count, 0), months: inYear };
  });

  // Tags.
  const tagMap = new Map<string, ListItem[]>();
  for (const a of articles) {
    for (const t of a.tags) {
      tagMap.set(t, tagMap.get(t) ?? []);
      tagMap.get(t)!.push(listItem(a));
    }
  }
  const tags: TagView[] = [...tagMap.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, items]) => {
      const slug = slugify(name);
      const url = `/tags/${slug}/`;
      return { name, slug, url, count: items.length, pages: paginate(url, `标签：${name}`, items) };
    });

  // Topics: the vocabulary's order; pages paginate like tags.
  const topics: TopicView[] = (config.topics ?? []).map((topic) => {
    const items = articles.filter((a) => (a.topics ?? []).includes(topic.id)).map(listItem);
    const url = `/topics/${topic.id}/`;
    return { ...topic, url, count: items.length, pages: paginate(url, `话题：${topic.nameZh}`, items) };
  });

  const sourcePages = sources.flatMap((source) => source.pages.map((p) => ({ ...p, source })));
  const tagPages = tags.flatMap((tag) => tag.pages.map((p) => ({ ...p, tag })));
  const topicPages = topics.flatMap((topic) => topic.pages.map((p) => ({ ...p, topic })));
  const render: RenderScope = { articles, months, years, events, sourcePages, tagPages, topicPages };
  return {
    articles,
    events,
    sources,
    years,
    months,
    tags,
    sourcePages,
    tagPages,
    topics,
    topicPages,
    latest: articles.slice(0, 20),
    render,
    sitemap: [
      ...FIXED_PAGES,
      ...articles.map((a) => a.path),
      ...[months, years, events, sourcePages, tagPages, topicPages].flatMap((pages) => pages.map((p) => p.url)),
    ],
  };
}

/**
 * The same view model with only the pages whose URL is in `urls` left to paginate over: an
 * incremental build renders those and the fixed pages, and leaves the rest on disk.
 */
export function scopeSiteData(site: SiteData, urls: ReadonlySet<string> | null): SiteData {
  if (!urls) return site;
  const keep = <T extends { url: string }>(pages: T[]): T[] => pages.filter((p) => urls.has(p.url));
  return {
    ...site,
    render: {
      articles: site.articles.filter((a) => urls.has(a.path)),
      months: keep(site.months),
      years: keep(site.years),
      events: keep(site.events),
      sourcePages: keep(site.sourcePages),
      tagPages: keep(site.tagPages),
      topicPages: keep(site.topicPages),
    },
  };
}

let scope: ReadonlySet<string> | null = null;

/** The pages the next Eleventy run renders (null: all); set by an incremental build. */
export function setRenderScope(urls: ReadonlySet<string> | null): void {
  scope = urls;
}

export function renderScope(): ReadonlySet<string> | null {
  return scope;
}

let memo: { key: string; data: SiteData } | null = null;

/**
 * The view model of an archive folder, built once per change of its index: the pages and
 * the search index of one build share it (at 10k articles it takes seconds to build).
 */
export function loadSiteData(archiveDir: string, config: ContentConfig): SiteData {
  const index = statSync(join(archiveDir, 'index.json'));
  const key = `${archiveDir}|${index.mtimeMs}|${index.size}|${JSON.stringify(config)}`;
  if (memo?.key !== key) memo = { key, data: buildSiteData(readSummaries(archiveDir), config) };
  return memo.data;
}

/** Lets the view model go (a later loadSiteData builds it again). */
export function forgetSiteData(): void {
  memo = null;
}

export function readSummaries(archiveDir: string): ArticleSummary[] {
  return readIndex(join(archiveDir, 'index.json'));
}

/** The sanitized body of an article, read when its page renders. */
export function readArticleHtml(archiveDir: string, id: string): string {
  const article = JSON.parse(readFileSync(join(archiveDir, 'articles', `${id}.json`), 'utf8')) as { html: string };
  return article.html;
}
