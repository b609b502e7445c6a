/**
 * Hostile article bodies through the whole ingest, in each input format: the sanitized
 * `html` keeps only allow-listed elements and attributes, only http(s) URLs, and no text of
 * elements that are never content (style, noscript, script).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FORMAT_NAMES, elementsIn, htmlProblems, ingest, type FormatName } from './support/ingest.ts';

const FILLER = '<p>正文第一段，这是一段足够长的新闻文字。</p>';

const HOSTILE: Array<[string, string]> = [
  ['script tag', '<script>alert(1)</script><p>脚本之后的文字。</p>'],
  ['script with src', '<p>甲<script src="https://evil.example/x.js"></script>乙</p>'],
  ['img onerror', '<img src=x onerror=alert(1)><p>图片之后。</p>'],
  ['img onerror absolute', '<img src="https://example.com/a.jpg" onerror="alert(1)" onload="alert(2)">'],
  ['javascript: link', '<p><a href="javascript:alert(1)">点我</a></p>'],
  ['mixed-case scheme', '<p><a href="JaVaScRiPt:alert(1)">点我</a></p>'],
  ['newline in scheme', '<p><a href="java\nscript:alert(1)">点我</a></p>'],
  ['tab in scheme', '<p><a href="java\tscript:alert(1)">点我</a></p>'],
  ['entity in scheme', '<p><a href="&#106;avascript:alert(1)">点我</a></p>'],
  ['hex entity scheme', '<p><a href="&#x6A;&#x61;vascript&#x3A;alert(1)">点我</a></p>'],
  ['leading space scheme', '<p><a href="  javascript:alert(1)">点我</a></p>'],
  ['vbscript', '<p><a href="vbscript:msgbox(1)">点我</a></p>'],
  ['data: link', '<p><a href="data:text/html,<script>alert(1)</script>">点我</a></p>'],
  ['data: base64 link', '<p><a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">点我</a></p>'],
  ['data: image', '<img src="data:image/svg+xml,<svg onload=alert(1)>"><p>图片。</p>'],
  ['data: image png', '<p>甲<img src="data:image/png;base64,iVBORw0KGgo=">乙</p>'],
  ['svg onload', '<svg onload=alert(1)><circle r="1"/></svg><p>矢量图之后。</p>'],
  ['svg script', '<svg><script>alert(1)</script><a xlink:href="javascript:alert(1)">x</a></svg>'],
  ['iframe', '<iframe src="https://evil.example/"></iframe><p>框架之后。</p>'],
  ['iframe srcdoc', '<iframe srcdoc="<script>alert(1)</script>"></iframe>'],
  ['object', '<object data="https://evil.example/x.swf"><param name=a value=b></object>'],
  ['embed', '<embed src="https://evil.example/x.swf">'],
  ['style attribute', '<p style="background:url(javascript:alert(1))">有样式的段落。</p>'],
  ['style on span', '<p><span style="color:red">红字</span>文字。</p>'],
  ['form', '<form action="https://evil.example/"><input name=a value="表单值"><button>提交</button></form>'],
  ['formaction', '<p><button formaction="javascript:alert(1)">按钮</button></p>'],
  ['meta refresh', '<meta http-equiv="refresh" content="0;url=javascript:alert(1)"><p>元数据之后。</p>'],
  ['base href', '<base href="https://evil.example/"><p><a href="/x">相对链接</a></p>'],
  ['link import', '<link rel="import" href="https://evil.example/x.html">'],
  [
    'math mXSS',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
  ],
  ['math href', '<math href="javascript:alert(1)"><mi>x</mi></math>'],
  ['template mXSS', '<template><img src=x onerror=alert(1)></template><p>模板之后。</p>'],
  ['noscript mXSS', '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>'],
  ['svg style mXSS', '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">'],
  ['comment breakout', '<!--><img src=x onerror=alert(1)>--><p>注释。</p>'],
  ['textarea', '<textarea><img src=x onerror=alert(1)></textarea>'],
  ['select', '<select><option>选项</option></select>'],
  [
    'a with target and ping',
    '<p><a href="https://example.com/" target="_blank" ping="https://evil.example/">链接</a></p>',
  ],
  [
    'id and class clobbering',
    '<p id="cookie" class="x" name="forms">文字。</p><img name="getElementById" src="https://example.com/a.jpg">',
  ],
  ['srcset', '<img src="https://example.com/a.jpg" srcset="javascript:alert(1) 1x">'],
  ['video', '<video src="https://example.com/v.mp4" poster="javascript:alert(1)"></video><p>视频。</p>'],
  ['details ontoggle', '<details open ontoggle=alert(1)><summary>摘要</summary>内容</details>'],
  ['marquee', '<marquee onstart=alert(1)>跑马灯</marquee>'],
  ['body onload', '<body onload=alert(1)><p>正文。</p>'],
  ['unclosed script', '<p>文字。</p><script>alert(1)'],
  ['unclosed attribute', '<p>文字。</p><img src="https://example.com/a.jpg" onerror="alert(1)'],
  ['table with handlers', '<table onclick="alert(1)"><tr><td style="x" onmouseover="alert(1)">格</td></tr></table>'],
  [
    'markup in alt and title',
    '<p><a href="https://example.com/" title="<script>alert(1)</script>">链接</a></p><img src="https://example.com/a.jpg" alt="<img src=x onerror=alert(1)>">',
  ],
  ['time with a script datetime', '<p><time datetime="javascript:alert(1)">11月15日</time>。</p>'],
  ['list with handlers', '<ul onclick="alert(1)"><li style="x">一</li></ul>'],
];

const TEXT_NEVER_CONTENT: Array<[string, string, string]> = [
  ['style', '<style>body{color:red}</style>', 'color:red'],
  ['noscript', '<noscript>secret</noscript>', 'secret'],
  ['script', '<script>var leaked = 1;</script>', 'leaked'],
  ['template', '<template>hidden template text</template>', 'hidden template'],
  ['textarea', '<textarea>typed secret</textarea>', 'typed secret'],
  ['title', '<title>page title text</title>', 'page title'],
  ['iframe', '<iframe>iframe fallback secret</iframe>', 'iframe fallback'],
  ['noembed', '<noembed>noembed secret</noembed>', 'noembed secret'],
  ['noframes', '<noframes>noframes secret</noframes>', 'noframes secret'],
  ['select', '<select><option>option secret</option></select>', 'option secret'],
  ['svg title', '<svg><title>svg secret</title><text>svg text</text></svg>', 'svg'],
];

function ingestOrThrowClean(format: FormatName, body: string): { html: string; text: string } | null {
  try {
    return ingest(format, body).article;
  } catch (err) {
    // Refusing a hostile file is fine; crashing on it is not.
    assert.equal((err as Error).name, 'InputError', `unexpected ${String(err)}`);
    return null;
  }
}

for (const format of FORMAT_NAMES) {
  describe(`sanitize (${format})`, () => {
    for (const [name, payload] of HOSTILE) {
      it(`neutralises ${name}`, () => {
        const article = ingestOrThrowClean(format, FILLER + payload);
        assert.ok(article, 'a body with real text should still ingest');
        assert.deepEqual(htmlProblems(article.html), [], article.html);
        assert.doesNotMatch(article.text, /alert\(/);
      });
    }

    for (const [name, payload, secret] of TEXT_NEVER_CONTENT) {
      it(`drops the text of <${name}>`, () => {
        const article = ingestOrThrowClean(format, FILLER + payload);
        assert.ok(article);
        assert.ok(!article.html.includes(secret), `html leaks "${secret}": ${article.html}`);
        assert.ok(!article.text.includes(secret), `text leaks "${secret}": ${article.text}`);
      });
    }

    it('shows the text of <xmp> only as escaped text', () => {
      // <xmp> is raw text: a browser displays its markup literally, so it may stay as text.
      const article = ingestOrThrowClean(format, FILLER + '<xmp><img src=x onerror=alert(1)></xmp>');
      assert.ok(article);
      assert.deepEqual(htmlProblems(article.html), [], article.html);
      assert.doesNotMatch(article.html, /<img/);
    });

    it('keeps http(s) links and images whatever the case of the scheme', () => {
      const article = ingestOrThrowClean(
        format,
        FILLER +
          '<p>见<a href="HTTPS://EXAMPLE.COM/x">报道</a>和<a href="Http://example.org/y">另一篇</a>。</p>' +
          '<figure><img src="HTTP://example.com/photo.jpg" alt="照片"><figcaption>图片说明文字</figcaption></figure>',
      );
      assert.ok(article);
      const els = elementsIn(article.html);
      const hrefs = els.filter((e) => e.tagName === 'a').map((e) => String(e.properties['href']));
      assert.deepEqual(hrefs, ['https://example.com/x', 'http://example.org/y']);
      const srcs = els.filter((e) => e.tagName === 'img').map((e) => String(e.properties['src']));
      assert.deepEqual(srcs, ['http://example.com/photo.jpg']);
      assert.deepEqual(htmlProblems(article.html), []);
    });

    it('keeps tables, lists, figures, time, cite, small, b and strong', () => {
      const article = ingestOrThrowClean(
        format,
        FILLER +
          '<table><thead><tr><th>年份</th><th>数量</th></tr></thead><tbody><tr><td>2022</td><td>16</td></tr></tbody></table>' +
          '<ul><li>第一项</li><li>第二项</li></ul><ol><li>甲</li></ol>' +
          '<figure><img src="https://example.com/a.jpg" alt="说明"><figcaption>会晤现场照片</figcaption></figure>' +
          '<p>发布于<time datetime="2022-11-15T00:45:00Z">11月15日</time>，引自<cite>人民日报</cite>，' +
          '<small>小字附注</small>，<b>加粗文字</b>与<strong>强调文字</strong>。</p>',
      );
      assert.ok(article);
      const tags = new Set(elementsIn(article.html).map((e) => e.tagName));
      for (const tag of [
        'table',
        'thead',
        'tbody',
        'tr',
        'th',
        'td',
        'ul',
        'ol',
        'li',
        'figure',
        'figcaption',
        'img',
      ]) {
        assert.ok(tags.has(tag), `<${tag}> lost: ${article.html}`);
      }
      for (const tag of ['time', 'cite', 'small', 'b', 'strong']) {
        assert.ok(tags.has(tag), `<${tag}> lost: ${article.html}`);
      }
      assert.match(article.html, /<time datetime="2022-11-15T00:45:00Z">/);
      for (const words of ['加粗文字', '强调文字', '人民日报', '小字附注', '会晤现场照片', '第二项', '2022']) {
        assert.ok(article.html.includes(words), `"${words}" lost from html`);
      }
      for (const words of ['加粗文字', '强调文字', '第二项']) {
        assert.ok(article.text.includes(words), `"${words}" lost from text`);
      }
      assert.deepEqual(htmlProblems(article.html), []);
    });
  });
}

describe('htmlProblems (the checker itself)', () => {
  it('flags what it is meant to flag', () => {
    const bad = [
      '<script>alert(1)</script>',
      '<p onclick="x">a</p>',
      '<a href="javascript:alert(1)">a</a>',
      '<img src="data:image/png;base64,AAAA">',
      '<p style="color:red">a</p>',
      '<div>a</div>',
      '<p class="x">a</p>',
      '<a href="mailto:a@example.com">a</a>',
      '<img src="https://example.com/a.jpg" alt="<script>">',
    ];
    for (const html of bad) {
      assert.notDeepEqual(htmlProblems(html), [], html);
      assert.notDeepEqual(htmlProblems(html, { tagsOnly: true }), [], html);
    }
    assert.deepEqual(
      htmlProblems('<p>a <a href="https://example.com/">b</a></p><img src="http://x.org/a.jpg" alt="onerror=1">'),
      [],
    );
  });
});
