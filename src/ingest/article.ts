/**
 * One input file to one normalized article:
 * decode → split (format) → detect outlet → parse body → outlet clean-up → shared clean-up →
 * blocks → sanitize → metadata → validate.
 *
 * Throws InputError (with a line where one is known) for a file that cannot become an
 * article; the caller turns it into a report entry.
 */
import { createHash } from 'node:crypto';
import type { Article, ArticleImage, DateProvenance, TitleProvenance } from '../schema/article.ts';
import { checkArticle } from '../schema/check-article.ts';
import type { SummitEvent } from '../schema/content.ts';
import { decode } from './decode.ts';
import { parseSource } from './formats/index.ts';
import { toBlocks, PHOTO_CREDIT, type Block } from './html/blocks.ts';
import { extractCredits, parseCreditLine } from './html/credits.ts';
import { extractDateline } from './html/dateline.ts';
import { h, squash, text as textNode, textContent, type ElementContent, type Text } from './html/hast.ts';
import { limitNesting } from './html/limit-nesting.ts';
import { parseHtmlFragment } from './html/parse.ts';
import { noteVideos } from './html/media.ts';
import { removePageChrome } from './html/page-chrome.ts';
import { removeTeaserLink } from './html/teaser.ts';
import { cleanTitle } from './html/title.ts';
import { restoreChineseQuotes } from './html/quotes.ts';
import { removeBoilerplate } from './html/remove-boilerplate.ts';
import { render } from './html/render.ts';
import { linkEvent } from './link-event.ts';
import { agencyId, detectOutlet, type OutletMatch } from './outlets/index.ts';
import { InputError } from './parse/frontmatter.ts';
import {
  DateRangeError,
  findChineseDate,
  localDay,
  parseDate,
  resolvePartialDate,
  type ParsedDate,
} from './text/dates.ts';
import { codePointCount, firstCodePoints } from './text/code-points.ts';
import { toSimplified } from './text/simplify.ts';
import { canonicalUrl, unproxy, absoluteHttpUrl } from './text/urls.ts';
import type { CleanContext, Findings, IngestOptions, SourceDocument } from './types.ts';

export { InputError };

/**
 * The version of what the ingest makes of one input. It keys the ingest cache
 * (src/ingest/cache.ts): an entry made by another version is never used. Rule: any change
 * to the ingest's output for the same input and configuration (this file, the format,
 * outlet, html and text modules, the schema, the comparison step's per-article data:
 * topics, shingles, signatures) must bump it in the same commit, or a warm run would
 * keep the old output for unchanged files. A pure speed-up with byte-identical output
 * need not.
 */
export const INGEST_VERSION = 2;

function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function plainString(value: unknown): string | null {
  if (typeof value === 'number' || value instanceof Date) return String(value);
  if (typeof value !== 'string') return null;
  // Markup in a metadata field is dropped with what it holds when that is code or styling.
  const cleaned = squash(
    decodeEntities(
      value.replace(/<(script|style|noscript|template)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ').replace(/<[^>]*>/g, ' '),
    ),
  );
  return cleaned === '' ? null : cleaned;
}

function decodeEntities(value: string): string {
  if (!value.includes('&')) return value;
  return textContent(parseHtmlFragment(value));
}

function textNodesOf(children: ElementContent[]): Text[] {
  const out: Text[] = [];
  const stack = [...children];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'text') out.push(node);
    else if (node.type === 'element') stack.push(...node.children);
  }
  return out;
}

function blockText(block: Block): string {
  if (block.kind === 'p' || block.kind === 'heading') return squash(textContent(h('p', {}, block.children)));
  return '';
}

/** The photo block closing a plain-text reprint: headline, caption lines, credit lines. */
function photoBlock(trailer: string[], findings: Findings): Block | null {
  if (trailer.length === 0) return null;
  const lines = [...trailer];
  if (!/[。！？]$/.test(lines[0]!) && lines.length > 2) findings.bodyTitle = squash(lines.shift()!);
  const creditStart = lines.findIndex((l) => /^■/.test(l) || /摄$|\/摄/.test(l) || PHOTO_CREDIT.test(l));
  const captionLines = creditStart >= 0 ? lines.slice(0, creditStart) : lines;
  const creditLines = creditStart >= 0 ? lines.slice(creditStart) : [];
  const caption = squash(captionLines.join('')) || null;
  const credit = squash(creditLines.map((l) => l.replace(/^■\s*/, '')).join(' ')) || null;
  if (credit) {
    const photographer =
      /(?:记者|摄影)\s*([\u4e00-\u9fa5·]{2,5}(?:\s*[、，]\s*[\u4e00-\u9fa5·]{2,5})*)\s*\/?\s*摄/.exec(credit);
    const names = photographer ? photographer[1]!.split(/\s*[、，]\s*/) : [credit];
    for (const name of names) findings.credits.push({ role: '摄影', name });
  }
  return { kind: 'figure', image: null, caption, credit };
}

/** `据新华社电（记者 杨依军）`, `新华社北京11月16日电（记者 X、Y）`, `中新社华盛顿1月1日电 记者 X`. */
const AGENCY_DATELINE =
  /^\s*(?:据)?([\u4e00-\u9fa5]{2,6}?社)(?:[\u4e00-\u9fa5]{0,8}?\d{0,2}\s*月?\s*\d{0,2}\s*日?)?电\s*(?:[（(]\s*(?:记者|通讯员)\s*([^）)]{2,40})[）)]|记者\s*([\u4e00-\u9fa5·]{2,4}(?:\s*[、，]\s*[\u4e00-\u9fa5·]{2,4})*))?/;

function agencyDatelineOf(first: string): Findings['agencyDateline'] {
  const m = AGENCY_DATELINE.exec(first);
  if (!m) return null;
  const reporters = (m[2] ?? m[3] ?? '')
    .split(/\s*[、，,\s]\s*/)
    .map((s) => s.replace(/^(?:记者|通讯员)/, '').trim())
    .filter((s) => /^[\u4e00-\u9fa5·]{2,5}$/.test(s));
  return { agency: m[1]!, reporters };
}

/** How much of the title and text the script is judged from. */
const LANG_SAMPLE = 3000;

function detectLang(text: string): 'zh-Hans' | 'zh-Hant' {
  const sample = text.slice(0, LANG_SAMPLE);
  let cjk = 0;
  let changed = 0;
  const simplified = toSimplified(sample);
  // Nothing to convert (most Simplified copy): no character changed.
  if (simplified === sample) return 'zh-Hans';
  if (/[\ud800-\udfff]/.test(sample) || /[\ud800-\udfff]/.test(simplified)) {
    const a = Array.from(sample);
    const b = Array.from(simplified);
    for (let i = 0; i < a.length && i < b.length; i++) {
      const code = a[i]!.codePointAt(0)!;
      if (code < 0x3400 || code > 0x9fff) continue;
      cjk++;
      if (a[i] !== b[i]) changed++;
    }
  } else {
    // Without surrogates a code unit is a character: the same comparison, without the two
    // arrays of one-character strings (most of this check's time on Traditional text).
    for (let i = 0; i < sample.length && i < simplified.length; i++) {
      const code = sample.charCodeAt(i);
      if (code < 0x3400 || code > 0x9fff) continue;
      cjk++;
      if (code !== simplified.charCodeAt(i)) changed++;
    }
  }
  // Simplified copy with a few stray Traditional characters (丶, 於) changes under 2%;
  // Traditional text changes a fifth or more.
  return cjk > 0 && changed / cjk > 0.06 ? 'zh-Hant' : 'zh-Hans';
}

/** The line (1-based) of the front matter's date field, when it comes before the body. */
function frontMatterDateLine(text: string, bodyLine: number): number | undefined {
  // `[^\S\n]*` keeps the match on its line, as when each line is tested on its own.
  const field = /(?:date|published|pubDate)[^\S\n]*:/y;
  for (let line = 0, start = 0; line < bodyLine && start <= text.length; line++) {
    field.lastIndex = start;
    if (field.test(text)) return line + 1;
    const end = text.indexOf('\n', start);
    if (end < 0) break;
    start = end + 1;
  }
  return undefined;
}

/** Whether any text but white space is left once the tags are taken out. */
function hasTextOutsideTags(html: string): boolean {
  const tag = /<[^>]*>/g;
  let from = 0;
  for (let m = tag.exec(html); m; m = tag.exec(html)) {
    if (/\S/.test(html.slice(from, m.index))) return true;
    from = tag.lastIndex;
  }
  return /\S/.test(html.slice(from));
}

export function makeExcerpt(text: string, max = 120): string {
  const flat = text.replace(/\s*\n+\s*/g, ' ').trim();
  const head = firstCodePoints(flat, max);
  if (head.length === flat.length) return flat;
  for (const stops of [/[。！？!?]/g, /[；;]/g, /[，,、：:]/g]) {
    let cut = -1;
    for (const m of head.matchAll(stops)) if (m.index >= max * 0.4) cut = m.index;
    if (cut >= 0) return head.slice(0, cut + 1);
  }
  return head + '…';
}

/** Picks the event whose day matches a date without a year, using the text to break ties. */
function eventForDay(
  month: number,
  day: number,
  text: string,
  events: SummitEvent[],
): { event: SummitEvent; reason: string } | null {
  const md = `-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const candidates = events.filter((e) => e.date.endsWith(md) || e.localDate?.endsWith(md));
  if (candidates.length === 0) return null;
  const scored = candidates
    .map((event) => ({ event, hits: event.keywords.filter((k) => text.includes(k)).length }))
    .sort((a, b) => b.hits - a.hits);
  const [best, second] = scored;
  if (second && second.hits === best!.hits) return null;
  const words = best!.event.keywords.filter((k) => text.includes(k));
  return {
    event: best!.event,
    reason: `the text dates it ${month}月${day}日 without a year; ${best!.event.id} is the listed event on that day${words.length ? ` (text mentions ${words.join('、')})` : ''}`,
  };
}

interface DateChoice {
  date: ParsedDate;
  provenance: DateProvenance;
  event: string | null;
  how: string | null;
}

function chooseDate(
  doc: SourceDocument,
  findings: Findings,
  bodyText: string,
  zone: string,
  events: SummitEvent[],
  frontMatterLine: number | undefined,
): DateChoice {
  const fmDate = doc.frontMatter?.['date'] ?? doc.frontMatter?.['published'] ?? doc.frontMatter?.['pubDate'];
  const line = doc.frontMatter ? frontMatterLine : undefined;
  const attempt = (value: unknown, what: string): ParsedDate | null => {
    if (value === undefined || value === null || value === '') return null;
    try {
      const parsed = parseDate(value as string | number | Date, zone);
      if (!parsed) findings.warnings.push(`${what} "${String(value)}" is not a date format we read`);
      return parsed;
    } catch (err) {
      if (err instanceof DateRangeError) throw new InputError(`${what}: ${err.message}`, line);
      throw err;
    }
  };
  const fm = attempt(fmDate, 'front matter date');
  const dateline = findings.dateline ? attempt(findings.dateline, 'date line') : null;
  if (fm) {
    if (dateline && Math.abs(Date.parse(fm.iso) - Date.parse(dateline.iso)) > 36 * 3600 * 1000) {
      findings.warnings.push(
        `front matter date ${fm.iso} and body date line ${dateline.iso} differ by more than a day`,
      );
    }
    return { date: fm, provenance: 'front-matter', event: null, how: null };
  }
  // A date line that names only the day says less than the mirror's capture time of it.
  const captureIsFiner =
    dateline !== null &&
    dateline.precision === 'day' &&
    doc.header?.capturedAtMs !== undefined &&
    doc.header.capturedAtMs !== null &&
    Math.abs(doc.header.capturedAtMs - Date.parse(dateline.iso)) < 48 * 3600 * 1000;
  if (dateline && !captureIsFiner) return { date: dateline, provenance: 'body-dateline', event: null, how: null };
  if (doc.header?.capturedAtMs) {
    const captured = parseDate(doc.header.capturedAtMs, zone);
    if (captured) return { date: captured, provenance: 'comment-timestamp', event: null, how: null };
  }
  const found = findChineseDate(bodyText.slice(0, 600));
  if (found) {
    if (found.date.year !== null) {
      try {
        return {
          date: resolvePartialDate(found.date, found.date.year, zone, found.match),
          provenance: 'body-text',
          event: null,
          how: `the date "${found.match}" in the text, in the outlet's zone ${zone}`,
        };
      } catch (err) {
        if (err instanceof DateRangeError) throw new InputError(`date in the text: ${err.message}`);
        throw err;
      }
    }
    const match = eventForDay(found.date.month, found.date.day, bodyText, events);
    if (match) {
      const year = Number(match.event.date.slice(0, 4));
      // An event whose local day is the one named (a US-time report) still dates by that day.
      const date = resolvePartialDate(
        { ...found.date, hour: found.date.hour, minute: found.date.minute },
        year,
        zone,
        found.match,
      );
      return { date, provenance: 'inferred-from-event', event: match.event.id, how: match.reason };
    }
    throw new InputError(
      `no publication date: the text says "${found.match}" without a year and no event in events.yaml settles it`,
    );
  }
  throw new InputError('no publication date: no front matter date, date line, header timestamp or date in the text');
}

export interface IngestResult {
  article: Article;
}

// The steps below are separate functions, not one, for the JIT's sake as much as for
// reading: V8 re-optimizes a function whole whenever code inlined in it meets an object of
// a shape it had not seen (an array of another kind, a front matter value of another type),
// and the whole ingest in one function was re-optimized 7–8 times per thread in a cold 10k
// run, ~0.1 s of compiling each time (a fifth of the compiler's time). Each step is now
// re-optimized alone, at a fraction of that.

/** The file's body as blocks, cleaned up, with what it says about itself. */
interface Body {
  encoding: ReturnType<typeof decode>['encoding'];
  doc: SourceDocument;
  dateLine: number | undefined;
  profile: OutletMatch['profile'];
  outlet: OutletMatch['outlet'];
  fm: Record<string, unknown>;
  url: string | null;
  findings: Findings;
  blocks: Block[];
}

function readBody(bytes: Uint8Array, path: string): Body {
  const decoded = decode(bytes);
  const text = decoded.text.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n');
  if (text.trim() === '') throw new InputError('the file is empty');
  const doc = parseSource(text, path);
  // The line of the front matter's date, so that an impossible date is reported where it is.
  const dateLine = doc.frontMatter ? frontMatterDateLine(text, doc.bodyLine) : undefined;
  if (!hasTextOutsideTags(doc.html) && !/<img\b/i.test(doc.html)) {
    throw new InputError(
      doc.frontMatter ? 'front matter only: the file has no article body' : 'the file has no article body',
      doc.bodyLine,
    );
  }
  const match = detectOutlet(doc);
  const { profile, outlet } = match;
  const fm = doc.frontMatter ?? {};
  const url = canonicalUrl(fm['from'] ?? fm['url'] ?? fm['link'] ?? fm['canonical']) ?? canonicalUrl(doc.header?.url);
  const findings: Findings = {
    credits: [],
    copyright: [],
    images: [],
    dateline: null,
    agencyDateline: null,
    bodyTitle: null,
    warnings: [],
  };
  if (!match.known) findings.warnings.push(`unknown outlet "${outlet.name}": read with the generic profile`);
  if (decoded.truncatedBytes > 0) {
    findings.warnings.push(
      `the file ends inside a character (${decoded.truncatedBytes} bytes dropped): it may be truncated`,
    );
  }
  if (fm['title'] !== undefined && fm['title'] !== null && typeof fm['title'] !== 'string') {
    findings.warnings.push('the front matter title is not text: ignored');
  }
  const ctx: CleanContext = { doc, baseUrl: url, findings };

  const limited = limitNesting(doc.html);
  if (limited.dropped > 0) findings.warnings.push(`HTML nested too deeply: ${limited.dropped} wrapper tags dropped`);
  const tree = parseHtmlFragment(limited.html);
  extractDateline(tree, ctx);
  noteVideos(tree, ctx);
  removeTeaserLink(tree, ctx);
  for (const transform of profile.clean ?? []) transform(tree, ctx);
  removeBoilerplate(tree, ctx);

  const blocks = toBlocks(tree, url);
  if (doc.plain) {
    const photo = photoBlock(doc.plain.trailer, findings);
    if (photo) blocks.push(photo);
  }
  fixBlockText(blocks, profile);
  return {
    encoding: decoded.encoding,
    doc,
    dateLine,
    profile,
    outlet,
    fm,
    url,
    findings,
    blocks: extractCredits(blocks, findings),
  };
}

/** Chinese quotation marks restored, and the outlet's text fixes applied, in place. */
function fixBlockText(blocks: Block[], profile: OutletMatch['profile']): void {
  for (const block of blocks) {
    if (block.kind !== 'p' && block.kind !== 'heading') continue;
    restoreChineseQuotes(block.children);
    if (profile.fixText) for (const node of textNodesOf(block.children)) node.value = profile.fixText(node.value);
  }
  for (const block of blocks) {
    if (block.kind === 'figure' && profile.fixText) {
      if (block.caption) block.caption = profile.fixText(block.caption);
      if (block.credit) block.credit = profile.fixText(block.credit);
    }
  }
}

/** The title, and the body rendered without it (and without the page's chrome). */
interface Titled {
  title: string;
  titleProvenance: TitleProvenance;
  inferred: Article['inferred'];
  rendered: ReturnType<typeof render>;
}

function titleAndRender({ doc, outlet, fm, url, findings, blocks: cleaned }: Body): Titled {
  let blocks = cleaned;
  const inferred: Article['inferred'] = [];
  const siteNames = [outlet.id, outlet.name, outlet.nameZh];
  let title = cleanTitle(plainString(fm['title']), siteNames);
  let titleProvenance: TitleProvenance = 'front-matter';
  if (!title && doc.header?.title) {
    title = cleanTitle(plainString(doc.header.title), siteNames);
    titleProvenance = 'header-link';
  }
  const firstHeading = blocks.find((b) => b.kind === 'heading' || b.kind === 'p');
  if (!title && findings.bodyTitle) {
    title = findings.bodyTitle;
    titleProvenance = 'photo-block-headline';
    inferred.push({ field: 'title', method: 'the headline of the photo block that closes the newspaper page' });
  }
  if (!title && firstHeading?.kind === 'heading') {
    title = blockText(firstHeading);
    titleProvenance = 'body-heading';
    blocks.splice(blocks.indexOf(firstHeading), 1);
    inferred.push({ field: 'title', method: "the body's first heading" });
  }

  blocks = removePageChrome(blocks, title);
  const rendered = render(blocks, url);
  if (rendered.text.trim() === '' && rendered.images.length === 0) {
    throw new InputError('no article text remains after clean-up', doc.bodyLine);
  }
  if (rendered.text.trim() === '') findings.warnings.push('no text: the item holds only images or media');
  if (!title) {
    const sentence = /^[^。！？!?\n]{4,60}[。！？!?]?/.exec(rendered.text);
    if (!sentence)
      throw new InputError('no title: none in front matter or header, and none can be taken from the text');
    title = squash(sentence[0].replace(/[。！？!?]$/, ''));
    titleProvenance = 'first-sentence';
    inferred.push({ field: 'title', method: 'the first sentence of the text' });
  }
  return { title, titleProvenance, inferred, rendered };
}

/** Who wrote it and where it comes from; the images' photo credits join the credits. */
function peopleOf(
  { fm, outlet, profile, findings }: Body,
  images: ArticleImage[],
  fmAuthor: string | null,
): { author: string | null; origin: string | null } {
  const outletNames = new Set([
    ...[fm['tags'], fm['categories']].flatMap((v) =>
      Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [],
    ),
    outlet.name,
    outlet.nameZh,
  ]);
  let author: string | null = null;
  if (
    fmAuthor &&
    !outletNames.has(fmAuthor) &&
    !profile.isOutletName?.(fmAuthor) &&
    !/^unknown$/i.test(fmAuthor) &&
    !agencyId(fmAuthor)
  ) {
    author = fmAuthor;
  }
  // Plain loops: spreading the credits' lists, empty (an array of small integers to V8) or
  // not, made V8 re-optimize this function again and again.
  if (!author) {
    const writers = new Set<string>();
    for (const c of findings.credits) if (/^(?:主笔|作者|撰文|撰稿|文字|记者|采写)$/.test(c.role)) writers.add(c.name);
    if (writers.size > 0) author = Array.from(writers).join('、');
  }
  if (!author && findings.agencyDateline && findings.agencyDateline.reporters.length > 0) {
    author = findings.agencyDateline.reporters.join('、');
  }
  let origin: string | null = null;
  for (const c of findings.credits) {
    origin = /制作|出品|供稿|来源|稿源/.test(c.role) && c.name ? agencyId(c.name) : null;
    if (origin) break;
  }
  const agency = findings.agencyDateline?.agency;
  if (!origin && agency) origin = agencyId(agency);
  if (origin === outlet.id) origin = null;

  // Photo credits stay on their images and are listed with the other credits too.
  for (const image of images) {
    if (!image.credit) continue;
    const people =
      /(?:记者|摄影师?|攝影|通讯员)\s*([\u4e00-\u9fa5·]{2,5}(?:\s*[、，,]\s*[\u4e00-\u9fa5·]{2,5})*)\s*(?:\/?\s*摄)?$/.exec(
        image.credit,
      );
    const names = people ? people[1]!.split(/\s*[、，,]\s*/) : [image.credit.replace(/\s*\/?\s*摄$/, '')];
    // An agency (（路透社）) is where the photo comes from, not who took it.
    const role = !people && agencyId(image.credit) ? '图片来源' : '摄影';
    for (const name of names) {
      if (!findings.credits.some((c) => c.role === role && c.name === name)) findings.credits.push({ role, name });
    }
  }
  return { author, origin };
}

/** The front matter's tags or categories: distinct strings, without those `drop` refuses. */
function labelsOf(value: unknown, drop?: (label: string) => boolean): string[] {
  return [
    ...new Set(
      (Array.isArray(value) ? value : typeof value === 'string' ? [value] : [])
        .map((t) => plainString(t))
        .filter((t): t is string => t !== null && !drop?.(t)),
    ),
  ];
}

export function ingestBytes(bytes: Uint8Array, path: string, options: IngestOptions): IngestResult {
  const body = readBody(bytes, path);
  const { doc, profile, outlet, fm, url, findings } = body;
  const { title, titleProvenance, inferred, rendered } = titleAndRender(body);

  const firstParagraph = rendered.text.split('\n\n')[0] ?? '';
  findings.agencyDateline = agencyDatelineOf(firstParagraph);

  // Date.
  const date = chooseDate(
    doc,
    findings,
    rendered.text,
    profile === undefined ? options.defaultTimeZone : profile.timeZone,
    options.events,
    body.dateLine,
  );
  if (date.how) inferred.push({ field: 'published', method: date.how });
  if (date.date.zoneAssumed && date.provenance !== 'inferred-from-event' && date.provenance !== 'body-text') {
    findings.warnings.push(`the date carries no time zone: read in the outlet's zone ${profile.timeZone}`);
  }
  const capturedAt = doc.header?.capturedAtMs ? (parseDate(doc.header.capturedAtMs, 'UTC')?.iso ?? null) : null;

  // People and origin.
  const fmAuthor = plainString(fm['author']);
  const isOutletLabel = (label: string): boolean =>
    label === outlet.name || label === outlet.nameZh || label === fmAuthor || profile.isOutletName?.(label) === true;
  const images: ArticleImage[] = rendered.images;
  const { author, origin } = peopleOf(body, images, fmAuthor);

  const head =
    typeof fm['headimg'] === 'string' ? fm['headimg'] : typeof fm['thumbnail'] === 'string' ? fm['thumbnail'] : null;
  const headSrc = head ? absoluteHttpUrl(unproxy(head), url) : null;
  const leadImage =
    (headSrc ? images.find((i) => i.src === headSrc) : undefined) ??
    images[0] ??
    (headSrc ? { src: headSrc, width: null, height: null, alt: null, caption: null, credit: null } : null);

  // Mirrors tag every item with the outlet's name; that is not a topic.
  const tags = labelsOf(fm['tags'], isOutletLabel);
  const categories = labelsOf(fm['categories']);

  const link = linkEvent({ published: date.date.iso, title, text: rendered.text }, options.events);
  const eventLink = date.event
    ? {
        confidence: link?.event === date.event ? link.confidence : 0.6,
        reason: `the date was inferred from this event: ${date.how ?? ''}`.trim(),
      }
    : link
      ? { confidence: link.confidence, reason: link.reason }
      : null;

  const idKey = url ?? `${title}|${localDay(date.date.iso, profile.timeZone)}`;
  const id = `${outlet.id}-${sha256(idKey).slice(0, 12)}`;

  const article: Article = {
    id,
    title,
    titleProvenance,
    published: date.date.iso,
    datePrecision: date.date.precision,
    dateProvenance: date.provenance,
    capturedAt,
    source: outlet,
    origin,
    credits: findings.credits,
    author,
    url,
    copyright: findings.copyright.length > 0 ? findings.copyright.join('\n') : null,
    leadImage,
    images,
    html: rendered.html,
    text: rendered.text,
    excerpt: makeExcerpt(rendered.text || title),
    // The text cut first: slicing `title + text` whole copied all of it into one string.
    lang: detectLang(title + rendered.text.slice(0, LANG_SAMPLE)),
    tags,
    categories,
    event: date.event ?? link?.event ?? null,
    eventLink,
    // Set over the whole archive by the comparison step (src/compare/) before writing.
    topics: [],
    chars: codePointCount(rendered.text),
    reprint: null,
    related: [],
    inferred,
    input: { path, format: doc.format, encoding: body.encoding, sha256: sha256(bytes) },
    warnings: findings.warnings,
  };
  const checked = checkArticle(article);
  if (!checked.ok) throw new InputError(`the normalized article is invalid: ${checked.path}: ${checked.message}`);
  return { article: checked.article };
}

export { parseCreditLine, textNode };
