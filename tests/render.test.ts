/** The plain `text` of an article: one paragraph per block, lines kept apart inside blocks. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ingest } from './support/ingest.ts';

describe('render text', () => {
  it('puts list items, table rows and quoted paragraphs on lines of their own', () => {
    const { article } = ingest(
      'frontmatter-html',
      '<p>正文第一段。</p>' +
        '<table><tr><th>年份</th><th>数量</th></tr><tr><td>2022</td><td>16</td></tr></table>' +
        '<ul><li>第一项</li><li>第二项<ul><li>子项</li></ul></li></ul>' +
        '<blockquote><p>引文一。</p><p>引文二。</p></blockquote>',
    );
    assert.deepEqual(article.text.split('\n\n'), [
      '正文第一段。',
      '年份 数量\n2022 16',
      '第一项\n第二项\n子项',
      '引文一。\n引文二。',
    ]);
  });

  it('keeps a line break inside a paragraph and restores Chinese quotes', () => {
    const { article } = ingest('frontmatter-html', '<p>第一行<br>第二行</p><p>去年 " 云会晤 " 后。</p>');
    assert.equal(article.text, '第一行\n第二行\n\n去年“云会晤”后。');
  });
});
