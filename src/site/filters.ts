/** Template filters that need code: JSON-LD, feed dates. Everything else is in data.ts. */

/** JSON for a `<script type="application/ld+json">` block: `<` escaped so no text can close it. */
export function jsonLd(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** JSON for a feed or data file (no HTML context). */
export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** `2022-11-15T00:45:00Z` → RFC 3339 in UTC, as Atom wants. */
export function rfc3339(iso: string): string {
  return new Date(iso).toISOString().replace('.000Z', 'Z');
}

/** Percent-encodes a URL's non-ASCII characters, as sitemaps and feeds want them. */
export function uri(value: string): string {
  return encodeURI(value);
}

export const siteFilters: Record<string, (...args: never[]) => unknown> = { jsonLd, json, rfc3339, uri };
