/**
 * Hostile and broken inputs: every file must end up as an article or as a report error that
 * names it and says why, and must never crash, hang or leak into the other articles.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as OpenCC from 'opencc-js';
import { PackReader, scanPacks, sha256 } from '../src/ingest/cache.ts';
import { decode } from '../src/ingest/decode.ts';
import { MAX_INPUT_BYTES } from '../src/ingest/process-file.ts';
import { runIngest, runJobs, type RunResult } from '../src/ingest/run.ts';
import type { Article, IngestReport } from '../src/schema/article.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SEEDS = join(ROOT, 'content', 'articles');
const VALID_SEED = join(SEEDS, '004_52fe9c90d191c1af.txt');
const VALID = 'valid.txt';

const temps: string[] = [];
after(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true });
});

async function tempDir(prefix = 'news-archive-robust-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** A fresh content folder with the real config files and the one valid article. */
async function contentFolder(withValid = true): Promise<{ root: string; content: string; articles: string }> {
  const root = await tempDir();
  const content = join(root, 'content');
  const articles = join(content, 'articles');
  await mkdir(articles, { recursive: true });
  for (const file of ['events.yaml', 'sources.yaml', 'site.yaml']) {
    await copyFile(join(ROOT, 'content', file), join(content, file));
  }
  if (withValid) await copyFile(VALID_SEED, join(articles, VALID));
  return { root, content, articles };
}

function checkReport(report: IngestReport): void {
  assert.equal(report.inputs, report.articles + report.errors.length, 'every input is an article or an error');
}

let validBaseline: Article | undefined;
async function baseline(): Promise<Article> {
  if (!validBaseline) {
    const { root, content } = await contentFolder();
    const { articles } = await runIngest({ contentDir: content, outDir: join(root, 'out'), jobs: 1 });
    assert.equal(articles.length, 1);
    validBaseline = articles[0]!;
  }
  return validBaseline;
}

interface CaseResult extends RunResult {
  content: string;
  articlesDir: string;
  out: string;
  root: string;
}

/** Writes the files (name → bytes) next to the valid article and ingests the folder. */
async function ingestCase(
  files: Record<string, string | Uint8Array> = {},
  setup?: (articlesDir: string, root: string) => Promise<void> | void,
  jobs = 1,
): Promise<CaseResult> {
  const { root, content, articles: articlesDir } = await contentFolder();
  for (const [name, data] of Object.entries(files)) {
    await mkdir(dirname(join(articlesDir, name)), { recursive: true });
    await writeFile(join(articlesDir, name), data);
  }
  await setup?.(articlesDir, root);
  const out = join(root, 'out');
  const result = await runIngest({ contentDir: content, outDir: out, jobs });
  checkReport(result.report);
  const valid = result.articles.find((a) => a.input.path === `articles/${VALID}`);
  assert.ok(valid, 'the valid article is still ingested');
  // Related articles and reprint groups are the archive's view of the article, and rightly
  // change with the other articles; everything the file itself says must not.
  const own = (a: Article): Partial<Article> => ({ ...a, related: [], reprint: null });
  assert.deepEqual(own(valid), own(await baseline()), 'the valid article is unaffected by the other files');
  return { ...result, content, articlesDir, out, root };
}

function errorOf(report: IngestReport, name: string): IngestReport['errors'][number] {
  const error = report.errors.find((e) => e.path === `articles/${name}`);
  assert.ok(error, `expected an error for ${name}, got ${JSON.stringify(report.errors)}`);
  return error;
}

function articleOf(result: RunResult, name: string): Article {
  const article = result.articles.find((a) => a.input.path === `articles/${name}`);
  assert.ok(article, `expected an article for ${name}, got errors ${JSON.stringify(result.report.errors)}`);
  return article;
}

async function expectError(name: string, data: string | Uint8Array, reason: RegExp): Promise<CaseResult> {
  const result = await ingestCase({ [name]: data });
  assert.equal(result.report.inputs, 2);
  assert.match(errorOf(result.report, name).message, reason);
  return result;
}

function errorCase(name: string, data: string | Uint8Array, reason: RegExp): () => Promise<void> {
  return async () => {
    await expectError(name, data, reason);
  };
}

/** A small article in the front matter + HTML format, without a URL. */
function article(title: string, body: string, date = '2022-11-15T08:00:00Z'): string {
  return `---\ntitle: "${title}"\ndate: ${date}\nauthor: 某报\n---\n${body}\n`;
}

const PARAGRAPH = '<p>两国元首就事关中美关系以及世界和平发展前景的重大问题进行了坦诚、深入、建设性、战略性沟通。</p>';

// ---------------------------------------------------------------------------------------
// Encodings. TextDecoder decodes GB18030 and Big5 but cannot encode them; reverse its
// tables rather than add an encoder dependency that might disagree with the decoder.

function encoderFor(encoding: 'gb18030' | 'big5'): (text: string) => Buffer {
  const table = new Map<string, number[]>();
  const decoder = new TextDecoder(encoding, { fatal: true });
  // Big5 leads below 0xA1 are HKSCS extensions; prefer the standard Big5 range.
  const leads = encoding === 'big5' ? [...range(0xa1, 0xfe), ...range(0x81, 0xa0)] : range(0x81, 0xfe);
  for (const lead of leads) {
    for (const trail of range(0x40, 0xfe)) {
      let ch: string;
      try {
        ch = decoder.decode(new Uint8Array([lead, trail]));
      } catch {
        continue;
      }
      if (ch.length === 1 && !table.has(ch)) table.set(ch, [lead, trail]);
    }
  }
  return (text) => {
    const bytes: number[] = [];
    for (const ch of text) {
      const code = ch.codePointAt(0)!;
      if (code < 0x80) bytes.push(code);
      else {
        const pair = table.get(ch);
        if (!pair) throw new Error(`${encoding} cannot encode ${ch} (U+${code.toString(16)})`);
        bytes.push(...pair);
      }
    }
    return Buffer.from(bytes);
  };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function utf16be(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1]!, le[i]!];
  return le;
}

describe('encodings', () => {
  // The encoded copy is a different seed from the valid article, so the two never collide.
  const SEED = join(SEEDS, '000_b432c1abbb87aceb.txt');

  async function original(text: string): Promise<Article> {
    const result = await ingestCase({ 'seed.txt': text });
    return articleOf(result, 'seed.txt');
  }

  async function check(
    name: string,
    text: string,
    bytes: Uint8Array,
    encoding: Article['input']['encoding'],
  ): Promise<void> {
    const expected = await original(text);
    const result = await ingestCase({ [name]: bytes });
    const got = articleOf(result, name);
    assert.equal(got.input.encoding, encoding);
    assert.equal(got.title, expected.title);
    assert.equal(got.text, expected.text);
    assert.equal(got.html, expected.html);
    assert.equal(got.id, expected.id);
    assert.doesNotMatch(JSON.stringify(got), /\ufffd/);
  }

  test('GB18030 (GBK) gives the same article as UTF-8', async () => {
    const text = await readFile(SEED, 'utf8');
    await check('gbk.txt', text, encoderFor('gb18030')(text), 'gb18030');
  });

  test('Big5 gives the same article as UTF-8', async () => {
    // Big5 has no Simplified characters: the Traditional form of the seed is the original.
    const text = OpenCC.Converter({ from: 'cn', to: 'tw' })(await readFile(SEED, 'utf8'));
    await check('big5.txt', text, encoderFor('big5')(text), 'big5');
  });

  test('UTF-16LE with a BOM', async () => {
    const text = await readFile(SEED, 'utf8');
    await check(
      'u16le.txt',
      text,
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
      'utf-16le',
    );
  });

  test('UTF-16BE with a BOM', async () => {
    const text = await readFile(SEED, 'utf8');
    await check('u16be.txt', text, Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)]), 'utf-16be');
  });

  test('UTF-16LE without a BOM', async () => {
    const text = await readFile(SEED, 'utf8');
    await check('u16le-nobom.txt', text, Buffer.from(text, 'utf16le'), 'utf-16le');
  });

  test('UTF-8 with a BOM and CRLF line ends', async () => {
    const text = await readFile(SEED, 'utf8');
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text.replace(/\n/g, '\r\n'))]);
    await check('bom-crlf.txt', text, bytes, 'utf-8');
  });

  /** Cuts `bytes` one byte into the first multi-byte character after `fraction` of it. */
  function cutInsideCharacter(bytes: Buffer, fraction: number, isLead: (byte: number) => boolean): Buffer {
    let at = Math.floor(bytes.length * fraction);
    while (!isLead(bytes[at]!)) at++;
    return bytes.subarray(0, at + 1);
  }

  async function checkTruncated(name: string, bytes: Buffer, encoding: Article['input']['encoding']): Promise<void> {
    assert.ok(decode(bytes).truncatedBytes > 0, 'the file really ends inside a character');
    const result = await ingestCase({ [name]: bytes });
    const got = articleOf(result, name);
    assert.equal(got.input.encoding, encoding);
    assert.ok(got.text.length > 100);
    assert.doesNotMatch(JSON.stringify(got), /\ufffd/);
  }

  test('UTF-8 truncated inside a character still ingests', async () => {
    const bytes = await readFile(SEED);
    await checkTruncated(
      'cut-utf8.txt',
      cutInsideCharacter(bytes, 0.7, (b) => b >= 0xe0 && b < 0xf0),
      'utf-8',
    );
  });

  test('GB18030 truncated inside a character still ingests', async () => {
    const bytes = encoderFor('gb18030')(await readFile(SEED, 'utf8'));
    await checkTruncated(
      'cut-gbk.txt',
      cutInsideCharacter(bytes, 0.7, (b) => b >= 0xb0),
      'gb18030',
    );
  });

  test('UTF-16 truncated to an odd length still ingests', async () => {
    const text = await readFile(SEED, 'utf8');
    const le = Buffer.from(text, 'utf16le');
    const withBom = Buffer.concat([Buffer.from([0xff, 0xfe]), le]);
    await checkTruncated('cut-u16bom.txt', withBom.subarray(0, Math.floor(withBom.length * 0.7) | 1), 'utf-16le');
    await checkTruncated('cut-u16.txt', le.subarray(0, Math.floor(le.length * 0.7) | 1), 'utf-16le');
  });

  test('random high bytes are an encoding error', async () => {
    let seed = 42;
    const garbage = Buffer.alloc(4096);
    for (let i = 0; i < garbage.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      garbage[i] = 0x80 + (seed % 0x80);
    }
    await expectError('garbage.txt', garbage, /encoding/);
  });

  test('an invalid byte inside an otherwise valid article is an encoding error, not U+FFFD', async () => {
    const text = await readFile(SEED);
    const at = text.indexOf('<p>');
    const bytes = Buffer.concat([text.subarray(0, at), Buffer.from([0xff, 0xfe, 0xfd]), text.subarray(at)]);
    await expectError('broken.txt', bytes, /encoding/);
  });

  test('a NUL inside UTF-8 text is an encoding error', async () => {
    const text = await readFile(SEED, 'utf8');
    const result = await expectError('nul.txt', text.replace('<p>', '<p>\u0000'), /encoding/);
    assert.match(errorOf(result.report, 'nul.txt').message, /NUL/);
  });

  test('binary data (NULs, control bytes) is an error', async () => {
    const bytes = Buffer.alloc(8192);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) % 256;
    await expectError('binary.txt', bytes, /encoding|binary|no article|no title|no publication date/);
  });
});

// ---------------------------------------------------------------------------------------

describe('empty and malformed files', () => {
  test('an empty file', errorCase('empty.txt', '', /empty/));
  test('whitespace only', errorCase('blank.txt', ' \n\t\r\n  \n', /empty/));
  test(
    'front matter only',
    errorCase('fm-only.txt', '---\ntitle: 标题\ndate: 2022-11-15T08:00:00Z\n---\n', /front matter/),
  );
  test(
    'front matter only, with blank lines after it',
    errorCase('fm-only2.txt', '\n---\ntitle: 标题\ndate: 2022-11-15T08:00:00Z\n---\n\n  \n', /front matter/),
  );
  test(
    'unterminated front matter',
    errorCase('unterminated.txt', `---\ntitle: 标题\ndate: 2022-11-15T08:00:00Z\n${PARAGRAPH}\n`, /front matter/),
  );
  test('invalid YAML', async () => {
    const result = await expectError(
      'bad-yaml.txt',
      `---\ntitle: [标题\ndate: {2022\n---\n${PARAGRAPH}\n`,
      /front matter/,
    );
    assert.match(errorOf(result.report, 'bad-yaml.txt').message, /YAML/);
  });
  test(
    'front matter that is a list, not a mapping',
    errorCase('fm-list.txt', `---\n- a\n- b\n---\n${PARAGRAPH}\n`, /front matter/),
  );
  test('a YAML alias bomb', async () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      lines.push(
        `${name}: &${name} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`,
      );
    }
    await expectError('bomb.txt', `---\n${lines.join('\n')}\ntitle: t\n---\n${PARAGRAPH}\n`, /front matter|alias/i);
  });
  test(
    'markup only, no text',
    errorCase('markup-only.txt', article('标题', '<div><p></p><span> </span></div>'), /body|text/),
  );
});

describe('front matter in another language is never executed', () => {
  const variants: Array<[string, (marker: string) => string]> = [
    ['---js', (m) => `---js\nrequire('fs').writeFileSync(${JSON.stringify(m)}, 'x')\n---\n`],
    [
      '---js IIFE',
      (m) =>
        `---js\n(function () { require('fs').writeFileSync(${JSON.stringify(m)}, 'x'); return { title: 'x' }; })()\n---\n`,
    ],
    [
      '---javascript',
      (m) => `---javascript\n({ title: require('fs').writeFileSync(${JSON.stringify(m)}, 'x') })\n---\n`,
    ],
    ['--- js', (m) => `--- js\nrequire('fs').writeFileSync(${JSON.stringify(m)}, 'x')\n---\n`],
    ['---JS', (m) => `---JS\nrequire('fs').writeFileSync(${JSON.stringify(m)}, 'x')\n---\n`],
    ['---coffee', (m) => `---coffee\nrequire('fs').writeFileSync ${JSON.stringify(m)}, 'x'\n---\n`],
    ['blank line, then ---js', (m) => `\n\n---js\nrequire('fs').writeFileSync(${JSON.stringify(m)}, 'x')\n---\n`],
    ['CRLF ---js', (m) => `---js\r\nrequire('fs').writeFileSync(${JSON.stringify(m)}, 'x')\r\n---\r\n`],
  ];
  for (const [label, make] of variants) {
    test(label, async () => {
      const dir = await tempDir();
      const marker = join(dir, 'PWNED');
      const result = await expectError('evil.txt', make(marker) + PARAGRAPH + '\n', /front matter/);
      assert.match(errorOf(result.report, 'evil.txt').message, /refused|language/);
      assert.equal(existsSync(marker), false, 'the front matter code ran');
    });
  }

  test('YAML tags that would construct code stay inert', async () => {
    const dir = await tempDir();
    const marker = join(dir, 'PWNED');
    const fm =
      `---\ntitle: !!js/function "function () { require('fs').writeFileSync(${JSON.stringify(marker)}, 'x') }"\n` +
      `date: 2022-11-15T08:00:00Z\n---\n${PARAGRAPH}\n`;
    const result = await ingestCase({ 'tag.txt': fm });
    assert.equal(result.report.inputs, 2);
    assert.equal(existsSync(marker), false);
  });
});

describe('impossible dates are errors, never rolled over', () => {
  const cases: Array<[string, string]> = [
    ['2022-02-30T10:00:00Z', '2022-02-30'],
    ['Mon, 31 Feb 2022 10:00:00 GMT', '31 Feb 2022'],
    ['2022-13-01', '2022-13-01'],
    ['"2022-11-15T25:61:00Z"', '25:61'],
  ];
  for (const [value, shown] of cases) {
    test(value, async () => {
      const result = await expectError('date.txt', article('日期', PARAGRAPH, value), /not a real date|invalid/);
      const message = errorOf(result.report, 'date.txt').message;
      assert.ok(message.includes(shown), `"${message}" names the date`);
      assert.match(message, /date/);
      assert.ok(!result.articles.some((a) => a.published.startsWith('2022-03')));
    });
  }
  test('the error names the line of the front matter date, after blank and look-alike lines', async () => {
    const text = `---\ntitle: "日期"\ndateline: 北京\n\npublished : 2022-02-30\n---\n${PARAGRAPH}\n`;
    const result = await expectError('date.txt', text, /not a real date|invalid/);
    assert.equal(errorOf(result.report, 'date.txt').line, 5);
  });
});

// ---------------------------------------------------------------------------------------

describe('size and depth', () => {
  test('a 20 MB file is refused as too large, and the run completes', async () => {
    const head = article('超大文件', '');
    const chunk = Buffer.from(PARAGRAPH.repeat(200));
    const parts = [Buffer.from(head)];
    let size = parts[0]!.length;
    while (size < 20 * 1024 * 1024) {
      parts.push(chunk);
      size += chunk.length;
    }
    assert.ok(size > MAX_INPUT_BYTES);
    const result = await expectError('huge.txt', Buffer.concat(parts), /too large/);
    assert.match(errorOf(result.report, 'huge.txt').message, /MiB/);
  });

  test('HTML nested 100,000 levels deep', async () => {
    const body = '<div>'.repeat(100_000) + PARAGRAPH + '</div>'.repeat(100_000);
    const result = await ingestCase({ 'deep.txt': article('深层嵌套', body) });
    assert.equal(result.report.inputs, 2);
    const ok = result.articles.find((a) => a.input.path === 'articles/deep.txt');
    if (ok) assert.match(ok.text, /两国元首/);
    else assert.match(errorOf(result.report, 'deep.txt').message, /nest/);
  });

  test('100,000 unclosed levels of nesting', async () => {
    const result = await ingestCase({ 'deep-open.txt': article('深层嵌套', '<div><span>'.repeat(50_000) + PARAGRAPH) });
    assert.equal(result.report.inputs, 2);
  });

  test('100,000 self-closing non-void tags (which HTML does not close)', async () => {
    const result = await ingestCase({ 'deep-slash.txt': article('深层嵌套', '<div/>'.repeat(100_000) + PARAGRAPH) });
    assert.equal(result.report.inputs, 2);
    const ok = result.articles.find((a) => a.input.path === 'articles/deep-slash.txt');
    if (ok) assert.match(ok.text, /两国元首/);
    else assert.match(errorOf(result.report, 'deep-slash.txt').message, /nest/);
  });

  test('100,000 attributes on one element', async () => {
    const attrs = Array.from({ length: 100_000 }, (_, i) => `data-a${i}="${i}"`).join(' ');
    const result = await ingestCase({ 'attrs.txt': article('属性', `<p ${attrs}>两国元首举行会晤。</p>${PARAGRAPH}`) });
    const got = articleOf(result, 'attrs.txt');
    assert.match(got.text, /两国元首举行会晤/);
    assert.doesNotMatch(got.html, /data-a/);
  });

  test('a very long single line of text', async () => {
    const result = await ingestCase({ 'long.txt': article('长段落', `<p>${'中美关系。'.repeat(200_000)}</p>`) });
    assert.ok(articleOf(result, 'long.txt').text.length >= 1_000_000);
  });
});

// ---------------------------------------------------------------------------------------

describe('ids', () => {
  test('titles that slugify alike still give two articles with different ids', async () => {
    const result = await ingestCase({
      'a.txt': article('中美关系!', '<p>第一篇文章的正文，讲的是一件事。</p>'),
      'b.txt': article('中美关系?', '<p>第二篇文章的正文，讲的是另一件事。</p>'),
    });
    const a = articleOf(result, 'a.txt');
    const b = articleOf(result, 'b.txt');
    assert.notEqual(a.id, b.id);
    assert.equal(result.report.articles, 3);
  });

  test('the same title and day with different texts: both kept, different ids', async () => {
    const result = await ingestCase({
      'a.txt': article('同一标题', '<p>第一篇文章的正文。</p>'),
      'b.txt': article('同一标题', '<p>第二篇文章的正文。</p>'),
    });
    const a = articleOf(result, 'a.txt');
    const b = articleOf(result, 'b.txt');
    assert.notEqual(a.id, b.id);
    assert.match(b.id, /^[A-Za-z0-9_-]+$/);
    assert.ok(b.warnings.some((w) => w.includes(a.id)));
  });

  test('the same file under two names: one article and one duplicate error', async () => {
    const text = await readFile(join(SEEDS, '000_b432c1abbb87aceb.txt'));
    const result = await ingestCase({ 'copy-a.txt': text, 'copy-b.txt': text });
    articleOf(result, 'copy-a.txt');
    const error = errorOf(result.report, 'copy-b.txt');
    assert.match(error.message, /duplicate/);
    assert.match(error.message, /copy-a\.txt/);
    assert.equal(result.report.inputs, 3);
  });

  async function idsAfterChange(text: string): Promise<void> {
    const { root, content, articles } = await contentFolder(false);
    await writeFile(join(articles, 'first-name.txt'), text);
    const out = join(root, 'out');
    const first = await runIngest({ contentDir: content, outDir: out, jobs: 1 });
    assert.equal(first.articles.length, 1, JSON.stringify(first.report.errors));
    await rename(join(articles, 'first-name.txt'), join(articles, 'second-name.txt'));
    const renamed = await runIngest({ contentDir: content, outDir: out, jobs: 1 });
    assert.equal(renamed.articles[0]?.id, first.articles[0]!.id, 'renaming keeps the id');
    const edited = text.replace(/<p>([^<]{10})/, '<p>（更正）$1');
    assert.notEqual(edited, text);
    await writeFile(join(articles, 'second-name.txt'), edited);
    const third = await runIngest({ contentDir: content, outDir: out, jobs: 1 });
    assert.notEqual(third.articles[0]!.text, first.articles[0]!.text);
    assert.equal(third.articles[0]!.id, first.articles[0]!.id, 'editing the body keeps the id');
    assert.deepEqual(await readdir(join(out, 'articles')), [`${first.articles[0]!.id}.json`]);
  }

  test('ids survive a rename and a body edit (article with a URL)', async () => {
    await idsAfterChange(await readFile(VALID_SEED, 'utf8'));
  });

  test('ids survive a rename and a body edit (article without a URL)', async () => {
    await idsAfterChange(await readFile(join(SEEDS, '000_b432c1abbb87aceb.txt'), 'utf8'));
  });
});

// ---------------------------------------------------------------------------------------

describe('files that are not regular files are never followed or read', () => {
  test('a symbolic link to a file outside the content folder', async () => {
    const result = await ingestCase({}, async (dir, root) => {
      const outside = join(root, 'outside.txt');
      await copyFile(join(SEEDS, '000_b432c1abbb87aceb.txt'), outside);
      await symlink(outside, join(dir, 'link.txt'));
    });
    assert.match(errorOf(result.report, 'link.txt').message, /symbolic link/);
    assert.equal(result.report.inputs, 2);
    assert.equal(result.articles.length, 1);
  });

  test('a symbolic link to /dev/zero', async () => {
    const result = await ingestCase({}, (dir) => symlink('/dev/zero', join(dir, 'zero.txt')));
    assert.match(errorOf(result.report, 'zero.txt').message, /symbolic link/);
  });

  test('a symbolic link to a folder (a loop)', async () => {
    const result = await ingestCase({}, (dir) => symlink(dir, join(dir, 'loop')));
    assert.match(errorOf(result.report, 'loop').message, /symbolic link/);
    assert.equal(result.report.inputs, 2);
  });

  test('a dangling symbolic link', async () => {
    const result = await ingestCase({}, (dir) => symlink('/nonexistent/nowhere', join(dir, 'dangling.txt')));
    assert.match(errorOf(result.report, 'dangling.txt').message, /symbolic link/);
  });

  test('a named pipe does not hang the run', { timeout: 30_000 }, async () => {
    const result = await ingestCase({}, (dir) => {
      const made = spawnSync('mkfifo', [join(dir, 'pipe.txt')]);
      assert.equal(made.status, 0, String(made.stderr));
    });
    assert.match(errorOf(result.report, 'pipe.txt').message, /named pipe/);
  });

  test('a device file', { skip: process.getuid?.() !== 0 && 'needs root to mknod' }, async () => {
    const result = await ingestCase({}, (dir) => {
      const made = spawnSync('mknod', [join(dir, 'zero.txt'), 'c', '1', '5']);
      assert.equal(made.status, 0, String(made.stderr));
    });
    assert.match(errorOf(result.report, 'zero.txt').message, /device/);
  });

  test('a socket', async () => {
    const server = createServer();
    try {
      const result = await ingestCase({}, (dir) => {
        return new Promise<void>((resolveListen) => server.listen(join(dir, 'sock.txt'), () => resolveListen()));
      });
      assert.match(errorOf(result.report, 'sock.txt').message, /socket/);
    } finally {
      server.close();
    }
  });

  test('a file name that is not valid UTF-8', async () => {
    const result = await ingestCase({}, async (dir) => {
      await writeFile(Buffer.concat([Buffer.from(dir + '/bad-'), Buffer.from([0xff, 0xfe]), Buffer.from('.txt')]), 'x');
    });
    assert.equal(result.report.inputs, 2);
    const error = result.report.errors.find((e) => /bad-/.test(e.path));
    assert.ok(error);
    assert.match(error.message, /UTF-8/);
  });

  test('hidden files are ignored with a warning, not counted', async () => {
    const result = await ingestCase({ '.DS_Store': Buffer.from([0, 1, 2, 3]) });
    assert.equal(result.report.inputs, 1);
    assert.ok(result.report.warnings.some((w) => w.path === 'articles/.DS_Store'));
  });

  test('nested folders are read', async () => {
    const result = await ingestCase({ 'sub/dir/nested.txt': article('嵌套目录', PARAGRAPH) });
    assert.equal(articleOf(result, 'sub/dir/nested.txt').title, '嵌套目录');
  });
});

// ---------------------------------------------------------------------------------------

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix + entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(join(dir, entry.name), `${rel}/`)));
    else out.push(rel);
  }
  return out.sort();
}

/**
 * Byte-identical output folders. The cache's packs are named by run and thread, and hold
 * entries in the order the threads finished them: for those, the same entries.
 */
async function assertSameFolders(a: string, b: string): Promise<void> {
  const notPacks = (files: string[]): string[] => files.filter((f) => !f.startsWith('cache/packs/'));
  const filesA = notPacks(await listFiles(a));
  assert.deepEqual(filesA, notPacks(await listFiles(b)));
  for (const file of filesA) {
    assert.ok((await readFile(join(a, file))).equals(await readFile(join(b, file))), `${file} differs`);
  }
  const entries = async (out: string): Promise<Map<string, string>> => {
    const cache = { dir: join(out, 'cache'), salt: '', run: '' };
    const reader = new PackReader(cache);
    const bytes = new Map([...scanPacks(cache)].map(([key, at]) => [key, sha256(reader.bytes(at)!)]));
    reader.close();
    return bytes;
  };
  const entriesA = await entries(a);
  assert.ok(entriesA.size > 0);
  assert.deepEqual([...entriesA].sort(), [...(await entries(b))].sort());
}

describe('determinism', () => {
  test('one thread and two worker threads give byte-identical output', { timeout: 120_000 }, async () => {
    const { root, content, articles } = await contentFolder();
    for (const name of await readdir(SEEDS)) await copyFile(join(SEEDS, name), join(articles, `seed-${name}`));
    for (let i = 0; i < 16; i++) {
      await writeFile(
        join(articles, `gen-${String(i).padStart(2, '0')}.txt`),
        article(
          `第${i}篇`,
          `<p>第${i}篇文章的正文。</p>${PARAGRAPH}`,
          `2022-11-${String(1 + i).padStart(2, '0')}T08:00:00Z`,
        ),
      );
    }
    await writeFile(join(articles, 'dup.txt'), await readFile(join(SEEDS, '002_eebd5c2c698cc293.txt')));
    await writeFile(join(articles, 'empty.txt'), '');
    await writeFile(join(articles, 'deep-slash.txt'), article('深层嵌套', '<div/>'.repeat(100_000) + PARAGRAPH));
    await writeFile(join(articles, 'bad-date.txt'), article('日期', PARAGRAPH, '2022-02-30T10:00:00Z'));
    await writeFile(join(articles, 'evil.txt'), `---js\n1\n---\n${PARAGRAPH}`);
    await writeFile(join(articles, 'same-a.txt'), article('同一标题', '<p>甲。</p>'));
    await writeFile(join(articles, 'same-b.txt'), article('同一标题', '<p>乙。</p>'));
    const one = join(root, 'out-1');
    const two = join(root, 'out-2');
    const first = await runIngest({ contentDir: content, outDir: one, jobs: 1 });
    checkReport(first.report);
    assert.ok(first.report.inputs >= 16);
    const second = await runIngest({ contentDir: content, outDir: two, jobs: 2 });
    checkReport(second.report);
    await assertSameFolders(one, two);
    // A re-run into an existing output folder changes nothing either.
    await runIngest({ contentDir: content, outDir: two, jobs: 2 });
    await assertSameFolders(one, two);
    assert.deepEqual(
      (await listFiles(one)).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });
});

describe('workers', () => {
  test('a worker that dies costs only the file it was reading', { timeout: 120_000 }, async () => {
    const { articles } = await contentFolder();
    const names = Array.from({ length: 18 }, (_, i) => `gen-${String(i).padStart(2, '0')}.txt`);
    names.push('crash-exit.txt', 'crash-throw.txt');
    for (const [i, name] of names.entries()) {
      await writeFile(join(articles, name), article(`第${i}篇`, `<p>第${i}篇文章的正文。</p>${PARAGRAPH}`));
    }
    const jobs = names.map((name, index) => ({ index, path: `articles/${name}`, fullPath: join(articles, name) }));
    let done = 0;
    const outcomes = await runJobs(
      jobs,
      { events: [], defaultTimeZone: 'Asia/Shanghai' },
      2,
      () => done++,
      new URL('./fixtures/robustness/crashing-worker.js', import.meta.url),
    );
    assert.equal(done, jobs.length);
    assert.equal(outcomes.length, jobs.length);
    for (const [i, outcome] of outcomes.entries()) {
      assert.equal(outcome.index, i);
      if (names[i]!.startsWith('crash-')) {
        assert.equal(outcome.ok, false);
        assert.match(outcome.ok ? '' : outcome.message, /worker stopped/);
      } else assert.equal(outcome.ok, true, JSON.stringify(outcome));
    }
  });
});

describe('output', () => {
  test('no temporary files are left and stale articles are removed', async () => {
    const result = await ingestCase({}, async () => {});
    await writeFile(join(result.out, 'articles', 'stale.json'), '{}');
    await runIngest({ contentDir: result.content, outDir: result.out, jobs: 1 });
    const files = await listFiles(result.out);
    assert.deepEqual(
      files.filter((f) => f.endsWith('.tmp')),
      [],
    );
    assert.ok(!files.includes('articles/stale.json'));
    const report = JSON.parse(await readFile(join(result.out, 'report.json'), 'utf8')) as IngestReport;
    checkReport(report);
  });
});
