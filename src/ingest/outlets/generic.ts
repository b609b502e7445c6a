/**
 * The profile of outlets we have no profile for: the outlet is named after the front
 * matter's `author` (mirrors put the outlet there) or the canonical URL's host, and the
 * article carries a warning so that someone adds a real profile.
 */
import type { Outlet } from '../../schema/article.ts';
import type { OutletProfile, SourceDocument } from '../types.ts';
import { documentUrls, frontMatterStrings, hostOf } from './shared.ts';

/** Labels that name a country, a language edition or a section, never the site. */
const GENERIC_HOST_PARTS = new Set(['www', 'm', 'cn', 'zh', 'news', 'mobile', 'amp', 'big5', 'gb']);
/** Second-level suffixes under a country code (`rti.org.tw`, `bbc.co.uk`). */
const SECOND_LEVEL = new Set(['com', 'net', 'org', 'co', 'gov', 'edu', 'ac']);
/** Hosting platforms: the site is the label before them (`wqw2010.blogspot.com`). */
const PLATFORMS = new Set(['blogspot', 'wordpress', 'substack', 'medium', 'github', 'tumblr']);

function hostId(host: string): string {
  const labels = host.split('.');
  labels.pop(); // the top-level domain
  if (labels.length > 1 && SECOND_LEVEL.has(labels[labels.length - 1]!)) labels.pop();
  if (labels.length > 1 && PLATFORMS.has(labels[labels.length - 1]!)) labels.pop();
  const site = labels.filter((l) => !GENERIC_HOST_PARTS.has(l)).pop() ?? labels.pop() ?? host;
  return site.replace(/[^a-z0-9-]/g, '') || 'unknown';
}

/** Names the unknown outlet of a document from what it says about itself. */
export function genericOutlet(doc: SourceDocument): Outlet {
  const author = frontMatterStrings(doc, 'author').find((a) => a && !/^unknown$/i.test(a));
  const url = documentUrls(doc).find((u) => hostOf(u));
  const host = url ? hostOf(url) : null;
  const id = host ? hostId(host) : 'unknown';
  const name = author ?? host ?? 'Unknown outlet';
  return { id, name, nameZh: name };
}

export const generic: OutletProfile = {
  outlet: { id: 'unknown', name: 'Unknown outlet', nameZh: '未知来源' },
  timeZone: 'Asia/Shanghai',
  detect: () => ({ score: 0.01, reason: 'no outlet profile matched' }),
};
