/**
 * Outlet profiles: each outlet is recognised from the content (never the file name) and its
 * peculiarities are cleaned up. Fixtures in tests/fixtures/outlets/ are real mirrored files.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ingestFixture } from './helpers.ts';

const dir = 'tests/fixtures/outlets';

describe('ZAKER', () => {
  const article = ingestFixture(`${dir}/zaker-hexo.txt`);
  it('is detected from the front matter, with the author field read as the outlet', () => {
    assert.equal(article.source.id, 'zaker');
    assert.equal(article.author, '杨依军'); // from 主笔：, not "ZAKER"
    assert.equal(article.origin, 'xinhua'); // 新华社国内部制作
  });
  it('unwraps the CORS proxy and reads lazy images with their sizes', () => {
    assert.equal(article.leadImage?.src, 'http://zkres1.myzaker.com/202111/61948711b15ec044a52f3240_1024.jpg');
    assert.deepEqual([article.leadImage?.width, article.leadImage?.height], [1000, 1481]);
    assert.ok(!article.html.includes('cors.zfour'));
    assert.ok(article.images.length >= 4);
  });
  it('moves loose photo credits into the image records', () => {
    assert.equal(article.images[1]?.credit, '新华社记者 岳月伟 摄');
    assert.ok(!article.text.includes('岳月伟 摄'));
  });
  it('moves the staff credits out of the body into credits', () => {
    assert.ok(!article.text.includes('监制'));
    assert.deepEqual(
      article.credits.filter((c) => c.role === '编辑').map((c) => c.name),
      ['吴晶晶', '王秋韵'],
    );
    assert.ok(article.credits.some((c) => c.role === '主笔' && c.name === '杨依军'));
  });
  it('restores Chinese quotation marks and undoes the display spacing', () => {
    assert.ok(article.text.includes('“很高兴见到你，主席先生。”'));
    assert.ok(article.text.includes('北京时间，11月16日08：46'));
    assert.ok(!/" | "/.test(article.text));
  });
  it('reads a front-matter title that quotes itself', () => {
    const other = ingestFixture(`${dir}/zaker-escaped-title.md`);
    assert.equal(other.title, '"美国又给中国送子弹"');
    assert.equal(other.source.id, 'zaker');
  });
});

describe('Deutsche Welle', () => {
  const article = ingestFixture(`${dir}/dw-headed.txt`);
  it('takes the date from the body date line and keeps the header timestamp as capturedAt', () => {
    assert.equal(article.source.id, 'dw');
    assert.equal(article.published, '2022-10-31T14:28:57.672Z');
    assert.equal(article.dateProvenance, 'body-dateline');
    assert.equal(article.capturedAt, '2022-10-31T14:47:03Z');
    assert.ok(!article.text.includes('2022-10-31T14:28:57'));
  });
  it('unwraps images.weserv.nl and attaches the <small> caption', () => {
    assert.equal(article.leadImage?.src, 'https://static.dw.com/image/63214296_303.jpg');
    assert.match(article.leadImage?.caption ?? '', /^不久前的9月/);
    assert.equal(article.leadImage?.width, null); // width="100%" is no size
  });
  it('keeps the gallery as figures with captions and the copyright out of the body', () => {
    assert.equal(article.images.length, 11);
    assert.match(article.images[1]!.caption!, /^两次通话 线上峰会：2021年2月10日/);
    assert.match(article.copyright ?? '', /德国之声版权声明/);
    assert.ok(!article.text.includes('版权'));
    assert.ok(!article.html.includes('api.dw.com'));
  });
  it('reads the Jekyll mirror variant with front matter', () => {
    const other = ingestFixture(`${dir}/dw-jekyll.md`);
    assert.equal(other.source.id, 'dw');
    assert.equal(other.dateProvenance, 'front-matter');
    assert.match(other.url ?? '', /^https:\/\/www\.dw\.com\/zh\/.+\/a-55010995$/);
  });
});

describe('Lianhe Zaobao', () => {
  const article = ingestFixture(`${dir}/zaobao-jekyll.txt`);
  it('resolves the relative data-src against the canonical URL', () => {
    assert.equal(article.source.id, 'zaobao');
    assert.equal(
      article.leadImage?.src,
      'https://www.zaobao.com/s3fs-public/styles/article_large_full/public/2022-11/file7mw39clzwr5ddt6sblf.jpg?itok=a-m9EKWV',
    );
  });
  it('moves the stray figcaption into the image, with the credit apart', () => {
    assert.match(article.leadImage?.caption ?? '', /^王毅说，两国元首的会晤/);
    assert.equal(article.leadImage?.credit, '路透社');
    assert.ok(!article.text.includes('王毅9月24日在联合国大会上发表讲话'));
  });
  it('removes ad slots and the paywall placeholder', () => {
    assert.ok(!/dfp-ad|innity|cx_paywall|imu/.test(article.html));
    assert.equal(article.published, '2022-11-15T00:45:00Z');
    assert.equal(article.capturedAt, '2022-11-15T00:45:00Z');
  });
  it('reads an older Zaobao copy', () => {
    const other = ingestFixture(`${dir}/zaobao-2020.md`);
    assert.equal(other.source.id, 'zaobao');
    assert.equal(other.title, '前香港众志创党主席罗冠聪与蓬佩奥于伦敦会面');
    assert.ok(other.text.length > 100);
  });
});

describe('Xinhua (plain-text reprint)', () => {
  const article = ingestFixture(`${dir}/xinhua-plain.txt`);
  it('is detected from the dateline and recovers title, author and photo credit', () => {
    assert.equal(article.source.id, 'xinhua');
    assert.equal(article.title, '习近平同美国总统拜登举行视频会晤');
    assert.equal(article.titleProvenance, 'photo-block-headline');
    assert.equal(article.author, '杨依军');
    assert.ok(article.credits.some((c) => c.role === '摄影' && c.name === '黄敬文'));
  });
  it('infers the year from the events and says so', () => {
    assert.equal(article.published, '2021-11-16T00:00:00+08:00');
    assert.equal(article.datePrecision, 'day');
    assert.equal(article.dateProvenance, 'inferred-from-event');
    assert.equal(article.event, '2021-11-virtual-summit');
    assert.ok(article.inferred.some((i) => i.field === 'published'));
    assert.ok(article.inferred.some((i) => i.field === 'title'));
  });
  it('reflows the hard-wrapped lines into the 22 paragraphs of the article', () => {
    const paragraphs = article.text.split('\n\n');
    assert.equal(paragraphs.length, 22);
    assert.match(paragraphs[1]!, /^习近平指出，当前，.*共同使命。$/);
    assert.equal(paragraphs[21], '丁薛祥、刘鹤、杨洁篪、王毅等参加会晤。');
  });
});

describe('unknown outlets', () => {
  it('are named from the URL host and the author field, with a warning', () => {
    const article = ingestFixture(`${dir}/generic-rfi.md`);
    assert.equal(article.source.id, 'rfi');
    assert.equal(article.source.name, '法广');
    assert.ok(article.warnings.some((w) => /unknown outlet/.test(w)));
  });
  it('read a headed BBC copy with its proxied image', () => {
    const article = ingestFixture(`${dir}/generic-bbc-headed.md`);
    assert.equal(article.source.id, 'bbc');
    assert.match(article.leadImage?.src ?? '', /^https:\/\/ichef\.bbci\.co\.uk\//);
  });
});

describe('detection ignores file names', () => {
  it('reads a DW file named like a Zaobao one as DW', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'outlet-'));
    const misleading = join(tmp, 'zaobao-story20221115.txt');
    copyFileSync(`${dir}/dw-headed.txt`, misleading);
    assert.equal(ingestFixture(misleading).source.id, 'dw');
  });
});
