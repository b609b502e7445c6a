/**
 * The search index's shard plan: every article in exactly one shard, no shard far above the
 * size Pagefind indexes in bounded memory, the newest month alone (so that the next day's
 * article re-indexes a small shard), and a plan that depends on the content only.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SHARD_MAX, shardOf } from '../src/search/index.ts';
import type { ArticleView } from '../src/site/data.ts';

function articles(n: number): ArticleView[] {
  return Array.from({ length: n }, (_, i) => {
    // Spread over six years, the newest month (2026-03) with a few articles.
    const day = new Date(Date.UTC(2020, 2, 1) + ((i * 7919) % 2200) * 86_400_000);
    const year = String(day.getUTCFullYear());
    const month = String(day.getUTCMonth() + 1).padStart(2, '0');
    return { id: `a${String(i).padStart(6, '0')}`, local: { year, month } } as unknown as ArticleView;
  });
}

describe('search shards', () => {
  it('puts every article in exactly one shard, none much above SHARD_MAX', () => {
    for (const n of [600, 3_000, 25_000]) {
      const all = articles(n);
      const shards = shardOf(all);
      const seen = new Set<string>();
      for (const [name, members] of shards) {
        assert.ok(members.length <= SHARD_MAX * 1.2, `${name}: ${members.length} articles`);
        for (const a of members) {
          assert.ok(!seen.has(a.id), `${a.id} is in two shards`);
          seen.add(a.id);
        }
      }
      assert.equal(seen.size, n);
      assert.ok(shards.size >= Math.ceil(n / SHARD_MAX));
    }
  });

  it('keeps the newest month in a shard of its own, listed first', () => {
    const all = articles(25_000);
    const newest = all.reduce(
      (m, a) => (`${a.local.year}-${a.local.month}` > m ? `${a.local.year}-${a.local.month}` : m),
      '',
    );
    const [first, members] = [...shardOf(all)][0]!;
    assert.equal(first, newest);
    assert.ok(members.every((a) => `${a.local.year}-${a.local.month}` === newest));
  });

  it('depends on the content, not on the order of the articles', () => {
    const all = articles(5_000);
    const plan = (list: ArticleView[]): Record<string, string[]> =>
      Object.fromEntries([...shardOf(list)].map(([name, m]) => [name, m.map((a) => a.id).sort()]));
    assert.deepEqual(plan([...all].reverse()), plan(all));
  });

  it('gives a small archive one shard', () => {
    assert.deepEqual([...shardOf(articles(100)).keys()], ['all']);
  });
});
