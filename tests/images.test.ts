/**
 * The image archiver and the rendering of images, against an HTTP server this test starts
 * on 127.0.0.1 with images it generates with sharp (no fixture files, no network): good
 * images are archived with their real sizes, every bad one (404, timeout, redirect loop,
 * HTML served as image/jpeg, a 30000×30000 "bomb", a truncated file, a redirect to a
 * metadata address) is a manifest failure with its reason; private and metadata addresses
 * are refused before any connection; the built site serves archived images as responsive
 * <picture>s and the others from their original URL, and never fails because of an image.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { HtmlValidate } from 'html-validate';
import sharp from 'sharp';
import { forbiddenReason } from '../src/images/address.ts';
import { runImages } from '../src/images/archive.ts';
import { fetchImage } from '../src/images/fetch.ts';
import { isArchived, readManifest, type ArchivedEntry, type FailedEntry } from '../src/images/manifest.ts';
import { runBuild } from '../src/site/build.ts';

const PREFIX = '/news-archive/';

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A valid PNG that claims 30000×30000 pixels (1-bit grey): a few hundred bytes, 900 MP decoded. */
function bombPng(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(30000, 0);
  ihdr.writeUInt32BE(30000, 4);
  ihdr.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale
  const row = Buffer.alloc(1 + 30000 / 8);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: 64 }, () => row)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A smooth gradient: realistic to encode, fast for AVIF. */
function gradient(width: number, height: number): sharp.Sharp {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) pixels.set([(x * 255) / width, (y * 255) / height, 128], (y * width + x) * 3);
  return sharp(pixels, { raw: { width, height, channels: 3 } });
}

function noise(width: number, height: number): sharp.Sharp {
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7919 + ((i / 3) | 0) * 31) & 255;
  return sharp(pixels, { raw: { width, height, channels: 3 } });
}

const GOOD: Record<string, { type: string; width: number; height: number; ext: string }> = {
  '/a.jpg': { type: 'image/jpeg', width: 1200, height: 800, ext: 'jpg' },
  '/b.png': { type: 'image/png', width: 90, height: 60, ext: 'png' },
  '/c.gif': { type: 'image/gif', width: 50, height: 40, ext: 'gif' },
  '/d.webp': { type: 'image/webp', width: 70, height: 30, ext: 'webp' },
};
const BAD: Record<string, RegExp> = {
  '/missing.jpg': /HTTP 404/,
  '/slow.jpg': /timed out|timeout/,
  '/loop1.jpg': /too many redirects/,
  '/page.jpg': /not an image/,
  '/bomb.png': /pixel/i,
  '/truncated.jpg': /broken image|truncat|premature/i,
  '/to-metadata.jpg': /refused: 169\.254\.169\.254 .*link-local/,
};

let server: Server;
let base: string;
let port: number;
let connections = 0;
const hits = new Map<string, number>();
const bodies = new Map<string, { type: string; body: Buffer }>();

before(async () => {
  const color = { r: 200, g: 40, b: 30 };
  bodies.set('/a.jpg', { type: 'image/jpeg', body: await gradient(1200, 800).jpeg({ quality: 90 }).toBuffer() });
  bodies.set('/b.png', {
    type: 'image/png',
    body: await sharp({ create: { width: 90, height: 60, channels: 3, background: color } })
      .png()
      .toBuffer(),
  });
  bodies.set('/c.gif', {
    type: 'image/gif',
    body: await sharp({ create: { width: 50, height: 40, channels: 3, background: color } })
      .gif()
      .toBuffer(),
  });
  bodies.set('/d.webp', {
    type: 'image/webp',
    body: await sharp({ create: { width: 70, height: 30, channels: 3, background: color } })
      .webp()
      .toBuffer(),
  });
  bodies.set('/page.jpg', {
    type: 'image/jpeg',
    body: Buffer.from('<!DOCTYPE html><html><body>Not here</body></html>'),
  });
  bodies.set('/bomb.png', { type: 'image/png', body: bombPng() });
  const whole = await noise(400, 300).jpeg({ quality: 95 }).toBuffer();
  bodies.set('/truncated.jpg', { type: 'image/jpeg', body: whole.subarray(0, Math.floor(whole.length * 0.6)) });

  server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path === '/slow.jpg') return; // never answers
    if (path === '/loop1.jpg') return void res.writeHead(302, { location: '/loop2.jpg' }).end();
    if (path === '/loop2.jpg') return void res.writeHead(302, { location: '/loop1.jpg' }).end();
    if (path === '/moved.jpg') return void res.writeHead(301, { location: '/a.jpg' }).end();
    if (path === '/to-metadata.jpg') {
      return void res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    }
    const found = bodies.get(path);
    if (!found) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    res.writeHead(200, { 'content-type': found.type, 'content-length': found.body.length }).end(found.body);
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

const allow = { allowHosts: ['127.0.0.1'], timeoutMs: 1500, connectTimeoutMs: 1000 };

/** Counts the sockets Node tries to connect while `work` runs. */
async function socketsDuring(work: () => Promise<void>): Promise<number> {
  const original = net.Socket.prototype.connect;
  let count = 0;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    count++;
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof original;
  try {
    await work();
  } finally {
    net.Socket.prototype.connect = original;
  }
  return count;
}

describe('address checks', () => {
  it('refuses loopback, private, link-local, CGNAT, multicast, unspecified and embedded ones', () => {
    for (const a of [
      '127.0.0.1',
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.169.254',
      '100.100.100.200',
      '0.0.0.0',
      '224.0.0.251',
      '255.255.255.255',
      '::1',
      '::',
      'fe80::1',
      'fd00:ec2::254',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:a9fe:a9fe',
      '64:ff9b::a00:1',
    ]) {
      assert.ok(forbiddenReason(a), `${a} should be refused`);
    }
    for (const a of ['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      assert.equal(forbiddenReason(a), null, `${a} is public`);
    }
  });
});

describe('safe fetching', () => {
  it('refuses private and metadata addresses without opening a connection', async () => {
    const before = connections;
    const results: Array<{ url: string; reason: string }> = [];
    const sockets = await socketsDuring(async () => {
      for (const url of [
        'http://169.254.169.254/latest/meta-data/',
        'http://10.0.0.1/a.jpg',
        'http://[::1]/a.jpg',
        `http://[::1]:${port}/a.jpg`,
        `http://127.0.0.1:${port}/a.jpg`,
        `http://localhost:${port}/a.jpg`,
        'http://[::ffff:169.254.169.254]/',
        'http://0x7f000001/a.jpg',
        'file:///etc/passwd',
        'ftp://example.com/a.jpg',
      ]) {
        const r = await fetchImage(url, { timeoutMs: 1500 });
        assert.equal(r.ok, false, url);
        if (!r.ok) results.push({ url, reason: r.reason });
      }
      // A host that resolves to both a public and a private address is refused too.
      const mixed = await fetchImage('http://images.test/a.jpg', {
        resolve: async () => [
          { address: '93.184.215.14', family: 4 },
          { address: '10.1.2.3', family: 4 },
        ],
      });
      assert.equal(mixed.ok, false);
      if (!mixed.ok) results.push({ url: 'mixed', reason: mixed.reason });
    });
    for (const r of results) assert.match(r.reason, /^refused/, `${r.url}: ${r.reason}`);
    assert.equal(sockets, 0, 'no socket was connected');
    assert.equal(connections, before, 'the server saw no connection');
  });

  it('connects to the vetted address, not to a new DNS answer', async () => {
    let lookups = 0;
    const r = await fetchImage(`http://images.test:${port}/b.png`, {
      ...allow,
      allowHosts: ['images.test'],
      resolve: async () => {
        lookups++;
        return [{ address: '127.0.0.1', family: 4 }];
      },
    });
    assert.ok(r.ok, r.ok ? '' : r.reason);
    assert.equal(lookups, 1);
  });

  it('follows a redirect, re-checking the new host', async () => {
    const r = await fetchImage(`${base}/moved.jpg`, allow);
    assert.ok(r.ok);
    if (r.ok) assert.deepEqual([r.finalUrl, r.width, r.height], [`${base}/a.jpg`, 1200, 800]);
  });

  it('caps the size while streaming', async () => {
    const r = await fetchImage(`${base}/a.jpg`, { ...allow, maxBytes: 1000 });
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.reason, /too large/);
  });
});

describe('news-archive images', () => {
  let content: string;
  let archive: string;
  const url = (path: string): string => `${base}${path}`;

  before(() => {
    const root = mkdtempSync(join(tmpdir(), 'images-'));
    content = join(root, 'content');
    archive = join(root, 'archive');
    mkdirSync(join(content, 'articles'), { recursive: true });
    const figures = [...Object.keys(GOOD), ...Object.keys(BAD)]
      .map(
        (p, i) =>
          `<figure><img src="${url(p)}" alt="图${i + 1}"><figcaption>图${i + 1}的说明文字</figcaption></figure>`,
      )
      .join('\n<p>段落正文，介绍这次会晤的背景与细节。</p>\n');
    writeFileSync(
      join(content, 'articles', 'images.md'),
      `---\ntitle: 图片归档测试\ndate: 2022-11-15T10:00:00+08:00\nfrom: https://www.example.com/news/images-test\n---\n` +
        `<p>第一段正文，介绍这次会晤的背景。</p>\n${figures}\n<p>最后一段正文。</p>\n`,
    );
  });

  it('archives the good images with their sizes and records every bad one with its reason', async () => {
    const started = Date.now();
    const result = await runImages({ contentDir: content, archiveDir: archive, concurrency: 4, fetch: allow });
    assert.ok(Date.now() - started < 10_000, 'the timeout applies');
    const manifest = readManifest(join(content, 'media', 'manifest.json'));
    const byUrl = new Map(manifest.images.map((e) => [e.url, e]));
    assert.equal(result.referenced, Object.keys(GOOD).length + Object.keys(BAD).length);
    for (const [path, expected] of Object.entries(GOOD)) {
      const e = byUrl.get(url(path)) as ArchivedEntry;
      assert.ok(e && isArchived(e), `${path} archived`);
      assert.deepEqual([e.type, e.width, e.height], [expected.type, expected.width, expected.height], path);
      assert.match(e.file, new RegExp(`^[0-9a-f]{64}\\.${expected.ext}$`));
      const bytes = readFileSync(join(content, 'media', e.file));
      assert.equal(bytes.length, e.bytes);
      assert.ok(bytes.equals(bodies.get(path)!.body));
      assert.ok(!Number.isNaN(Date.parse(e.fetchedAt)));
    }
    for (const [path, reason] of Object.entries(BAD)) {
      const e = byUrl.get(url(path)) as FailedEntry;
      assert.ok(e && !isArchived(e), `${path} failed`);
      assert.match(e.reason, reason, `${path}: ${e.reason}`);
      assert.ok(!Number.isNaN(Date.parse(e.failedAt)));
    }
    assert.equal((byUrl.get(url('/missing.jpg')) as FailedEntry).status, 404);
    assert.equal(result.failed.length, Object.keys(BAD).length);
    // Deterministic: sorted by URL.
    const urls = manifest.images.map((e) => e.url);
    assert.deepEqual(urls, [...urls].sort());
    // Only the good images (and the manifest) are in the media folder.
    assert.equal(readdirSync(join(content, 'media')).length, Object.keys(GOOD).length + 1);
  });

  it('fetches nothing on a second run, and retries the failures only when asked', async () => {
    const manifestPath = join(content, 'media', 'manifest.json');
    const before = readFileSync(manifestPath, 'utf8');
    const seen = connections;
    const again = await runImages({ contentDir: content, archiveDir: archive, fetch: allow });
    assert.equal(connections, seen, 'no request at all');
    assert.deepEqual([again.fetched.length, again.failed.length], [0, 0]);
    assert.equal(again.alreadyArchived, Object.keys(GOOD).length);
    assert.equal(again.skippedFailures, Object.keys(BAD).length);
    assert.equal(readFileSync(manifestPath, 'utf8'), before, 'the manifest is untouched');

    const missingHits = hits.get('/missing.jpg');
    const retried = await runImages({ contentDir: content, archiveDir: archive, retryFailed: true, fetch: allow });
    assert.equal(retried.fetched.length, 0);
    assert.equal(retried.failed.length, Object.keys(BAD).length);
    assert.equal(hits.get('/missing.jpg'), (missingHits ?? 0) + 1);
    assert.equal(hits.get('/a.jpg') !== undefined, true);
  });

  it('builds the article with <picture>s for archived images and original URLs for the others', async () => {
    // An archived file that is not a decodable image must not break the build either.
    const garbage = Buffer.from('definitely not an image');
    const manifestPath = join(content, 'media', 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { images: Array<Record<string, unknown>> };
    const slow = manifest.images.find((e) => e['url'] === url('/slow.jpg'))!;
    const file = `${'0'.repeat(64)}.jpg`;
    writeFileSync(join(content, 'media', file), garbage);
    Object.assign(slow, {
      file,
      type: 'image/jpeg',
      width: 10,
      height: 10,
      bytes: garbage.length,
      fetchedAt: slow['failedAt'],
    });
    delete slow['status'];
    delete slow['reason'];
    delete slow['failedAt'];
    writeFileSync(manifestPath, JSON.stringify(manifest));

    const root = mkdtempSync(join(tmpdir(), 'images-site-'));
    process.env['NEWS_ARCHIVE_IMAGE_CACHE'] = join(root, 'cache');
    const out = join(root, 'site');
    const sockets = await socketsDuring(async () => {
      await runBuild({
        contentDir: content,
        outDir: out,
        archiveDir: join(root, 'archive'),
        pathPrefix: PREFIX,
        jobs: 1,
        siteUrl: 'https://example.org/news-archive/',
      });
    });
    assert.equal(sockets, 0, 'the build never touches the network');
    const pages = readdirSync(join(out, 'articles'), { recursive: true }).filter((f) => String(f).endsWith('.html'));
    assert.equal(pages.length, 1);
    const html = readFileSync(join(out, 'articles', String(pages[0])), 'utf8');

    const pictures = [...html.matchAll(/<picture>(.*?)<\/picture>/gs)].map((m) => m[1]!);
    assert.equal(pictures.length, Object.keys(GOOD).length);
    for (const p of pictures) {
      assert.match(p, /<source type="image\/avif" srcset="\/news-archive\/media\/[^"]+\.avif \d+w/);
      assert.match(p, /<source type="image\/webp" srcset="\/news-archive\/media\/[^"]+\.webp \d+w/);
      assert.match(
        p,
        /<img src="\/news-archive\/media\/[^"]+\.(jpeg|png)" srcset="[^"]+" sizes="[^"]+" width="\d+" height="\d+" alt="图\d+" loading="(lazy|eager)" decoding="async"/,
      );
    }
    // The 1200 px JPEG gets several widths, never wider than the original.
    const jpeg = pictures.find((p) => p.includes('alt="图1"'))!;
    assert.match(jpeg, /320w.*640w.*960w.*1200w/);
    assert.doesNotMatch(jpeg, /1600w/);
    assert.match(jpeg, /width="1200" height="800"/);
    assert.match(jpeg, /loading="eager"/, 'the lead image loads at once');
    assert.match(jpeg, /class="ph ph-\d{3}"/);
    // Every referenced file was written into the site.
    for (const m of html.matchAll(/\/news-archive\/(media\/[^" ,]+)/g)) assert.ok(existsSync(join(out, m[1]!)), m[1]);

    // The others keep their original URL, without a referrer, and never a made-up size.
    for (const path of Object.keys(BAD)) {
      const img = new RegExp(
        `<img src="${url(path).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" alt="图\\d+" loading="lazy" decoding="async" referrerpolicy="no-referrer">`,
      );
      assert.match(html, img, path);
    }
    for (const img of html.match(/<img [^>]*>/g)!) {
      assert.match(img, / alt="/);
      assert.match(img, / loading="/);
    }
    // The Open Graph image is the archived copy, by absolute URL.
    const og = /<meta property="og:image" content="([^"]+)">/.exec(html)![1]!;
    assert.match(og, /^https:\/\/example\.org\/news-archive\/media\/[0-9a-f]{64}\.jpg$/);
    assert.ok(existsSync(join(out, relative('/news-archive/', new URL(og).pathname))));

    const report = await new HtmlValidate({ extends: ['html-validate:recommended'] }).validateString(html);
    assert.deepEqual(
      report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId} ${m.message}`)),
      [],
    );
  });
});

describe('the seed content', () => {
  it('references only original image URLs, never a proxy, each with alt, loading and its known size', async () => {
    const root = mkdtempSync(join(tmpdir(), 'images-seeds-'));
    process.env['NEWS_ARCHIVE_IMAGE_CACHE'] = join(root, 'cache');
    const out = join(root, 'site');
    await runBuild({
      contentDir: 'content',
      outDir: out,
      archiveDir: join(root, 'archive'),
      pathPrefix: PREFIX,
      jobs: 1,
    });
    const pages = readdirSync(out, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.html'));
    let images = 0;
    for (const page of pages) {
      const html = readFileSync(join(out, page), 'utf8');
      assert.doesNotMatch(html, /cors\.zfour\.workers\.dev|images\.weserv\.nl/, page);
      for (const img of html.match(/<img [^>]*>/g) ?? []) {
        images++;
        assert.match(img, / alt="/, `${page}: ${img}`);
        assert.match(img, / loading="(lazy|eager)"/, `${page}: ${img}`);
        const src = /src="([^"]+)"/.exec(img)![1]!;
        assert.ok(src.startsWith(`${PREFIX}media/`) || /referrerpolicy="no-referrer"/.test(img), img);
      }
    }
    assert.ok(images > 10);
    // ZAKER gives its image sizes: they are kept.
    const zaker = pages.find((p) => readFileSync(join(out, p), 'utf8').includes('61948711b15ec044a52f3240_1024.jpg'))!;
    assert.match(
      readFileSync(join(out, zaker), 'utf8'),
      /61948711b15ec044a52f3240_1024\.jpg" alt="" width="1000" height="1481"/,
    );
  });
});
