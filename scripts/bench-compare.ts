/**
 * Times reprint grouping (shingles + MinHash + LSH + exact verification + union-find) and the
 * related-articles pass at 1k and 10k synthetic articles built from the development corpus,
 * to show that they stay near linear in the number of articles.
 *
 *   node --import tsx scripts/bench-compare.ts [sizes…]   (default: 1000 10000)
 *
 * Each synthetic article is made of paragraphs of the real corpus texts, every character
 * replaced with probability 0.3 (so articles are distinct, as real ones are, yet share some
 * stock phrases); one in ten is then a reprint of an earlier one (other header and footer)
 * and one in twenty a revision, so that real groups exist to be found.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadContentConfig } from '../src/content/load.ts';
import { groupReprints, prepare, type CompareInput } from '../src/compare/reprints.ts';
import { similarArticles } from '../src/compare/related.ts';
import { paragraphs, reprintOf, revisionOf } from '../src/compare/variants.ts';
import { ingestBytes } from '../src/ingest/article.ts';

const CORPUS = 'tests/fixtures/corpus-dev';
const config = await loadContentConfig('content');
const texts = readdirSync(CORPUS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(join(CORPUS, d.name)).map((f) => join(CORPUS, d.name, f)))
  .sort()
  .map((p) => ingestBytes(readFileSync(p), p, { events: config.events, defaultTimeZone: 'Asia/Shanghai' }).article.text)
  .filter((t) => t.length >= 200);
const paras = texts.flatMap(paragraphs);
const common = Array.from(texts.join('').replace(/\s/g, ''));

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

function synthetic(n: number): { items: CompareInput[]; expectedGroups: number } {
  const random = rng(42);
  const items: CompareInput[] = [];
  let copies = 0;
  for (let i = 0; i < n; i++) {
    const published = new Date(Date.UTC(2021, 0, 1) + i * 600_000).toISOString();
    const id = `a${String(i).padStart(6, '0')}`;
    if (i > 10 && i % 10 === 0) {
      items.push({ id, published, text: reprintOf(items[Math.floor(random() * i)]!.text, i) });
      copies++;
      continue;
    }
    if (i > 20 && i % 20 === 5) {
      items.push({
        id,
        published,
        text: revisionOf(items[Math.floor(random() * i)]!.text, paras[i % paras.length]!, i),
      });
      copies++;
      continue;
    }
    const count = 3 + Math.floor(random() * 6);
    const body = Array.from({ length: count }, () => {
      const p = Array.from(paras[Math.floor(random() * paras.length)]!);
      for (let c = 0; c < p.length; c++) if (random() < 0.3) p[c] = common[Math.floor(random() * common.length)]!;
      return p.join('');
    });
    items.push({ id, published, text: body.join('\n\n') });
  }
  return { items, expectedGroups: copies };
}

const sizes = process.argv.slice(2).map(Number).filter(Boolean);
const rows: string[] = [];
for (const n of sizes.length ? sizes : [1000, 10000]) {
  const { items, expectedGroups } = synthetic(n);
  const t0 = performance.now();
  const prepared = prepare(items);
  const t1 = performance.now();
  const grouping = groupReprints(items, prepared);
  const t2 = performance.now();
  similarArticles(prepared, 8);
  const t3 = performance.now();
  const grouped = grouping.reprints.filter((r) => r && r.original !== items[grouping.reprints.indexOf(r)]?.id).length;
  rows.push(
    `${String(n).padStart(6)} articles: shingles+MinHash ${(t1 - t0).toFixed(0)} ms, ` +
      `LSH+verify+union-find ${(t2 - t1).toFixed(0)} ms (${grouping.candidates} candidate pairs), ` +
      `grouping total ${(t2 - t0).toFixed(0)} ms = ${(((t2 - t0) / n) * 1000).toFixed(0)} µs/article; ` +
      `related ${(t3 - t2).toFixed(0)} ms; copies grouped ${grouped}/${expectedGroups}`,
  );
  console.log(rows.at(-1));
}
