/**
 * Golden tests: each seed's whole normalized article equals the expected JSON in
 * tests/golden/, which a person checked line by line (regenerate with
 * scripts/update-golden.ts and review the diff). Also the figures the ingest issue states.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Article } from '../src/schema/article.ts';
import { ingestFixture } from './helpers.ts';

const seeds = readdirSync('content/articles').sort();

describe('golden seeds', () => {
  for (const name of seeds) {
    it(`${name} matches its reviewed JSON`, () => {
      const expected = JSON.parse(readFileSync(`tests/golden/${name.replace(/\.[^.]+$/, '')}.json`, 'utf8')) as Article;
      const actual = JSON.parse(
        JSON.stringify(ingestFixture(`content/articles/${name}`, `articles/${name}`)),
      ) as Article;
      for (const key of Object.keys(expected) as Array<keyof Article>) {
        assert.deepEqual(actual[key], expected[key], `${name}: field ${key}`);
      }
      assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort());
    });
  }
});

describe('the values the ingest issue lists', () => {
  const by = (prefix: string): Article => ingestFixture(`content/articles/${seeds.find((s) => s.startsWith(prefix))!}`);
  const table: Array<[string, string, string, string, string | null, string | null, string | null]> = [
    [
      '000',
      '中美元首视频通话释放三大关键信息',
      '2022-03-19T17:08:21Z',
      'zaker',
      null,
      null,
      'http://zkres1.myzaker.com/202203/623675128e9f0924ee21081e_1024.jpg',
    ],
    [
      '001',
      '中美元首视频会晤现场细节意味深长',
      '2021-11-16T21:10:14Z',
      'zaker',
      '杨依军',
      null,
      'http://zkres1.myzaker.com/202111/61948711b15ec044a52f3240_1024.jpg',
    ],
    ['002', '习近平同美国总统拜登举行视频会晤', '2021-11-16T00:00:00+08:00', 'xinhua', '杨依军', null, null],
    [
      '003',
      '中美外长通话：谈乌克兰战争与双边关系',
      '2022-10-31T14:28:57.672Z',
      'dw',
      null,
      'https://www.dw.com/zh/%E4%B8%AD%E7%BE%8E%E5%A4%96%E9%95%BF%E9%80%9A%E8%AF%9D%EF%BC%9A%E8%B0%88%E4%B9%8C%E5%85%8B%E5%85%B0%E6%88%98%E4%BA%89%E4%B8%8E%E5%8F%8C%E8%BE%B9%E5%85%B3%E7%B3%BB/a-63608577',
      'https://static.dw.com/image/63214296_303.jpg',
    ],
    [
      '004',
      '【G20】王毅谈习拜会：有利推动两国关系重回健康正轨',
      '2022-11-15T00:45:00Z',
      'zaobao',
      null,
      'https://www.zaobao.com/realtime/china/story20221115-1333258',
      'https://www.zaobao.com/s3fs-public/styles/article_large_full/public/2022-11/file7mw39clzwr5ddt6sblf.jpg?itok=a-m9EKWV',
    ],
  ];
  for (const [seed, title, published, source, author, url, lead] of table) {
    it(`seed ${seed}`, () => {
      const a = by(seed);
      assert.equal(a.title, title);
      assert.equal(a.published, published);
      assert.equal(a.source.id, source);
      assert.equal(a.author, author);
      assert.equal(a.url, url);
      assert.equal(a.leadImage?.src ?? null, lead);
    });
  }
  it('001 names Xinhua as the origin; 002 says its date was inferred; 003 and 004 keep the capture time', () => {
    assert.equal(by('001').origin, 'xinhua');
    assert.equal(by('002').dateProvenance, 'inferred-from-event');
    assert.equal(by('003').capturedAt, '2022-10-31T14:47:03Z');
    assert.equal(by('004').capturedAt, '2022-11-15T00:45:00Z');
  });
  it('links the seeds to the events they cover', () => {
    assert.equal(by('000').event, '2022-03-xi-biden-video-call');
    assert.equal(by('001').event, '2021-11-virtual-summit');
    assert.equal(by('002').event, '2021-11-virtual-summit');
    assert.equal(by('003').event, '2022-10-wang-blinken-call');
    assert.equal(by('004').event, '2022-11-bali-summit');
  });
  it('keeps every sentence of the article proper, in order', () => {
    for (const name of seeds) {
      const article = ingestFixture(`content/articles/${name}`);
      const raw = readFileSync(`content/articles/${name}`, 'utf8');
      // Sentences of the raw body (markup stripped, ZAKER's spacing and quotes normalized).
      const hardWrapped = article.input.format === 'plain-text';
      const body = (hardWrapped ? raw.replace(/\n+/g, '') : raw)
        .replace(/^[\s\S]*?\n---\n/, (m) => (m.includes('title:') ? '' : m))
        .replace(/<[^>]+>/g, '\n')
        .replace(/ ?" ?/g, '')
        .replace(/[“”]/g, '')
        .replace(/\n\n/g, '\n');
      const text = article.text.replace(/[“”]/g, '').replace(/\n/g, '');
      // Captions live in the image records and the copyright notice in its field: kept, not in `text`.
      const elsewhere = [
        ...article.images.map((i) => i.caption ?? ''),
        article.copyright ?? '',
        ...(article.html.match(/<figcaption>.*?<\/figcaption>/g) ?? []),
      ]
        .join('\n')
        .replace(/[“”\s]/g, '');
      let from = 0;
      const sentences = [...body.matchAll(/[^\n。！？]{12,}[。！？]/g)]
        .map((m) => m[0].replace(/\s+/g, ''))
        .filter((s) => !/监制|新华社记者|^(?:\d|[A-Z])/.test(s));
      // A newspaper photo block runs its headline (the title) into its caption.
      const title = article.title.replace(/\s/g, '');
      let found = 0;
      const missing: string[] = [];
      for (const sentence of sentences) {
        const probe = sentence.replace(/[\s"]/g, '');
        const at = text.replace(/\s/g, '').indexOf(probe, from);
        if (at >= 0) {
          from = at;
          found++;
        } else if (
          elsewhere.includes(probe) ||
          (probe.startsWith(title) && elsewhere.includes(probe.slice(title.length)))
        ) {
          found++;
        } else {
          missing.push(sentence);
        }
      }
      assert.equal(
        found,
        sentences.length,
        `${name}: ${found}/${sentences.length} sentences found in order; first missing: ${missing[0]}`,
      );
    }
  });
});
