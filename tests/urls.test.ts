/** URL clean-up: proxies unwrapped, relative URLs resolved, only http(s) kept. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { absoluteHttpUrl, canonicalUrl, isProxyUrl, unproxy } from '../src/ingest/text/urls.ts';

describe('unproxy', () => {
  it('unwraps the ZAKER CORS proxy', () => {
    assert.equal(
      unproxy('https://cors.zfour.workers.dev/?http://zkres1.myzaker.com/202111/a.jpg'),
      'http://zkres1.myzaker.com/202111/a.jpg',
    );
    assert.equal(
      unproxy('https://cors.zfour.workers.dev/?http%3A%2F%2Fzkres1.myzaker.com%2Fa.jpg'),
      'http://zkres1.myzaker.com/a.jpg',
    );
  });

  it('keeps the query string of the wrapped URL', () => {
    assert.equal(
      unproxy('https://cors.zfour.workers.dev/?http://zkres1.myzaker.com/a.jpg?w=640&h=480'),
      'http://zkres1.myzaker.com/a.jpg?w=640&h=480',
    );
  });

  it('unwraps images.weserv.nl with and without a slash before the query', () => {
    const want = 'https://static.dw.com/image/63613433_605.jpg';
    assert.equal(unproxy('https://images.weserv.nl/?url=static.dw.com/image/63613433_605.jpg'), want);
    assert.equal(unproxy('https://images.weserv.nl?url=static.dw.com/image/63613433_605.jpg'), want);
    assert.equal(unproxy('https://images.weserv.nl/?url=https://static.dw.com/image/63613433_605.jpg'), want);
    assert.equal(unproxy('//images.weserv.nl/?url=static.dw.com/image/63613433_605.jpg'), want);
    assert.equal(unproxy('https://images.weserv.nl/?url=static.dw.com%2Fimage%2F63613433_605.jpg&w=800'), want);
  });

  it('unwraps a proxy host however the URL parser would read it: case, escapes, full width, tabs', () => {
    const want = 'https://static.dw.com/image/1.jpg';
    for (const host of [
      'IMAGES.WESERV.NL',
      'images%2Eweserv%2Enl',
      'images.%77eserv.nl',
      'images.ｗｅｓｅｒｖ.nl',
      'images.wes\terv.nl',
    ]) {
      assert.equal(unproxy(`https://${host}/?url=static.dw.com/image/1.jpg`), want, host);
    }
  });

  it('unwraps nested proxies', () => {
    assert.equal(
      unproxy('https://cors.zfour.workers.dev/?https://images.weserv.nl/?url=static.dw.com/image/1.jpg'),
      'https://static.dw.com/image/1.jpg',
    );
    assert.equal(
      unproxy(
        'https://images.weserv.nl/?url=' +
          encodeURIComponent('https://cors.zfour.workers.dev/?http://zkres1.myzaker.com/a.jpg'),
      ),
      'http://zkres1.myzaker.com/a.jpg',
    );
  });

  it('leaves other URLs and unparsable values alone', () => {
    assert.equal(
      unproxy('https://example.com/?url=static.dw.com/x.jpg'),
      'https://example.com/?url=static.dw.com/x.jpg',
    );
    assert.equal(unproxy('a.jpg'), 'a.jpg');
    assert.equal(unproxy(' https://example.com/a.jpg '), 'https://example.com/a.jpg');
    assert.equal(unproxy('https://images.weserv.nl/'), 'https://images.weserv.nl/');
  });

  it('does not turn a proxied javascript: URL into a link', () => {
    const inner = unproxy('https://cors.zfour.workers.dev/?javascript:alert(1)');
    assert.equal(absoluteHttpUrl(inner, null), null);
  });

  it('knows the proxies', () => {
    assert.equal(isProxyUrl('https://images.weserv.nl/?url=x'), true);
    assert.equal(isProxyUrl('https://IMAGES.WESERV.NL?url=x'), true);
    assert.equal(isProxyUrl('https://example.com/'), false);
    assert.equal(isProxyUrl('not a url'), false);
  });
});

describe('absoluteHttpUrl', () => {
  const base = 'https://www.zaobao.com.sg/news/china/story20221115-1';

  it('resolves relative URLs against the base', () => {
    assert.equal(absoluteHttpUrl('/sites/a.jpg', base), 'https://www.zaobao.com.sg/sites/a.jpg');
    assert.equal(absoluteHttpUrl('a.jpg', base), 'https://www.zaobao.com.sg/news/china/a.jpg');
    assert.equal(absoluteHttpUrl('../x', base), 'https://www.zaobao.com.sg/news/x');
  });

  it('resolves protocol-relative URLs, with or without a base', () => {
    assert.equal(absoluteHttpUrl('//static.dw.com/a.jpg', base), 'https://static.dw.com/a.jpg');
    assert.equal(absoluteHttpUrl('//static.dw.com/a.jpg', null), 'https://static.dw.com/a.jpg');
    assert.equal(absoluteHttpUrl('//static.dw.com/a.jpg', 'http://example.com/'), 'http://static.dw.com/a.jpg');
  });

  it('keeps http(s) whatever the case of the scheme', () => {
    assert.equal(absoluteHttpUrl('HTTPS://EXAMPLE.COM/x', null), 'https://example.com/x');
    assert.equal(absoluteHttpUrl('HTTP://example.com/a.jpg', base), 'http://example.com/a.jpg');
  });

  it('refuses every other scheme, however it is disguised', () => {
    for (const value of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'java\nscript:alert(1)',
      'java\tscript:alert(1)',
      ' javascript:alert(1)',
      '\u0000javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'data:image/png;base64,iVBORw0KGgo=',
      'mailto:a@example.com',
      'vbscript:msgbox(1)',
      'ftp://example.com/a',
      'file:///etc/passwd',
      'about:blank',
    ]) {
      assert.equal(absoluteHttpUrl(value, base), null, JSON.stringify(value));
      assert.equal(absoluteHttpUrl(value, null), null, JSON.stringify(value));
    }
  });

  it('refuses empty values, fragments and relative URLs without a base', () => {
    for (const value of [null, undefined, '', '   ', '#top', 'a.jpg', '/a.jpg', 'http://']) {
      assert.equal(absoluteHttpUrl(value, null), null, String(value));
    }
    assert.equal(absoluteHttpUrl('#top', base), null);
  });

  it('gives canonical URLs only for strings that are http(s) URLs', () => {
    assert.equal(canonicalUrl('https://www.dw.com/zh/a-1'), 'https://www.dw.com/zh/a-1');
    assert.equal(canonicalUrl('javascript:alert(1)'), null);
    assert.equal(canonicalUrl(42), null);
    assert.equal(canonicalUrl(null), null);
  });
});
