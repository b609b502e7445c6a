/**
 * URL clean-up: unwrap image proxies, resolve relative and protocol-relative URLs, and keep
 * only http(s) URLs.
 */

/**
 * Proxies that wrap the real URL. `cors.zfour.workers.dev/?http://…` carries the URL as the
 * whole query; `images.weserv.nl/?url=host/path` carries it in `url`, without a scheme.
 */
const PROXIES: Array<{ host: RegExp; extract: (u: URL) => string | null }> = [
  { host: /^cors\.zfour\.workers\.dev$/i, extract: (u) => decodeQuery(u.search.slice(1)) },
  { host: /^images\.weserv\.nl$/i, extract: (u) => u.searchParams.get('url') },
  {
    host: /^(?:[\w-]+\.)?(?:corsproxy\.io|cors-anywhere\.herokuapp\.com)$/i,
    extract: (u) => decodeQuery(u.pathname.slice(1) + u.search),
  },
];

function decodeQuery(q: string): string | null {
  if (!q) return null;
  if (/^https?%3A/i.test(q)) {
    try {
      return decodeURIComponent(q);
    } catch {
      return null;
    }
  }
  return q;
}

export function isProxyUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return PROXIES.some((p) => p.host.test(u.hostname));
  } catch {
    return false;
  }
}

/**
 * A URL that cannot name a proxy host: printable ASCII without `%` (the URL parser decodes
 * percent escapes and maps full-width letters in a host, and drops tabs and newlines) and
 * without any proxy's name in it. Most image and link URLs are, and skip parsing here.
 */
const NOT_A_PROXY = /^(?![^]*(?:zfour|weserv|corsproxy|cors-anywhere))[\x20-\x24\x26-\x7e]*$/i;

/** Returns the URL a proxy URL points at (recursively), or the URL itself. */
export function unproxy(value: string): string {
  if (NOT_A_PROXY.test(value)) return value.trim();
  let current = value.trim();
  for (let depth = 0; depth < 5; depth++) {
    let u: URL;
    try {
      // Mirrors also write the proxy protocol-relative (`//images.weserv.nl/?url=…`).
      u = new URL(current.startsWith('//') ? `https:${current}` : current);
    } catch {
      return current;
    }
    const proxy = PROXIES.find((p) => p.host.test(u.hostname));
    if (!proxy) return current;
    const inner = proxy.extract(u);
    if (!inner) return current;
    current = /^[a-z][a-z0-9+.-]*:/i.test(inner)
      ? inner
      : inner.startsWith('//')
        ? `https:${inner}`
        : `https://${inner.replace(/^\/+/, '')}`;
  }
  return current;
}

/**
 * Resolves `value` against `base` and returns an absolute http(s) URL, or null for anything
 * else (javascript:, data:, mailto:, unparsable). Scheme checks are case-insensitive because
 * URL parsing lower-cases the scheme.
 */
export function absoluteHttpUrl(value: string | null | undefined, base: string | null): string | null {
  if (!value) return null;
  // Browsers drop control characters inside URLs (`java\nscript:`), so we do too before checking.
  // eslint-disable-next-line no-control-regex
  const trimmed = value.trim().replace(/[\u0000-\u001f\u007f]/g, '');
  if (trimmed === '' || trimmed.startsWith('#')) return null;
  let u: URL;
  try {
    u = base ? new URL(trimmed, base) : new URL(trimmed.startsWith('//') ? `https:${trimmed}` : trimmed);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  return u.href;
}

/** The canonical URL of an article, normalized but otherwise as given. */
export function canonicalUrl(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  return absoluteHttpUrl(value, null);
}
