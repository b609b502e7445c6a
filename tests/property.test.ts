/**
 * Property tests: arbitrary (often broken, often hostile) HTML bodies in every input format.
 * Ingest either refuses the file with an InputError or returns a valid article whose `html`
 * holds nothing outside the sanitize allow-list.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError } from '../src/ingest/article.ts';
import { ArticleSchema } from '../src/schema/article.ts';
import { FORMAT_NAMES, htmlProblems, ingest } from './support/ingest.ts';

const TAGS = [
  'p',
  'div',
  'span',
  'a',
  'img',
  'b',
  'strong',
  'i',
  'em',
  'small',
  'br',
  'h1',
  'h2',
  'h3',
  'ul',
  'ol',
  'li',
  'table',
  'tr',
  'td',
  'th',
  'figure',
  'figcaption',
  'blockquote',
  'time',
  'cite',
  'script',
  'style',
  'noscript',
  'iframe',
  'svg',
  'math',
  'template',
  'object',
  'embed',
  'form',
  'input',
  'meta',
  'base',
  'link',
  'textarea',
  'select',
  'option',
  'xmp',
  'video',
  'details',
  'section',
  'font',
  'mglyph',
  'mtext',
  'title',
  'body',
  'html',
  'head',
  'frameset',
];

const SCHEMES = [
  'http://',
  'https://',
  'HTTPS://',
  'javascript:',
  'JaVaScRiPt:',
  'java\nscript:',
  '&#106;avascript:',
  'data:text/html,',
  'data:image/png;base64,',
  'vbscript:',
  'mailto:',
  '//',
  '/',
  '',
  ' javascript:',
  'ftp://',
  'file:///',
];

const TEXTS = [
  '习近平同美国总统拜登举行视频会晤',
  '新华社记者 黄敬文 摄',
  '“云会晤”',
  ' " 云会晤 " ',
  '於丶',
  'alert(1)',
  'hello world',
  '&amp;',
  '&lt;script&gt;',
  '&#x3C;img&#x3E;',
  '&nbsp;',
  '&bogus;',
  '&#0;',
  '\u202e',
  '\u0001',
  '2022-10-31T14:28:57.672Z',
  '11月16日上午',
  '■ 新华社',
  '<',
  '>',
  '"',
  "'",
  '\n\n',
  '<!--',
  '-->',
  ']]>',
  '　',
];

const attrName = fc.constantFrom(
  'href',
  'src',
  'style',
  'onerror',
  'onload',
  'onclick',
  'ONMOUSEOVER',
  'class',
  'id',
  'alt',
  'title',
  'width',
  'height',
  'data-original',
  'data-src',
  'srcset',
  'xlink:href',
  'formaction',
  'datetime',
  'http-equiv',
  'content',
  'name',
  'rel',
  'target',
  'colspan',
);
const attrValue = fc.oneof(
  fc
    .tuple(fc.constantFrom(...SCHEMES), fc.constantFrom('example.com/a.jpg', 'alert(1)', 'x', ''))
    .map(([s, r]) => s + r),
  fc.constantFrom('color:red', 'alert(1)', '0;url=javascript:alert(1)', '100', '-1', ''),
  fc.string({ maxLength: 8 }),
);
const quote = fc.constantFrom('"', "'", '');
const attribute = fc
  .tuple(attrName, attrValue, quote)
  .map(([n, v, q]) => (q ? `${n}=${q}${v.replaceAll(q, '')}${q}` : `${n}=${v.replace(/[\s>]/g, '')}`));

const text = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...TEXTS) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  {
    weight: 1,
    arbitrary: fc.string({
      unit: fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((c) => String.fromCharCode(c)),
      maxLength: 30,
    }),
  },
);

const { node } = fc.letrec<{ node: string; element: string }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, text, tie('element'), tie('element')),
  element: fc
    .tuple(
      fc.constantFrom(...TAGS),
      fc.array(attribute, { maxLength: 3 }),
      fc.array(tie('node'), { maxLength: 4 }),
      fc.constantFrom('close', 'close', 'close', 'unclosed', 'self'),
    )
    .map(([tag, attrs, children, end]) => {
      const open = `<${tag}${attrs.map((a) => ` ${a}`).join('')}${end === 'self' ? ' /' : ''}>`;
      return open + children.join('') + (end === 'close' ? `</${tag}>` : '');
    }),
}));

const RUNS = 300;

const body = fc.array(node, { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));

for (const format of FORMAT_NAMES) {
  describe(`ingest properties (${format})`, () => {
    // Kept out of the generator so that it does not hide every other counterexample.
    it('refuses a NUL in UTF-8 text with InputError, if at all', () => {
      try {
        ingest(format, '<p>\u0000</p><p>习近平同美国总统拜登举行视频会晤。</p>');
      } catch (err) {
        assert.ok(err instanceof InputError, `threw ${String(err)}`);
      }
    });

    it('refuses with InputError or returns a valid, sanitized article', () => {
      let accepted = 0;
      fc.assert(
        fc.property(body, (html) => {
          let article;
          try {
            article = ingest(format, html).article;
          } catch (err) {
            if (err instanceof InputError) return;
            throw err;
          }
          accepted++;
          const parsed = ArticleSchema.safeParse(article);
          assert.ok(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues[0]));
          assert.deepEqual(htmlProblems(article.html, { tagsOnly: true }), [], article.html);
          assert.doesNotThrow(() => JSON.parse(JSON.stringify(article)));
        }),
        { numRuns: RUNS, seed: Number(process.env['FC_SEED'] ?? 20221115) },
      );
      // A generator whose bodies were all refused would prove nothing about sanitizing.
      assert.ok(accepted > RUNS * 0.3, `only ${accepted} of ${RUNS} bodies became articles`);
    });
  });
}
