/**
 * Incremental builds: which pages a build must render.
 *
 * Every paginated page gets a fingerprint, a hash of exactly the data its template shows
 * (for an article page, that data holds the hash of its source file, which with the ingest
 * version settles the body it shows). A build keeps the fingerprints of the pages it wrote; the next build renders only
 * the pages whose fingerprint changed or that are new, deletes those that no longer exist,
 * and renders the few fixed pages (home, feeds, indexes) every time. Whatever can change
 * every page at once (templates, styles, the site code, dependencies, the content data
 * files, the image archive, the ingest version, the path prefix and site URL) goes into the build key: when the
 * key changes, the build is a full one.
 *
 * The state is kept in the archive folder, not in the published site, with a signature of
 * what the site folder held when the build ended (siteSignature in signature.js): a site folder
 * that does not match it gets a full build.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { SiteData } from './data.ts';

export interface BuildState {
  /** Hash of everything that can change every page. */
  key: string;
  /** What the site folder held when the build ended (siteSignature in signature.js). */
  site: string;
  /** Page URL → fingerprint of its data. */
  pages: Record<string, string>;
  /** Article id → signature of its normalized file (what `/data/articles/` publishes). */
  data: Record<string, string>;
}

function hash(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 22);
}

/** Hash of the files under each path (recursively), by relative name and content. */
export function hashTree(root: string, paths: string[]): string {
  const h = createHash('sha256');
  for (const path of paths) {
    const full = join(root, path);
    let files: string[];
    try {
      files = statSync(full).isDirectory()
        ? readdirSync(full, { recursive: true, withFileTypes: true })
            .filter((e) => e.isFile())
            .map((e) => join(e.parentPath, e.name))
            .sort()
        : [full];
    } catch {
      files = [];
    }
    for (const file of files)
      h.update(`${relative(root, file)}\0`)
        .update(readFileSync(file))
        .update('\0');
  }
  return h.digest('base64url');
}

/** Fingerprint of every paginated page of the view model, by URL. */
export function pageFingerprints(site: SiteData): Map<string, string> {
  const out = new Map<string, string>();
  // The article's data holds its source file's hash (`input.sha256`): with the ingest version
  // (in the build key) that settles its body.
  for (const a of site.articles) out.set(a.path, hash(JSON.stringify(a)));
  for (const m of site.months) out.set(m.url, hash(JSON.stringify(m)));
  // A year page shows its months' calendars and counts, not their article lists.
  for (const y of site.years)
    out.set(y.url, hash(JSON.stringify({ ...y, months: y.months.map((m) => ({ ...m, days: null })) })));
  for (const e of site.events) out.set(e.url, hash(JSON.stringify(e)));
  // A listing page shows its own items and its owner's facts, not the owner's other pages.
  for (const p of site.sourcePages)
    out.set(p.url, hash(JSON.stringify({ ...p, source: { ...p.source, pages: null } })));
  for (const p of site.tagPages) out.set(p.url, hash(JSON.stringify({ ...p, tag: { ...p.tag, pages: null } })));
  for (const p of site.topicPages) out.set(p.url, hash(JSON.stringify({ ...p, topic: { ...p.topic, pages: null } })));
  return out;
}

export function readState(path: string): BuildState | null {
  try {
    const state = JSON.parse(readFileSync(path, 'utf8')) as BuildState;
    return typeof state.key === 'string' && typeof state.site === 'string' && state.pages && state.data ? state : null;
  } catch {
    return null;
  }
}
