/** Input formats: each module recognises its shape and splits it into metadata and body. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSource } from '../src/ingest/formats/index.ts';
import { ingestText } from './helpers.ts';

const body = '<div><p>第一段。</p><p>第二段，有一个<a href="https://example.com/">链接</a>。</p></div>';

describe('format detection', () => {
  it('front matter + HTML, with the blank line Hexo puts before the fence', () => {
    const doc = parseSource(`\n---\ntitle: '标题'\ndate: Sat, 19 Mar 2022 17:08:21 GMT\n---\n\n${body}`, 'a.txt');
    assert.equal(doc.format, 'frontmatter-html');
    assert.equal(doc.frontMatter?.['title'], '标题');
    assert.equal(doc.header, null);
    assert.equal(doc.bodyLine, 6);
  });
  it('headed markdown + HTML', () => {
    const doc = parseSource(
      `<!--1667227623000-->\n[标题：副题](https://www.dw.com/zh/x/a-1)\n------\n\n${body}`,
      'b.txt',
    );
    assert.equal(doc.format, 'headed-html');
    assert.deepEqual(doc.header, {
      capturedAtMs: 1667227623000,
      title: '标题：副题',
      url: 'https://www.dw.com/zh/x/a-1',
    });
  });
  it('front matter + headed markdown + HTML', () => {
    const doc = parseSource(
      `---\nlayout: post\ntitle: "标题"\ntags: [ 联合早报 ]\n---\n<!--1668473100000-->\n[标题](https://www.zaobao.com/x)\n------\n\n${body}`,
      'c.txt',
    );
    assert.equal(doc.format, 'frontmatter-headed-html');
    assert.deepEqual(doc.frontMatter?.['tags'], ['联合早报']);
    assert.equal(doc.header?.url, 'https://www.zaobao.com/x');
  });
  it('plain text, reflowed', () => {
    const doc = parseSource('第一段第一句。\n\n第二段。\n', 'd.txt');
    assert.equal(doc.format, 'plain-text');
    assert.deepEqual(doc.plain?.paragraphs, ['第一段第一句。', '第二段。']);
  });
  it('bare HTML falls back to the html format, titled by its first heading', () => {
    const article = ingestText(`<h1>一个标题</h1><p>2020年6月25日，正文第一句。</p>`);
    assert.equal(article.input.format, 'html');
    assert.equal(article.title, '一个标题');
    assert.equal(article.titleProvenance, 'body-heading');
    assert.equal(article.published, '2020-06-25T00:00:00+08:00');
    assert.equal(article.dateProvenance, 'body-text');
  });
  it('CRLF line ends read the same as LF', () => {
    const lf = `---\ntitle: 标题\ndate: 2022-11-15T00:45:00Z\n---\n${body}`;
    const a = ingestText(lf);
    const b = ingestText(lf.replace(/\n/g, '\r\n'));
    assert.equal(a.text, b.text);
    assert.equal(a.title, b.title);
  });
});
