/** Strict date parsing: the forms the mirrors use, and impossible dates refused, never rolled over. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { DateRangeError, findChineseDate, parseDate, resolvePartialDate } from '../src/ingest/text/dates.ts';

const SG = 'Asia/Singapore';
const SH = 'Asia/Shanghai';

function iso(raw: string | number, zone = SH): string | undefined {
  return parseDate(raw, zone)?.iso;
}

describe('parseDate', () => {
  it('reads RFC 2822 in GMT', () => {
    assert.equal(iso('Sat, 19 Mar 2022 17:08:21 GMT'), '2022-03-19T17:08:21Z');
    assert.equal(iso('Tue, 15 Nov 2022 00:45:00 +0800'), '2022-11-14T16:45:00Z');
    assert.equal(parseDate('Sat, 19 Mar 2022 17:08:21 GMT', SH)?.zoneAssumed, false);
  });

  it('reads ISO 8601 with Z, with offsets, and without a zone in the given zone', () => {
    assert.equal(iso('2022-11-15T00:45:00Z'), '2022-11-15T00:45:00Z');
    assert.equal(iso('2022-11-15T08:45:00+08:00'), '2022-11-15T00:45:00Z');
    assert.equal(iso('2022-11-15T08:45:00+0800'), '2022-11-15T00:45:00Z');
    assert.equal(iso('2022-11-14T19:45:00-05:00'), '2022-11-15T00:45:00Z');
    assert.equal(iso('2022-10-31T14:28:57.672Z'), '2022-10-31T14:28:57.672Z');
    const local = parseDate('2022-11-15T08:45:00', SG);
    assert.equal(local?.iso, '2022-11-15T00:45:00Z');
    assert.equal(local?.zoneAssumed, true);
    assert.equal(iso('2022-11-15 08:45:00', SG), '2022-11-15T00:45:00Z');
    assert.equal(iso('2022-11-15 08:45:00 +08:00', 'UTC'), '2022-11-15T00:45:00Z');
    assert.equal(iso('2022-11-15T00:45:00 Z', SG), '2022-11-15T00:45:00Z');
    assert.equal(iso('2022-11-15 00:45:00Z', SG), '2022-11-15T00:45:00Z');
  });

  it('gives a date-only ISO value day precision at local midnight', () => {
    const d = parseDate('2022-11-15', SH);
    assert.equal(d?.precision, 'day');
    assert.equal(d?.iso, '2022-11-15T00:00:00+08:00');
  });

  it('reads epoch milliseconds, as a number or a string', () => {
    assert.equal(iso(1667227623000), '2022-10-31T14:47:03Z');
    assert.equal(iso('1667227623000'), '2022-10-31T14:47:03Z');
    assert.equal(parseDate(1667227623000, SH)?.zoneAssumed, false);
  });

  it('reads DD/MM/YYYY - HH:MM in the given zone', () => {
    assert.equal(iso('15/09/2020 - 23:43', SH), '2020-09-15T15:43:00Z');
    assert.equal(parseDate('15/09/2020 - 23:43', SH)?.precision, 'minute');
    assert.equal(parseDate('15/09/2020', SH)?.iso, '2020-09-15T00:00:00+08:00');
  });

  it('returns null for text it does not recognise', () => {
    for (const raw of ['', '   ', 'yesterday', 'not a date', '2022/13', 'Mon Nov 15']) {
      assert.equal(parseDate(raw, SH), null, raw);
    }
  });

  it('accepts a real leap day', () => {
    assert.equal(iso('2020-02-29T12:00:00Z'), '2020-02-29T12:00:00Z');
    assert.equal(parseDate('2020-02-29', SH)?.iso, '2020-02-29T00:00:00+08:00');
    assert.equal(iso('29/02/2020 - 10:00', 'UTC'), '2020-02-29T10:00:00Z');
  });

  const impossible = [
    '2022-02-30',
    '2021-02-29',
    '2022-02-30T10:00:00Z',
    '2022-13-01',
    '2022-00-10',
    '2022-11-15T25:00:00Z',
    '2022-11-15T24:30',
    '2022-11-15T23:61:00',
    '2022-04-31T08:00:00+08:00',
    'Mon, 31 Feb 2022 10:00:00 GMT',
    'Thu, 30 Feb 2022 10:00:00 +0000',
    'Sat, 19 Mar 2022 25:08:21 GMT',
    '32/01/2020',
    '31/04/2020 - 10:00',
    '29/02/2021',
    '15/09/2020 - 25:43',
    '15/13/2020',
  ];
  for (const raw of impossible) {
    it(`refuses the impossible date "${raw}" with DateRangeError`, () => {
      assert.throws(() => parseDate(raw, SH), DateRangeError);
    });
  }
});

describe("parseDate: the native reading of instants is Luxon's", () => {
  // What Luxon makes of an instant: its ISO form in UTC (milliseconds only when not 0), or
  // an error for an impossible or implausible one. parseDate reads the common forms
  // natively and must agree with this on any input, in range or not.
  const luxon = (dt: DateTime): string | 'error' =>
    !dt.isValid || dt.year < 1900 || dt.year > 2100
      ? 'error'
      : dt.toUTC().toISO({ suppressMilliseconds: dt.toUTC().millisecond === 0 })!;
  const ours = (raw: string | number): string | 'error' => {
    try {
      return parseDate(raw, SH)?.iso ?? 'null';
    } catch (err) {
      if (err instanceof DateRangeError) return 'error';
      throw err;
    }
  };
  it('epoch milliseconds, across and beyond the plausible years', () => {
    const ms = fc.oneof(
      fc.integer({ min: -2_300_000_000_000, max: 4_200_000_000_000 }),
      fc.integer({ min: -2_300_000_000, max: 4_200_000_000 }).map((s) => s * 1000),
      fc.constantFrom(-2_208_988_800_001, -2_208_988_800_000, 4_133_980_799_999, 4_133_980_800_000, -1000, -1, 0),
    );
    fc.assert(
      fc.property(ms, (value) => {
        assert.equal(ours(value), luxon(DateTime.fromMillis(value, { zone: 'utc' })));
        // Twelve to fourteen digits as text are epoch milliseconds too.
        if (/^\d{12,14}$/.test(String(value))) assert.equal(ours(String(value)), ours(value));
      }),
      { numRuns: 3000, seed: 5 },
    );
  });
  it('ISO 8601 with seconds and an offset, fields in range or not', () => {
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const text = fc
      .tuple(
        fc.integer({ min: 1890, max: 2110 }),
        two(13),
        two(32),
        two(25),
        two(61),
        two(61),
        fc.option(fc.stringMatching(/^\d{1,10}$/), { nil: undefined }),
        fc.oneof(
          fc.constant('Z'),
          fc.tuple(fc.constantFrom('+', '-'), two(25), two(61)).map(([sign, h, m]) => `${sign}${h}:${m}`),
        ),
      )
      .map(([y, mo, d, h, mi, s, frac, zone]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${frac ? `.${frac}` : ''}${zone}`);
    fc.assert(
      fc.property(text, (value) => {
        assert.equal(ours(value), luxon(DateTime.fromISO(value, { zone: 'utc', setZone: true })), value);
      }),
      { numRuns: 5000, seed: 9 },
    );
  });
});

describe('findChineseDate', () => {
  it('finds a date without a year and its part of the day', () => {
    const found = findChineseDate('据新华社电 国家主席习近平11月16日上午在北京同美国总统拜登举行视频会晤。');
    assert.equal(found?.match, '11月16日上午');
    assert.deepEqual(found?.date, { year: null, month: 11, day: 16, hour: null, minute: null, partOfDay: '上午' });
  });

  it('reads spaced dates and full-width colons', () => {
    const found = findChineseDate('北京时间 11 月 16 日 08：46');
    assert.deepEqual(found?.date, { year: null, month: 11, day: 16, hour: 8, minute: 46, partOfDay: null });
  });

  it('reads a date with a year', () => {
    const found = findChineseDate('2020年6月25日电');
    assert.deepEqual(found?.date, { year: 2020, month: 6, day: 25, hour: null, minute: null, partOfDay: null });
  });

  it('reads an evening time', () => {
    const found = findChineseDate('11月15日晚上8:30');
    assert.equal(found?.date.partOfDay, '晚上');
    assert.equal(found?.date.hour, 8);
    assert.equal(found?.date.minute, 30);
  });

  it('reads hours written with 时 or 点, minutes with 分 or 半', () => {
    assert.deepEqual(findChineseDate('11月15日晚8时')?.date, {
      year: null,
      month: 11,
      day: 15,
      hour: 8,
      minute: null,
      partOfDay: '晚',
    });
    const withMinutes = findChineseDate('11月15日晚上8时30分')!;
    assert.equal(withMinutes.match, '11月15日晚上8时30分');
    assert.equal(withMinutes.date.minute, 30);
    assert.equal(findChineseDate('11月15日下午3点半')?.date.minute, 30);
  });

  it('reads full-width digits and reports the text as written', () => {
    const found = findChineseDate('新华社北京１１月１６日电')!;
    assert.equal(found.match, '１１月１６日');
    assert.equal(found.index, 5);
    assert.equal(found.date.month, 11);
    assert.equal(found.date.day, 16);
  });

  it('returns null when the text names no date', () => {
    assert.equal(findChineseDate('没有日期的文字。'), null);
  });
});

describe('resolvePartialDate', () => {
  it('resolves a day in the zone with day precision', () => {
    const found = findChineseDate('11月16日上午')!;
    const d = resolvePartialDate(found.date, 2021, SH, found.match);
    assert.equal(d.iso, '2021-11-16T00:00:00+08:00');
    assert.equal(d.precision, 'day');
  });

  it('resolves a time in the zone to UTC', () => {
    const found = findChineseDate('北京时间 11 月 16 日 08：46')!;
    assert.equal(resolvePartialDate(found.date, 2021, SH, found.match).iso, '2021-11-16T00:46:00Z');
  });

  it('moves afternoon and evening hours past noon', () => {
    const pm = findChineseDate('11月15日下午3:00')!;
    assert.equal(resolvePartialDate(pm.date, 2022, SH, pm.match).iso, '2022-11-15T07:00:00Z');
    const eve = findChineseDate('11月15日晚上8:30')!;
    assert.equal(resolvePartialDate(eve.date, 2022, SH, eve.match).iso, '2022-11-15T12:30:00Z');
    const eight = findChineseDate('11月15日晚上8时')!;
    assert.equal(resolvePartialDate(eight.date, 2022, SH, eight.match).iso, '2022-11-15T12:00:00Z');
    const noon = findChineseDate('11月15日中午12:10')!;
    assert.equal(resolvePartialDate(noon.date, 2022, SH, noon.match).iso, '2022-11-15T04:10:00Z');
  });

  it('refuses impossible days and hours, never rolling over', () => {
    const feb30 = findChineseDate('2月30日')!;
    assert.throws(() => resolvePartialDate(feb30.date, 2022, SH, feb30.match), DateRangeError);
    const feb29 = findChineseDate('2月29日')!;
    assert.throws(() => resolvePartialDate(feb29.date, 2021, SH, feb29.match), DateRangeError);
    assert.equal(resolvePartialDate(feb29.date, 2020, SH, feb29.match).iso, '2020-02-29T00:00:00+08:00');
    const hour25 = findChineseDate('11月16日 25:10')!;
    assert.throws(() => resolvePartialDate(hour25.date, 2021, SH, hour25.match), DateRangeError);
    const month13 = findChineseDate('13月1日')!;
    assert.throws(() => resolvePartialDate(month13.date, 2021, SH, month13.match), DateRangeError);
    const minute61 = findChineseDate('11月16日8时61分')!;
    assert.throws(() => resolvePartialDate(minute61.date, 2021, SH, minute61.match), DateRangeError);
  });
});
