/**
 * Strict date parsing for the forms news mirrors use.
 *
 * Every parser returns null for text it does not recognise and throws DateRangeError for
 * text it recognises but that names no real moment (`2022-02-30`, `25:61`): a date is never
 * silently rolled over into another one. Luxon does the calendar and time-zone arithmetic.
 */
import { DateTime } from 'luxon';

export class DateRangeError extends Error {
  override name = 'DateRangeError';
}

export type Precision = 'instant' | 'minute' | 'day';

export interface ParsedDate {
  /** ISO 8601: UTC `Z` for instants, local midnight with its offset for day precision. */
  iso: string;
  precision: Precision;
  /** True when the text carried no zone and `zone` was assumed. */
  zoneAssumed: boolean;
}

export interface PartialDate {
  year: number | null;
  month: number;
  day: number;
  hour: number | null;
  minute: number | null;
  /** `上午`, `晚` … when the text names only a part of the day. */
  partOfDay: string | null;
}

function toIso(dt: DateTime, precision: Precision): string {
  if (precision === 'day') return dt.startOf('day').toISO({ suppressMilliseconds: true })!;
  const utc = dt.toUTC();
  return utc.toISO({ suppressMilliseconds: utc.millisecond === 0 })!;
}

/** Years a news article can carry; outside them a value is a typo or garbage, not a date. */
const PLAUSIBLE_YEARS = { min: 1900, max: 2100 };

function checked(dt: DateTime, text: string): DateTime {
  if (!dt.isValid)
    throw new DateRangeError(`"${text}" is not a real date (${dt.invalidExplanation ?? dt.invalidReason})`);
  if (dt.year < PLAUSIBLE_YEARS.min || dt.year > PLAUSIBLE_YEARS.max) {
    throw new DateRangeError(`"${text}" is not a plausible publication date (year ${dt.year})`);
  }
  return dt;
}

/** Builds a date from parts, refusing impossible values instead of rolling them over. */
export function fromParts(
  parts: { year: number; month: number; day: number; hour?: number; minute?: number; second?: number },
  zone: string,
  text: string,
): DateTime {
  return checked(DateTime.fromObject(parts, { zone }), text);
}

const ISO_LIKE = /^\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const HAS_ZONE = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;
const RFC2822 =
  /^(?:[A-Za-z]{3},?\s+)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?\s+(?:[A-Z]{1,5}|[+-]\d{4})$/;
const EPOCH_MS = /^\d{12,14}$/;
const DMY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s*-?\s*(\d{1,2}):(\d{2}))?$/;

// The two forms nearly every machine date arrives in (~98 % of them in the bench corpus):
// epoch milliseconds, and ISO 8601 with seconds and an explicit offset. Their instant is
// plain arithmetic, done here natively: building and formatting a Luxon DateTime for them
// was ~3 % of the ingest's CPU. Whatever is out of the canonical shape or out of range
// goes on to Luxon, which decides it and words any error, so the result is Luxon's either
// way (tests/dates.test.ts compares them).

/** The ISO form of an instant in the plausible years, as toIso(…, 'instant') gives it; null otherwise. */
function instantIso(ms: number): string | null {
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  if (!(year >= PLAUSIBLE_YEARS.min && year <= PLAUSIBLE_YEARS.max)) return null;
  const iso = date.toISOString();
  return ms % 1000 === 0 ? `${iso.slice(0, 19)}Z` : iso;
}

const CANONICAL_ZONED = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `2022-11-15T08:45:00.123+08:00` or `…Z` with every field in range, as Luxon reads it; null otherwise. */
function canonicalZoned(text: string): ParsedDate | null {
  const m = CANONICAL_ZONED.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (year < PLAUSIBLE_YEARS.min || year > PLAUSIBLE_YEARS.max) return null;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  // Any two digits of either, as Luxon takes them (`+08:61` is 8 h 61 min).
  if (m[8]) offsetMinutes = (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10]));
  // Luxon's reading of a fraction of a second (parseMillis): floored, float error and all.
  const millis = m[7] ? Math.floor(parseFloat(`0.${m[7]}`) * 1000) : 0;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
  const iso = instantIso(ms);
  return iso ? { iso, precision: 'instant', zoneAssumed: false } : null;
}

/**
 * Parses a machine-style date: ISO 8601, RFC 2822, epoch milliseconds, `DD/MM/YYYY - HH:MM`.
 * `zone` is the outlet's zone, used when the text has none.
 */
export function parseDate(raw: string | number | Date, zone: string): ParsedDate | null {
  if (raw instanceof Date) {
    if (Number.isNaN(raw.getTime())) return null;
    return { iso: toIso(DateTime.fromJSDate(raw), 'instant'), precision: 'instant', zoneAssumed: false };
  }
  const text = String(raw).trim();
  if (text === '') return null;
  if (typeof raw === 'number' || EPOCH_MS.test(text)) {
    const ms = Number(text);
    if (!Number.isSafeInteger(ms)) return null;
    const fast = instantIso(ms);
    if (fast) return { iso: fast, precision: 'instant', zoneAssumed: false };
    return {
      iso: toIso(checked(DateTime.fromMillis(ms, { zone: 'utc' }), text), 'instant'),
      precision: 'instant',
      zoneAssumed: false,
    };
  }
  if (ISO_LIKE.test(text)) {
    const zoned = canonicalZoned(text);
    if (zoned) return zoned;
    // Only the space between date and time becomes `T`; one before the zone is dropped
    // (`2022-11-15T08:45:00 Z` once became `…00TZ` and was refused as impossible).
    const normalized = text.replace(/^(\S+) (?=\d)/, '$1T').replace(/\s+(?=[Zz+-]\d*)/, '');
    const hasZone = HAS_ZONE.test(text) && /[T ]\d/.test(text);
    const dateOnly = !/[T ]\d/.test(text);
    const dt = DateTime.fromISO(normalized.replace(/^(\d{4})-(\d)(?=-)/, '$1-0$2').replace(/-(\d)(?=$|T)/, '-0$1'), {
      zone: hasZone ? 'utc' : zone,
      setZone: hasZone,
    });
    checked(dt, text);
    const precision: Precision = dateOnly ? 'day' : /:\d{2}:\d{2}/.test(text) ? 'instant' : 'minute';
    return { iso: toIso(dt, precision), precision, zoneAssumed: !hasZone };
  }
  if (RFC2822.test(text)) {
    const dt = DateTime.fromRFC2822(text, { setZone: true });
    if (!dt.isValid) {
      // Luxon refuses a wrong weekday and an impossible day alike; both are errors here.
      throw new DateRangeError(`"${text}" is not a valid RFC 2822 date (${dt.invalidExplanation ?? dt.invalidReason})`);
    }
    return { iso: toIso(dt, 'instant'), precision: 'instant', zoneAssumed: false };
  }
  const dmy = DMY.exec(text);
  if (dmy) {
    const [, d, m, y, hh, mm] = dmy;
    const hasTime = hh !== undefined;
    const dt = fromParts(
      { year: +y!, month: +m!, day: +d!, ...(hasTime ? { hour: +hh!, minute: +mm! } : {}) },
      zone,
      text,
    );
    const precision: Precision = hasTime ? 'minute' : 'day';
    return { iso: toIso(dt, precision), precision, zoneAssumed: true };
  }
  return null;
}

const CJK_DATE =
  /(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(凌晨|清晨|早上|早晨|上午|中午|下午|傍晚|晚上|晚间|夜间|晚|早)?(?:\s*(\d{1,2})\s*(?:[:：]\s*(\d{2})|[时點点](?:\s*(\d{1,2})\s*分|(半))?))?/;

/** Full-width digits (`１１月１６日`) occur in reprints; they are one UTF-16 unit like ASCII ones. */
function asciiDigits(text: string): string {
  return text.replace(/[\uff10-\uff19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
}

/**
 * Finds the first Chinese date expression (`11月16日上午`, `2020年6月25日`, `11 月 16 日 08：46`,
 * `11月15日晚8时30分`).
 */
export function findChineseDate(text: string): { date: PartialDate; match: string; index: number } | null {
  const m = CJK_DATE.exec(asciiDigits(text));
  if (!m) return null;
  const [whole, y, mo, d, part, hh, mm, minutes, half] = m;
  const minute = mm ?? minutes ?? (half ? '30' : undefined);
  return {
    date: {
      year: y ? +y : null,
      month: +mo!,
      day: +d!,
      hour: hh ? +hh : null,
      minute: hh && minute ? +minute : null,
      partOfDay: part ?? null,
    },
    match: text.slice(m.index, m.index + whole.length),
    index: m.index,
  };
}

/** Resolves a Chinese date with a known year in `zone`; throws DateRangeError when impossible. */
export function resolvePartialDate(date: PartialDate, year: number, zone: string, text: string): ParsedDate {
  let hour = date.hour;
  if (hour !== null && date.partOfDay && /下午|晚|傍晚|夜/.test(date.partOfDay) && hour < 12) hour += 12;
  const dt = fromParts(
    { year, month: date.month, day: date.day, ...(hour !== null ? { hour, minute: date.minute ?? 0 } : {}) },
    zone,
    text,
  );
  const precision: Precision = hour !== null ? 'minute' : 'day';
  return { iso: toIso(dt, precision), precision, zoneAssumed: true };
}

/** The calendar date (YYYY-MM-DD) of an ISO value in a zone. */
export function localDay(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { setZone: true }).setZone(zone).toISODate()!;
}
