/** Helpers the outlet profiles share to read signs of an outlet in a document. */
import type { SourceDocument } from '../types.ts';

/** Every URL-ish string that names where the document came from. */
export function documentUrls(doc: SourceDocument): string[] {
  const fm = doc.frontMatter ?? {};
  const urls: string[] = [];
  for (const key of ['from', 'url', 'link', 'source', 'canonical', 'original', 'headimg', 'thumbnail']) {
    const value = fm[key];
    if (typeof value === 'string') urls.push(value);
  }
  if (doc.header?.url) urls.push(doc.header.url);
  return urls;
}

/**
 * Every outlet profile asks for the hosts of the same few URLs of each document: remembered
 * per thread (a bounded map), where parsing them again was ~1 % of the ingest's CPU.
 */
const hosts = new Map<string, string | null>();
export function hostOf(url: string): string | null {
  let host = hosts.get(url);
  if (host !== undefined) return host;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    host = null;
  }
  if (hosts.size >= 4096) hosts.clear();
  hosts.set(url, host);
  return host;
}

export function urlMatches(doc: SourceDocument, host: RegExp): boolean {
  return documentUrls(doc).some((u) => {
    const h = hostOf(u);
    return h !== null && host.test(h);
  });
}

export function frontMatterStrings(doc: SourceDocument, key: string): string[] {
  const value = doc.frontMatter?.[key];
  if (typeof value === 'string') return [value.trim()];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string').map((v) => v.trim());
  return [];
}

/** The first characters of the body's text, for datelines and bylines. */
export function bodyStart(doc: SourceDocument, length = 400): string {
  return doc.html
    .slice(0, length * 4)
    .replace(/<[^>]*>/g, ' ')
    .slice(0, length);
}
