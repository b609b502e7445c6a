/**
 * The built site: every page type exists under the path prefix, every internal reference
 * resolves, every page validates, the feeds and sitemap are right, the build is
 * deterministic, and article values are only ever data (escaped, never evaluated).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { before, describe, it } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { HtmlValidate } from 'html-validate';
import { foldBlockOf, foldTable } from '../src/search/fold.ts';
import { runBuild } from '../src/site/build.ts';

const PREFIX = '/news-archive/';

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

async function build(contentDir: string, prefix = PREFIX): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'site-'));
  await runBuild({
    contentDir,
    outDir: join(root, 'site'),
    archiveDir: join(root, 'archive'),
    pathPrefix: prefix,
    jobs: 1,
  });
  return join(root, 'site');
}

/** The file a site URL is served from, or null when it points outside the site. */
function target(site: string, url: string): string | null {
  const path = decodeURIComponent(url.split(/[?#]/)[0]!);
  if (!path.startsWith(PREFIX)) return null;
  const local = join(site, path.slice(PREFIX.length));
  return path.endsWith('/') ? join(local, 'index.html') : local;
}

let site: string;
let pages: string[];
before(async () => {
  site = await build('content');
  pages = files(site).filter((f) => f.endsWith('.html'));
});

describe('site build of content/', () => {
  it('produces every page type', () => {
    const expected = [
      'index.html',
      '404.html',
      'archive/index.html',
      'archive/2022/index.html',
      'archive/2022/11/index.html',
      'archive/2021/11/index.html',
      'sources/index.html',
      'sources/zaker/index.html',
      'sources/dw/index.html',
      'events/index.html',
      'events/2021-11-virtual-summit/index.html',
      'tags/index.html',
      'search/index.html',
      'search.js',
      'pagefind/archive.json',
      'pagefind/pagefind.js',
      'pagefind/pagefind-entry.json',
      'sitemap.xml',
      'robots.txt',
      'feed.xml',
      'feed.json',
      'data/index.html',
      'data/index.json',
      'data/article.schema.json',
      'style.css',
      '.nojekyll',
    ];
    for (const file of expected) assert.ok(existsSync(join(site, file)), `missing ${file}`);
    const articlePages = pages.filter((p) => relative(site, p).startsWith('articles/'));
    assert.equal(articlePages.length, 5);
    assert.ok(existsSync(join(site, 'articles/2022/11/15/g20-王毅谈习拜会-有利推动两国关系重回健康正轨/index.html')));
    assert.equal(readdirSync(join(site, 'data/articles')).length, 5);
  });

  it('publishes the fold table in blocks that add up to the whole table, each listed for the search page', () => {
    const { fold } = JSON.parse(readFileSync(join(site, 'pagefind/archive.json'), 'utf8')) as { fold: string[] };
    assert.deepEqual(readdirSync(join(site, 'pagefind/fold')).sort(), fold.map((name) => `${name}.json`).sort());
    const whole: Record<string, string> = {};
    for (const name of fold) {
      const block = JSON.parse(readFileSync(join(site, 'pagefind/fold', `${name}.json`), 'utf8')) as Record<
        string,
        string
      >;
      for (const ch of Object.keys(block)) assert.equal(foldBlockOf(ch), name, `${ch} is in block ${name}`);
      Object.assign(whole, block);
    }
    assert.deepEqual(whole, foldTable());
    assert.equal(whole['臺'], '台');
  });

  it('resolves every internal link, image and stylesheet reference, under the prefix', () => {
    const dead: string[] = [];
    for (const page of pages) {
      const html = readFileSync(page, 'utf8');
      for (const m of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
        const url = m[1]!.replace(/&amp;/g, '&');
        if (/^(?:https?:)?\/\//.test(url) || url.startsWith('#') || url.startsWith('mailto:')) continue;
        assert.ok(url.startsWith(PREFIX), `${relative(site, page)}: ${url} lacks the path prefix`);
        const file = target(site, url);
        if (!file || !existsSync(file) || !statSync(file).isFile()) dead.push(`${relative(site, page)} → ${url}`);
        const anchor = url.split('#')[1];
        if (anchor && file && existsSync(file)) {
          assert.ok(readFileSync(file, 'utf8').includes(`id="${anchor}"`), `${url}: no #${anchor}`);
        }
      }
    }
    assert.deepEqual(dead, []);
  });

  it('passes the HTML validator on every page', async () => {
    const validator = new HtmlValidate({ extends: ['html-validate:recommended'] });
    const problems: string[] = [];
    for (const page of pages) {
      const report = await validator.validateString(readFileSync(page, 'utf8'), page);
      for (const r of report.results)
        for (const m of r.messages) problems.push(`${relative(site, page)}:${m.line} ${m.ruleId} ${m.message}`);
    }
    assert.deepEqual(problems, []);
  });

  it('puts the head every page needs: lang, title, canonical, Open Graph, CSP without inline script, no-referrer', () => {
    for (const page of pages) {
      const html = readFileSync(page, 'utf8');
      const name = relative(site, page);
      assert.match(html, /<html lang="zh-Hans">/, name);
      assert.match(html, /<title>[^<]+<\/title>/, name);
      assert.match(html, /<link rel="canonical" href="https:\/\/[^"]+\/news-archive\//, name);
      assert.match(html, /<meta property="og:title" content="[^"]+">/, name);
      assert.match(html, /<meta name="referrer" content="no-referrer">/, name);
      const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
      assert.doesNotMatch(csp, /unsafe-inline/, name);
      if (name === 'search/index.html') {
        // The one page with JavaScript: its own module and Pagefind's WebAssembly, nothing inline.
        assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/, name);
        assert.deepEqual(
          [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]),
          [' type="module" src="/news-archive/search.js"'],
        );
        continue;
      }
      assert.match(csp, /script-src 'none'/, name);
      // The only scripts are JSON-LD data blocks.
      for (const s of html.matchAll(/<script\b([^>]*)>/g)) assert.match(s[1]!, /type="application\/ld\+json"/, name);
    }
  });

  it('shows an article with its date in the site zone, exact instant, lead image, credits and JSON-LD', () => {
    const html = readFileSync(join(site, 'articles/2021/11/17/中美元首视频会晤现场细节意味深长/index.html'), 'utf8');
    assert.match(html, /<time datetime="2021-11-16T21:10:14Z">2021年11月17日 05:10<\/time>/);
    assert.match(html, /<img src="http:\/\/zkres1\.myzaker\.com\/202111\/61948711b15ec044a52f3240_1024\.jpg"/);
    assert.match(html, /主笔：杨依军/);
    const ld = JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/s.exec(html)![1]!) as Record<
      string,
      unknown
    >;
    assert.equal(ld['@type'], 'NewsArticle');
    assert.equal(ld['headline'], '中美元首视频会晤现场细节意味深长');
    assert.ok(html.includes('同一会晤的其他报道'), 'the Xinhua report of the same summit is listed');
  });

  it('marks inferred values on the article page', () => {
    const html = readFileSync(join(site, 'articles/2021/11/16/习近平同美国总统拜登举行视频会晤/index.html'), 'utf8');
    assert.match(html, /（日期推断）/);
    assert.match(html, /（标题推断）/);
  });

  it('has a calendar of the days with articles on the month page', () => {
    const html = readFileSync(join(site, 'archive/2022/11/index.html'), 'utf8');
    assert.match(html, /<a href="\/news-archive\/archive\/2022\/11\/#d15"[^>]*>15<\/a>/);
    assert.match(html, /id="d15"/);
  });

  it('writes feeds that parse as Atom and JSON Feed, and a sitemap listing every article', () => {
    const atom = readFileSync(join(site, 'feed.xml'), 'utf8');
    assert.equal(XMLValidator.validate(atom), true);
    const feed = new XMLParser({ ignoreAttributes: false }).parse(atom) as {
      feed: { entry: unknown[]; '@_xmlns': string };
    };
    assert.equal(feed.feed['@_xmlns'], 'http://www.w3.org/2005/Atom');
    assert.equal(feed.feed.entry.length, 5);
    const json = JSON.parse(readFileSync(join(site, 'feed.json'), 'utf8')) as {
      version: string;
      items: Array<{ id: string; content_html: string }>;
    };
    assert.equal(json.version, 'https://jsonfeed.org/version/1.1');
    assert.equal(json.items.length, 5);
    assert.ok(json.items.every((i) => i.id.startsWith('https://') && i.content_html.length > 100));
    const sitemap = readFileSync(join(site, 'sitemap.xml'), 'utf8');
    assert.equal(XMLValidator.validate(sitemap), true);
    const index = JSON.parse(readFileSync(join(site, 'data/index.json'), 'utf8')) as unknown[];
    assert.equal(index.length, 5);
    for (const page of pages.filter((p) => relative(site, p).startsWith('articles/'))) {
      const path = encodeURI(`${PREFIX}${relative(site, page).replace(/index\.html$/, '')}`);
      assert.ok(sitemap.includes(`${path}</loc>`), `sitemap lacks ${path}`);
    }
  });

  it('is deterministic: two builds give byte-identical output', async () => {
    const again = await build('content');
    const digest = (dir: string): string[] =>
      files(dir).map((f) => `${relative(dir, f)} ${createHash('sha256').update(readFileSync(f)).digest('hex')}`);
    assert.deepEqual(digest(again), digest(site));
  });
});

describe('article values are data, never templates', () => {
  it('escapes hostile titles, authors and tags and never evaluates them', async () => {
    const content = mkdtempSync(join(tmpdir(), 'hostile-'));
    cpSync('tests/fixtures/site-hostile', content, { recursive: true });
    const out = await build(content);
    const all = files(out).filter((f) => f.endsWith('.html'));
    const article = all.find((f) => relative(out, f).startsWith('articles/'))!;
    const html = readFileSync(article, 'utf8');
    assert.ok(html.includes('{{ 7*7 }}'), 'the title is shown as written');
    assert.ok(!html.includes('标题 49'), 'the title was evaluated');
    assert.ok(html.includes('正文 {{ 6*7 }}'));
    assert.doesNotMatch(html, /<script>alert|<img src=x|onclick/);
    assert.ok(!existsSync(join(out, 'pwned')), 'front matter permalink must not be used');
    for (const page of all) assert.ok(!readFileSync(page, 'utf8').includes('<script>alert'), relative(out, page));
    // A tag with a slash gets a slug without one.
    assert.ok(existsSync(join(out, 'tags/台湾-两岸/index.html')));
  });

  it('builds a content folder without events.yaml, sources.yaml or site.yaml', async () => {
    const content = mkdtempSync(join(tmpdir(), 'bare-'));
    cpSync('content/articles', join(content, 'articles'), { recursive: true });
    const out = await build(content, '/');
    assert.ok(existsSync(join(out, 'index.html')));
    assert.ok(existsSync(join(out, 'sources/zaker/index.html')));
  });
});

describe('comparing coverage on the site', () => {
  it('has a page per topic and a topics index', () => {
    assert.ok(existsSync(join(site, 'topics/index.html')));
    for (const id of ['taiwan', 'ukraine', 'trade', 'tech', 'climate', 'fentanyl', 'military', 'korea'])
      assert.ok(existsSync(join(site, `topics/${id}/index.html`)), `topics/${id}/`);
    const ukraine = readFileSync(join(site, 'topics/ukraine/index.html'), 'utf8');
    assert.ok(
      ukraine.includes('中美外长通话：谈乌克兰战争与双边关系'),
      'the DW report on the Wang–Blinken call is on Ukraine',
    );
  });

  it('shows the event as a comparison: chart with a text alternative, lengths, thumbnails, topics', () => {
    const html = readFileSync(join(site, 'events/2021-11-virtual-summit/index.html'), 'utf8');
    assert.match(html, /<svg class="chart" role="img" aria-labelledby="chart-title chart-desc"/);
    assert.match(html, /<title id="chart-title">[^<]+<\/title>/);
    assert.match(html, /<desc id="chart-desc">[^<]*新华社 1 篇[^<]*<\/desc>/);
    assert.match(html, /<table class="chart-table">/);
    assert.doesNotMatch(html, /\sstyle=|<script/);
    assert.match(html, /3968 字/);
    assert.match(
      html,
      /<img class="thumb" src="http:\/\/zkres1\.myzaker\.com\/[^"]+" alt="[^"]*" width="1000" height="1481" loading="lazy" referrerpolicy="no-referrer">/,
    );
    assert.match(html, /href="\/news-archive\/topics\/diplomacy\/"/);
  });

  it('lists related articles: the same event first, never the article itself', () => {
    const path = 'articles/2021/11/17/中美元首视频会晤现场细节意味深长/index.html';
    const html = readFileSync(join(site, path), 'utf8');
    const related = /<section class="related"[\s\S]*?<\/section>/.exec(html)![0];
    assert.ok(related.indexOf('习近平同美国总统拜登举行视频会晤') > 0);
    assert.ok(!related.includes('>中美元首视频会晤现场细节意味深长<'));
  });

  it('groups a reprint of the Xinhua report with it, names the original and shows the group', async () => {
    const content = mkdtempSync(join(tmpdir(), 'reprint-'));
    cpSync('content', content, { recursive: true });
    const dataDir = join(site, 'data/articles');
    const xinhuaFile = readdirSync(dataDir).find((f) => f.startsWith('xinhua'))!;
    const xinhua = JSON.parse(readFileSync(join(dataDir, xinhuaFile), 'utf8')) as { text: string };
    const body = xinhua.text
      .split('\n\n')
      .map((p) => `<p>${p}</p>`)
      .join('\n');
    writeFileSync(
      join(content, 'articles', 'reprint.html'),
      `---\ntitle: 转载：中美元首举行视频会晤\ndate: 2021-11-17T02:00:00Z\nauthor: 某网站\n---\n<p>本文转载自新华社。</p>\n${body}\n<p>责任编辑：李明</p>\n`,
    );
    const out = await build(content);
    const all = files(out).filter((f) => f.endsWith('.html'));
    const copy = readFileSync(
      all.find((f) => f.includes('转载-中美元首举行视频会晤'))!,
      'utf8',
    );
    assert.match(copy, /同一文本的各版本/);
    assert.match(copy, /本文是<a href="[^"]+">新华社《习近平同美国总统拜登举行视频会晤》<\/a>的转载或修订版/);
    const related = /<section class="related"[\s\S]*?<\/section>/.exec(copy)?.[0] ?? '';
    assert.ok(!related.includes('习近平同美国总统拜登举行视频会晤'), 'its own original is not "related"');
    const event = readFileSync(join(out, 'events/2021-11-virtual-summit/index.html'), 'utf8');
    assert.match(event, /转载自 <a href="[^"]+">新华社《习近平同美国总统拜登举行视频会晤》<\/a>/);
    assert.match(event, /原稿，另有 1 处转载/);
    const json = JSON.parse(readFileSync(join(out, 'data/index.json'), 'utf8')) as Array<{
      title: string;
      id: string;
      reprint: { group: string; original: string } | null;
    }>;
    const original = json.find((a) => a.title === '习近平同美国总统拜登举行视频会晤')!;
    assert.deepEqual(json.find((a) => a.title.startsWith('转载'))!.reprint?.original, original.id);
    assert.equal(original.reprint?.group, original.id);
  });
});
