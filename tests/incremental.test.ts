/**
 * Incremental builds: after articles are added, changed and removed, a build that renders
 * only what changed leaves exactly the site a full build from scratch makes, byte for byte
 * (pages, data, feeds, sitemap, search index); and whatever can change every page makes
 * the next build a full one.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runBuild, type BuildResult } from '../src/site/build.ts';
import { assertSameTree } from './support/trees.ts';

const DEV = 'tests/fixtures/corpus-dev';

function build(
  root: string,
  content: string,
  extra: { full?: boolean; renderBatch?: number } = {},
): Promise<BuildResult> {
  return runBuild({
    contentDir: content,
    outDir: join(root, 'site'),
    archiveDir: join(root, 'archive'),
    pathPrefix: '/news-archive/',
    jobs: 1,
    // The search index in shards, as a large archive has it, so that shards are updated too.
    searchShardMin: 1,
    ...extra,
  });
}

/** The seeds and a few development articles, one of them kept back to be added later. */
function makeContent(): { content: string; later: string } {
  const content = mkdtempSync(join(tmpdir(), 'incr-content-'));
  cpSync('content', content, { recursive: true });
  const dev = ['dw/dw-fm-a-53368371.md', 'dw/dw-fm-a-54242000.md', 'dw/dw-fm-a-54251612.md', 'dw/dw-fm-a-54272091.md'];
  for (const file of dev) cpSync(join(DEV, file), join(content, 'articles', file.split('/')[1]!));
  return { content, later: join(DEV, 'dw', 'dw-fm-a-54378429.md') };
}

describe('incremental build', () => {
  it('adds, changes and removes articles with the same output as a full build', async () => {
    const { content, later } = makeContent();
    const work = mkdtempSync(join(tmpdir(), 'incr-'));
    const first = await build(work, content);
    assert.equal(first.render.incremental, false);

    // One article added, one edited (its title), one removed.
    cpSync(later, join(content, 'articles', 'dw-fm-a-54378429.md'));
    const edited = join(content, 'articles', 'dw-fm-a-54242000.md');
    writeFileSync(edited, readFileSync(edited, 'utf8').replace(/^title: "(.+)"$/m, 'title: "$1（更新）"'));
    unlinkSync(join(content, 'articles', 'dw-fm-a-54272091.md'));

    const second = await build(work, content);
    assert.equal(second.render.incremental, true);
    assert.equal(second.search.merged, true);
    assert.ok(second.render.removed >= 1, 'the removed article’s page is deleted');
    assert.ok(
      second.render.rendered < second.render.pages / 2,
      `renders what changed only: ${second.render.rendered} of ${second.render.pages}`,
    );

    // The full build renders in batches of 7 pages (Eleventy runs one after the other).
    const fresh = mkdtempSync(join(tmpdir(), 'incr-fresh-'));
    const full = await build(fresh, content, { renderBatch: 7 });
    assert.equal(full.render.incremental, false);
    assertSameTree(join(work, 'site'), join(fresh, 'site'));

    // Nothing changed: nothing but the fixed pages is written, and the site is still the same.
    const third = await build(work, content);
    assert.equal(third.render.incremental, true);
    assert.equal(third.search.rebuilt, 0, 'no search shard is indexed again');
    assert.equal(third.search.merged, false, 'nor the served index merged again');
    assert.ok(third.search.shards > 1);
    assertSameTree(join(work, 'site'), join(fresh, 'site'));

    // A served index that is not the one the last merge wrote is merged again.
    unlinkSync(join(work, 'site', 'pagefind', 'pagefind-entry.json'));
    const fourth = await build(work, content);
    assert.equal(fourth.search.rebuilt, 0);
    assert.equal(fourth.search.merged, true);
    assertSameTree(join(work, 'site'), join(fresh, 'site'));
    for (const dir of [content, work, fresh]) rmSync(dir, { recursive: true, force: true });
  });

  it('rebuilds everything when a site-wide input changes or the site folder is not what the last build left', async () => {
    const { content } = makeContent();
    const work = mkdtempSync(join(tmpdir(), 'incr-'));
    await build(work, content);
    assert.equal((await build(work, content)).render.incremental, true);

    const siteYaml = join(content, 'site.yaml');
    writeFileSync(siteYaml, readFileSync(siteYaml, 'utf8').replace(/^title: (.+)$/m, 'title: $1 测试'));
    assert.equal((await build(work, content)).render.incremental, false, 'site.yaml changed');

    // A site folder put back from a copy, as CI restores it from a cache: still incremental.
    const site = join(work, 'site');
    cpSync(site, `${site}.copy`, { recursive: true });
    rmSync(site, { recursive: true });
    renameSync(`${site}.copy`, site);
    assert.equal((await build(work, content)).render.incremental, true, 'a faithful copy');

    // A page missing from it: not what the last build left, so everything is rendered again.
    const page = readdirSync(join(site, 'events'))[0]!;
    rmSync(join(site, 'events', page), { recursive: true });
    const restored = await build(work, content);
    assert.equal(restored.render.incremental, false, 'the site folder is not the one the last build left');
    assert.ok(readdirSync(join(site, 'events')).includes(page));
    assert.ok(readFileSync(join(site, 'index.html'), 'utf8').includes('测试'));

    assert.equal((await build(work, content, { full: true })).render.incremental, false, '--full');
    for (const dir of [content, work]) rmSync(dir, { recursive: true, force: true });
  });
});
