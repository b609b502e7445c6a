/**
 * The profile of outlets we have no profile for: the outlet is named after the front
 * matter's `author` (mirrors put the outlet there) or the canonical URL's host, and the
 * article carries a warning so that someone adds a real profile.
 */
import type { Outlet } from '../../schema/article.ts';
import type { OutletProfile, SourceDocument } from '../types.ts';
import { documentUrls, frontMatterStrings, hostOf } from './shared.ts';

const GENERIC_HOST_PARTS = new Set(['www', 'm', 'cn', 'zh', 'news', 'com', 'net', 'org', 'co', 'gov', 'edu', 'cn']);

function hostId(host: string): string {
  const parts = host.split('.').filter((p) => !GENERIC_HOST_PARTS.has(p) && !/^[a-z]{2}$/.test(p));
  return (parts[parts.length - 1] ?? host).replace(/[^a-z0-9-]/g, '') || 'unknown';
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
