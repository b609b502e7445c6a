/**
 * Comparing coverage: reprint groups, event links, topics and related articles, measured on
 * a labelled set built from real text of the development corpus (tests/fixtures/corpus-dev)
 * and the seeds. The figures this prints are the ones README "Comparing coverage" reports.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compareArticles } from '../src/compare/index.ts';
import { PairMemo, pairMemoSalt } from '../src/compare/pair-memo.ts';
import fc from 'fast-check';
import {
  BANDS,
  ROWS,
  candidatePairs,
  foldedShingles,
  intersection,
  overlap,
  signature,
  textShingles,
} from '../src/compare/minhash.ts';
import { componentsOn } from '../src/compare/components-task.ts';
import { Worker } from 'node:worker_threads';
import {
  THRESHOLDS,
  groupReprints,
  isReprint,
  reprintComponents,
  reprintPair,
  type CompareInput,
} from '../src/compare/reprints.ts';
import { topicMatcher } from '../src/compare/topics.ts';
import { reprintOf, revisionOf, summaryOf, paragraphs } from '../src/compare/variants.ts';
import { loadContentConfig } from '../src/content/load.ts';
import { linkEvent } from '../src/ingest/link-event.ts';
import type { Article } from '../src/schema/article.ts';
import { events, ingestFixture } from './helpers.ts';

const CORPUS = 'tests/fixtures/corpus-dev';
const corpus: Article[] = readdirSync(CORPUS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(join(CORPUS, d.name)).map((f) => join(CORPUS, d.name, f)))
  .sort()
  .map((path) => ingestFixture(path, path.slice(CORPUS.length + 1)));
const seeds: Article[] = readdirSync('content/articles')
  .sort()
  .map((f) => ingestFixture(`content/articles/${f}`, `articles/${f}`));
const byPath = (suffix: string): Article => [...corpus, ...seeds].find((a) => a.input.path.endsWith(suffix))!;
const config = await loadContentConfig('content');

const sim = (a: string, b: string): ReturnType<typeof overlap> => overlap(textShingles(a), textShingles(b));
const later = (iso: string, days: number): string => new Date(Date.parse(iso) + days * 86_400_000).toISOString();

/** Pairwise precision and recall of a grouping against the true groups. */
function pairwise(predicted: Array<string | null>, truth: string[]): { precision: number; recall: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < truth.length; i++) {
    for (let j = i + 1; j < truth.length; j++) {
      const same = predicted[i] !== null && predicted[i] === predicted[j];
      const truly = truth[i] === truth[j];
      if (same && truly) tp++;
      else if (same) fp++;
      else if (truly) fn++;
    }
  }
  return { precision: tp + fp === 0 ? 1 : tp / (tp + fp), recall: tp + fn === 0 ? 1 : tp / (tp + fn) };
}

/**
 * The labelled reprint set: every corpus and seed article with enough text (≥ 200
 * characters), plus, built from its real text, a reprint under another header and footer
 * (published a day later), an updated revision under a changed title (two days later) and,
 * for articles of three paragraphs or more, its one-paragraph summary. True groups: each
 * article with its reprint and revision; the summary and every other article stand alone.
 */
function labelledReprints(): { items: CompareInput[]; truth: string[]; kinds: string[] } {
  const base = [...seeds, ...corpus].filter((a) => Array.from(a.text).length >= 200);
  const items: CompareInput[] = [];
  const truth: string[] = [];
  const kinds: string[] = [];
  base.forEach((a, i) => {
    const filler = base[(i + 7) % base.length]!.text.replace(/\s+/g, '');
    const add = (id: string, text: string, published: string, group: string, kind: string): void => {
      items.push({ id, published, text });
      truth.push(group);
      kinds.push(kind);
    };
    add(a.id, a.text, a.published, a.id, 'original');
    add(`${a.id}-reprint`, reprintOf(a.text, i), later(a.published, 1), a.id, 'reprint');
    add(`${a.id}-revision`, revisionOf(a.text, filler, i), later(a.published, 2), a.id, 'revision');
    if (paragraphs(a.text).length >= 3)
      add(`${a.id}-summary`, summaryOf(a.text), a.published, `${a.id}-summary`, 'summary');
  });
  return { items, truth, kinds };
}

describe('reprint detection: named cases from real text', () => {
  const story = byPath('dw/dw-fm-a-54919049.md'); // 美驻华大使似将离职 (DW)
  it('groups a reprint with a different header and footer', () => {
    const copy = reprintOf(story.text, 1);
    assert.ok(isReprint(sim(story.text, copy)));
    const { reprints } = groupReprints([
      { id: 'b-copy', published: later(story.published, 1), text: copy },
      { id: 'a-story', published: story.published, text: story.text },
    ]);
    assert.deepEqual(reprints[0], { group: 'a-story', original: 'a-story', similarity: reprints[0]!.similarity });
    assert.equal(reprints[1]!.original, 'a-story', 'the earliest copy is the original');
  });
  it('groups a revision with a changed title', async () => {
    const revised = revisionOf(story.text, byPath('zb-20200914-1084858.md').text, 3);
    const ingested = await compareOnce([
      { ...story },
      {
        ...story,
        id: 'dw-revision',
        title: '更新：美国驻华大使布兰斯塔德将离任',
        text: revised,
        published: later(story.published, 0.2),
      },
    ]);
    assert.equal(ingested[1]!.reprint?.original, story.id);
    assert.equal(ingested[0]!.reprint?.group, story.id);
  });
  it('does not group two different stories on the same event', () => {
    // The same news (the US ambassador leaving), told by DW and by Zaobao.
    assert.ok(!isReprint(sim(story.text, byPath('zb-20200914-1084858.md').text)));
    // The seeds' two reports of the 2021 virtual summit (ZAKER, Xinhua) share quotations.
    const [zaker, xinhua] = [byPath('001_50ca341c1918b689.txt'), byPath('002_eebd5c2c698cc293.txt')];
    const o = sim(zaker.text, xinhua.text);
    assert.ok(o.containment > 0.2 && !isReprint(o), JSON.stringify(o));
  });
  it('does not group a story and its one-paragraph summary', () => {
    const xinhua = byPath('002_eebd5c2c698cc293.txt');
    const o = sim(xinhua.text, summaryOf(xinhua.text));
    assert.ok(o.containment > 0.9, 'the summary is inside the story');
    assert.ok(!isReprint(o));
  });
});

async function compareOnce(list: Article[]): Promise<Article[]> {
  const copies = list.map((a) => structuredClone(a));
  await compareArticles(copies, { topics: config.topics });
  return copies;
}

describe('reprint detection: the labelled set', () => {
  const { items, truth, kinds } = labelledReprints();
  it('measures the similarity of each kind of pair (for the thresholds)', () => {
    const sets = items.map((i) => textShingles(i.text));
    const stats = new Map<string, number[]>();
    const note = (kind: string, v: number): void => void stats.set(kind, [...(stats.get(kind) ?? []), v]);
    const original = new Map<string, number>();
    items.forEach((it, i) => kinds[i] === 'original' && original.set(truth[i]!, i));
    items.forEach((it, i) => {
      if (kinds[i] === 'original') return;
      const o = original.get(kinds[i] === 'summary' ? truth[i]!.replace(/-summary$/, '') : truth[i]!)!;
      const v = overlap(sets[o]!, sets[i]!);
      note(`${kinds[i]} jaccard`, v.jaccard);
      note(`${kinds[i]} containment`, v.containment);
      note(`${kinds[i]} sizeRatio`, v.sizeRatio);
    });
    // Different articles: every pair of originals.
    const originals = [...original.values()];
    let maxJ = 0;
    let maxC = 0;
    for (let x = 0; x < originals.length; x++) {
      for (let y = x + 1; y < originals.length; y++) {
        const v = overlap(sets[originals[x]!]!, sets[originals[y]!]!);
        maxJ = Math.max(maxJ, v.jaccard);
        maxC = Math.max(maxC, v.containment);
      }
    }
    const range = (k: string): string => {
      const v = stats.get(k)!;
      return `${Math.min(...v).toFixed(3)}–${Math.max(...v).toFixed(3)}`;
    };
    const report = {
      articles: originals.length,
      items: items.length,
      reprint: { jaccard: range('reprint jaccard'), containment: range('reprint containment') },
      revision: {
        jaccard: range('revision jaccard'),
        containment: range('revision containment'),
        sizeRatio: range('revision sizeRatio'),
      },
      summary: {
        jaccard: range('summary jaccard'),
        containment: range('summary containment'),
        sizeRatio: range('summary sizeRatio'),
      },
      differentArticles: { maxJaccard: maxJ.toFixed(3), maxContainment: maxC.toFixed(3) },
    };
    console.log('reprint pair measurements', JSON.stringify(report));
    assert.ok(Math.min(...stats.get('reprint jaccard')!) >= THRESHOLDS.jaccard);
    assert.ok(maxJ < THRESHOLDS.jaccard && maxC < THRESHOLDS.containment);
    assert.ok(Math.max(...stats.get('summary sizeRatio')!) < THRESHOLDS.sizeRatio);
  });
  it('groups with high precision and recall (pairwise, through MinHash + LSH)', () => {
    const { reprints, candidates } = groupReprints(items);
    const figures = pairwise(
      reprints.map((r) => r?.group ?? null),
      truth,
    );
    const wrong = items.flatMap((it, i) =>
      reprints[i] && items.some((o, j) => j !== i && reprints[j]?.group === reprints[i]!.group && truth[j] !== truth[i])
        ? [it.id]
        : [],
    );
    console.log('reprint grouping', JSON.stringify({ items: items.length, candidates, ...figures, wrong }));
    assert.ok(figures.precision >= 0.99, `precision ${figures.precision}`);
    assert.ok(figures.recall >= 0.95, `recall ${figures.recall}`);
    // The original is always the earliest copy, whatever the order of the input.
    const reversed = groupReprints([...items].reverse()).reprints.reverse();
    assert.deepEqual(reversed, reprints);
  });
});

/**
 * The labelled event set: the five seeds at their dates (labelled by the issue), a reprint
 * of each a day later (same event), each corpus article at its own date (no listed event:
 * the corpus is from 2020), and each corpus article moved onto the day of every listed
 * event, the hardest negatives: articles naming the leaders, calls and summits of other
 * days, none of which reports that event.
 */
describe('event linking: the labelled set', () => {
  const expected: Record<string, string> = {
    '000': '2022-03-xi-biden-video-call',
    '001': '2021-11-virtual-summit',
    '002': '2021-11-virtual-summit',
    '003': '2022-10-wang-blinken-call',
    '004': '2022-11-bali-summit',
  };
  it('links the seeds to the events the issue names', () => {
    for (const s of seeds) assert.equal(s.event, expected[s.input.path.slice(9, 12)], s.input.path);
  });
  it('measures precision and recall', () => {
    const cases: Array<{ published: string; title: string; text: string; truth: string | null }> = [];
    for (const s of seeds) {
      const truth = expected[s.input.path.slice(9, 12)]!;
      cases.push({ published: s.published, title: s.title, text: s.text, truth });
      cases.push({ published: later(s.published, 1), title: `转载：${s.title}`, text: reprintOf(s.text, 2), truth });
    }
    for (const a of corpus) {
      cases.push({ published: a.published, title: a.title, text: a.text, truth: null });
      for (const e of events)
        cases.push({ published: `${e.date}T04:00:00Z`, title: a.title, text: a.text, truth: null });
    }
    let tp = 0;
    let fp = 0;
    let fn = 0;
    const wrong: string[] = [];
    for (const c of cases) {
      // Articles whose date was inferred from an event carry that link from the ingest.
      const got = linkEvent(c, events)?.event ?? null;
      if (got !== null && got === c.truth) tp++;
      else {
        if (got !== null) fp++;
        if (c.truth !== null) fn++;
        if (got !== c.truth) wrong.push(`${c.title} (${c.published.slice(0, 10)}): ${got} ≠ ${c.truth}`);
      }
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    console.log(
      'event linking',
      JSON.stringify({ cases: cases.length, positives: tp + fn, tp, fp, fn, precision, recall, wrong }),
    );
    assert.ok(precision >= 0.6, `precision ${precision}`);
    assert.ok(recall >= 0.9, `recall ${recall}`);
  });
});

describe('topics', () => {
  const match = topicMatcher(config.topics);
  it('tags from the text only past the minimum, and from mapped outlet tags', () => {
    const passing = { title: '会谈', text: '双方也谈到了台湾问题。', tags: [], categories: [] };
    assert.ok(!match(passing).includes('taiwan'), 'one passing mention does not tag');
    const often = { title: '台湾问题', text: '台湾。台灣。蔡英文。', tags: [], categories: [] };
    assert.ok(match(often).includes('taiwan'), 'Simplified and Traditional both count');
    assert.ok(match({ title: 't', text: '', tags: ['兩岸'], categories: [] }).includes('taiwan'));
  });
  it('finds the obvious topics in real articles', () => {
    assert.ok(match(byPath('dw-nofm-a-54118918.md')).includes('xinjiang'));
    assert.ok(match(byPath('dw-nofm-a-54029601.md')).includes('hong-kong'));
    assert.ok(match(byPath('zb-20200831-1081071.md')).includes('tech'));
    assert.ok(match(byPath('003_9265e66591a33f70.txt')).includes('ukraine'));
  });
});

describe('related articles', () => {
  it('never lists the article itself or its own reprints', async () => {
    const story = byPath('dw/dw-fm-a-54919049.md');
    const copy = { ...story, id: 'dw-copy', text: reprintOf(story.text, 0), published: later(story.published, 1) };
    const out = await compareOnce([...corpus, copy]);
    for (const a of out) {
      assert.ok(!a.related.some((r) => r.id === a.id));
      if (a.reprint)
        assert.ok(!a.related.some((r) => out.find((o) => o.id === r.id)?.reprint?.group === a.reprint!.group));
    }
    // The Zaobao report of the same news is among the DW story's related articles.
    const zaobao = out.find((a) => a.input.path.endsWith('zb-20200914-1084858.md'))!;
    assert.ok(out.find((a) => a.id === story.id)!.related.some((r) => r.id === zaobao.id));
    assert.equal(out.find((a) => a.id === 'dw-copy')!.reprint?.original, story.id);
  });
});

describe('set arithmetic', () => {
  const sortedSet = fc
    .uniqueArray(fc.integer({ min: 0, max: 4000 }), { maxLength: 600 })
    .map((values) => Uint32Array.from(values.sort((x, y) => x - y)));
  it('intersection counts the common values, and reprintPair agrees with the full overlap', () => {
    fc.assert(
      fc.property(sortedSet, sortedSet, (a, b) => {
        const inB = new Set(b);
        const common = [...a].filter((v) => inB.has(v)).length;
        assert.equal(intersection(a, b), common);
        assert.equal(reprintPair(a, b), isReprint(overlap(a, b)));
      }),
      { numRuns: 400 },
    );
  });
  it('reprintPair agrees with the full overlap on near copies too', () => {
    // b keeps most of a and adds a few values of its own: the verdicts that pass.
    const nearCopy = fc
      .tuple(
        sortedSet,
        fc.double({ min: 0.3, max: 1, noNaN: true }),
        fc.uniqueArray(fc.integer({ min: 4001, max: 5000 })),
      )
      .map(([a, keep, extra]) => {
        const b = [...a].filter((v) => (v * 2654435761) % 1000 < keep * 1000).concat(extra);
        return [a, Uint32Array.from(b.sort((x, y) => x - y))] as const;
      });
    fc.assert(
      fc.property(nearCopy, ([a, b]) => {
        assert.equal(reprintPair(a, b), isReprint(overlap(a, b)));
      }),
      { numRuns: 400 },
    );
  });
});

describe('shingle sets', () => {
  // What foldedShingles computes, written the plain way: the regular expression that drops
  // everything but letters and digits, code points by Array.from, a string per shingle.
  const fnv = (s: string): number => {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    h >>>= 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) >>> 0;
  };
  const reference = (folded: string): number[] => {
    const points = Array.from(folded.replace(/[^\p{L}\p{N}]+/gu, ''));
    if (points.length === 0) return [];
    if (points.length < 5) return [fnv(points.join(''))];
    const hashes = new Set<number>();
    for (let i = 0; i + 5 <= points.length; i++) hashes.add(fnv(points.slice(i, i + 5).join('')));
    return [...hashes].sort((x, y) => x - y);
  };
  it('are the distinct hashes of 5 letters or digits, in order, on any text', () => {
    // Letters and digits of every kind (CJK, Latin, ①, Ⅷ, astral 𠀀 and 𝐀), and what is
    // dropped (punctuation, spaces, marks, emoji, lone surrogates), with few values so that
    // shingles repeat.
    const piece = fc.constantFrom(
      ...[
        '中',
        '美',
        '会',
        '谈',
        'a',
        'b',
        '1',
        '①',
        'Ⅷ',
        '𠀀',
        '𝐀',
        '，',
        '。',
        ' ',
        '\u0301',
        '😀',
        '\ud800',
        '\udc00',
        '-',
      ],
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 80 }), (pieces) => {
        const folded = pieces.join('');
        assert.deepEqual([...foldedShingles(folded)], reference(folded));
      }),
      { numRuns: 2000, seed: 7 },
    );
  });
  it('are the same on every real text here', () => {
    for (const a of [...corpus, ...seeds]) {
      const folded = a.text.toLowerCase();
      assert.deepEqual([...foldedShingles(folded)], reference(folded), a.input.path);
    }
  });
  it("are the same on a text too long for the thread's sort scratch", () => {
    // 120k letters: more shingles than the scratch kept between texts (2^16), all distinct,
    // so the sort runs on a buffer of its own and its result is all of them in order.
    let state = 11;
    const letters: string[] = [];
    for (let i = 0; i < 120_000; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      letters.push(String.fromCharCode(0x4e00 + (state >>> 20)));
    }
    const folded = letters.join('');
    const expected = reference(folded);
    assert.ok(expected.length > 1 << 16);
    assert.deepEqual([...foldedShingles(folded)], expected);
    // And the next, short text sorts in the kept scratch again.
    assert.deepEqual([...foldedShingles('中美会谈美中会谈')], reference('中美会谈美中会谈'));
  });
});

describe('candidate pairs', () => {
  // Every pair of articles whose signatures agree on both rows of some band; a bucket of
  // more than 200 pairs each member with its next 8 only. Written the plain way.
  const reference = (signatures: Uint32Array[]): number[] => {
    const n = signatures.length;
    const pairs = new Set<number>();
    const group = (list: number[], row: number): Map<number, number[]> => {
      const groups = new Map<number, number[]>();
      for (const i of list) {
        const value = signatures[i]![row]!;
        const members = groups.get(value);
        if (members) members.push(i);
        else groups.set(value, [i]);
      }
      return groups;
    };
    const everyone = signatures.map((_, i) => i);
    for (let band = 0; band < BANDS; band++) {
      for (const sameFirst of group(everyone, band * ROWS).values()) {
        if (sameFirst.length < 2) continue;
        for (const list of group(sameFirst, band * ROWS + 1).values()) {
          const reach = list.length > 200 ? 8 : list.length;
          for (let x = 0; x < list.length; x++)
            for (let y = x + 1; y < list.length && y <= x + reach; y++) pairs.add(list[x]! * n + list[y]!);
        }
      }
    }
    return [...pairs].sort((a, b) => a - b);
  };
  /** Random signatures, some sharing bands with others, and a large bucket. */
  const signaturesOf = (n: number, seed: number): Uint32Array[] => {
    let state = seed;
    const random = (): number => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0);
    const all = new Uint32Array(n * BANDS * ROWS);
    for (let i = 0; i < all.length; i++) all[i] = random();
    const sigs = Array.from({ length: n }, (_, i) => all.subarray(i * BANDS * ROWS, (i + 1) * BANDS * ROWS));
    for (let i = 1; i < n; i += 7) {
      const other = sigs[random() % i]!;
      for (let k = random() % 4; k >= 0; k--) {
        const band = random() % BANDS;
        sigs[i]![band * ROWS] = other[band * ROWS]!;
        sigs[i]![band * ROWS + 1] = other[band * ROWS + 1]!;
      }
    }
    for (let i = 0; i < 260; i++) sigs[(i * 97) % n]!.set(sigs[0]!.subarray(6, 8), 6);
    // The last articles too: their pairs are the largest numbers (a × n + b).
    for (let i = n - 20; i < n; i++) sigs[i]!.set(sigs[n - 21]!.subarray(20, 22), 20);
    return sigs;
  };
  it('are the pairs that share a band, below and above 2^16 articles', () => {
    for (const n of [3_000, 66_000]) {
      const sigs = signaturesOf(n, n);
      const found = [...candidatePairs(sigs)];
      assert.ok(found.length > n / 7, `${found.length} pairs of ${n}`);
      assert.deepEqual(found, reference(sigs), `${n} articles`);
    }
  });
});

describe('reprint components on another thread', () => {
  it("are the same found by an ingest worker, with or without this thread's help, or here when the worker dies", async () => {
    const { items } = labelledReprints();
    const sets = items.map((i) => textShingles(i.text));
    const signatures = sets.map(signature);
    const here = reprintComponents(sets, signatures);
    assert.ok(here.verified > 100, `${here.verified} copies verified`);
    const workers = {
      ingest: new Worker(new URL('../src/ingest/worker-entry.js', import.meta.url), {
        workerData: { events: [], defaultTimeZone: 'UTC' },
      }),
      dying: new Worker("require('node:worker_threads').parentPort.on('message', () => process.exit(3))", {
        eval: true,
      }),
    };
    try {
      for (const [name, worker] of Object.entries(workers)) {
        for (const help of [false, true]) {
          const job = componentsOn(worker)(sets, signatures);
          if (help) await job.help();
          const found = await job.result;
          // The same groups, whoever checked which pair; pairs already joined are not
          // checked, so the count of copies found may differ when the work is shared.
          assert.deepEqual(found.roots, here.roots, `${name}, help: ${help}`);
          assert.equal(found.candidates, here.candidates, `${name}, help: ${help}`);
          assert.ok(found.verified >= here.verified, `${name}, help: ${help}`);
        }
      }
    } finally {
      await Promise.all(Object.values(workers).map((w) => w.terminate()));
    }
  });
});

describe('reprint components shared between two threads', () => {
  /**
   * 120 texts of 300 shingles, each with 9 copies that keep 70–100 % of them and a few of
   * their own, and 300 texts alone: thousands of candidate pairs, so that both threads take
   * chunks of them (256 at a time), with copies and non-copies among them.
   */
  const corpus = (): Uint32Array[] => {
    let state = 7;
    const random = (): number => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0);
    const sorted = (values: number[]): Uint32Array => Uint32Array.from(new Set(values)).sort();
    const sets: Uint32Array[] = [];
    for (let g = 0; g < 120; g++) {
      const base = Array.from({ length: 300 }, random);
      for (let c = 0; c < 10; c++) {
        const keep = 0.7 + (random() % 31) / 100;
        sets.push(sorted([...base.filter(() => random() % 1000 < keep * 1000), ...Array.from({ length: 20 }, random)]));
      }
    }
    for (let i = 0; i < 300; i++) sets.push(sorted(Array.from({ length: 300 }, random)));
    return sets;
  };
  it('are the same as on one thread, whoever checked which pair', async () => {
    const sets = corpus();
    const signatures = sets.map(signature);
    const here = reprintComponents(sets, signatures);
    assert.ok(here.candidates > 2_000, `${here.candidates} candidate pairs`);
    assert.ok(new Set(here.roots).size < sets.length - 500, 'copies are grouped');
    const worker = new Worker(new URL('../src/ingest/worker-entry.js', import.meta.url), {
      workerData: { events: [], defaultTimeZone: 'UTC' },
    });
    try {
      for (let round = 0; round < 3; round++) {
        const job = componentsOn(worker)(sets, signatures);
        await job.help();
        const found = await job.result;
        assert.deepEqual(found.roots, here.roots, `round ${round}`);
        assert.equal(found.candidates, here.candidates);
      }
    } finally {
      await worker.terminate();
    }
  });
});

describe("remembered pair results (the next run's)", () => {
  // Copies, so that reprint candidates are checked, and the corpus for related articles.
  const stories = corpus.filter((a) => Array.from(a.text).length >= 400).slice(0, 12);
  const copies = stories.map((a, i) => ({
    ...a,
    id: `copy-${i}`,
    text: reprintOf(a.text, i),
    published: later(a.published, 1),
  }));
  const articles = (): Article[] => structuredClone([...corpus, ...copies]);
  const results = (list: Article[]): unknown =>
    list.map((a) => [a.id, a.topics, a.reprint, a.related]).sort((x, y) => String(x[0]).localeCompare(String(y[0])));
  const SALT = pairMemoSalt('test');

  it('give the same reprint groups and related articles as computing them, and are used', async () => {
    const plain = articles();
    await compareArticles(plain, { topics: config.topics });
    assert.ok(plain.some((a) => a.reprint) && plain.some((a) => a.related.length > 0));

    const first = new PairMemo();
    const once = articles();
    await compareArticles(once, { topics: config.topics, memo: first });
    assert.deepEqual(results(once), results(plain));
    assert.equal(first.hits, 0);

    const second = PairMemo.fromBuffer(first.toBuffer(SALT), SALT);
    const again = articles();
    await compareArticles(again, { topics: config.topics, memo: second });
    assert.deepEqual(results(again), results(plain));
    assert.ok(second.hits > 100, `${second.hits} pairs remembered`);
    // The same pairs, so the same file: an unchanged run leaves it as it was.
    assert.ok(second.toBuffer(SALT).equals(first.toBuffer(SALT)));
  });

  it('are not read from another salt, or from a damaged or cut file', async () => {
    const memo = new PairMemo();
    await compareArticles(articles(), { topics: config.topics, memo });
    const bytes = memo.toBuffer(SALT);
    const use = async (file: Buffer, salt = SALT): Promise<number> => {
      const read = PairMemo.fromBuffer(file, salt);
      await compareArticles(articles(), { topics: config.topics, memo: read });
      return read.hits;
    };
    assert.ok((await use(bytes)) > 0);
    assert.equal(await use(bytes, pairMemoSalt('other')), 0);
    const damaged = Buffer.from(bytes);
    damaged[damaged.length - 3] = damaged[damaged.length - 3]! ^ 0x40;
    assert.equal(await use(damaged), 0);
    assert.equal(await use(bytes.subarray(0, bytes.length - 10)), 0);
    assert.equal(await use(Buffer.from('not a memo')), 0);
  });
});
