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

/** Each paginated page of the view model, by URL, with the data its fingerprint is of. */
function* pageData(site: SiteData): Generator<[url: string, data: unknown]> {
  // The article's data holds its source file's hash (`input.sha256`): with the ingest version
  // (in the build key) that settles its body.
  for (const a of site.articles) yield [a.path, a];
  for (const m of site.months) yield [m.url, m];
  // A year page shows its months' calendars and counts, not their article lists.
  for (const y of site.years) yield [y.url, { ...y, months: y.months.map((m) => ({ ...m, days: null })) }];
  for (const e of site.events) yield [e.url, e];
  // A listing page shows its own items and its owner's facts, not the owner's other pages.
  for (const p of site.sourcePages) yield [p.url, { ...p, source: { ...p.source, pages: null } }];
  for (const p of site.tagPages) yield [p.url, { ...p, tag: { ...p.tag, pages: null } }];
  for (const p of site.topicPages) yield [p.url, { ...p, topic: { ...p.topic, pages: null } }];
}

/** Pages fingerprinted between two turns of the event loop (see pageFingerprints). */
const FINGERPRINTS_PER_TURN = 256;

/**
 * Fingerprint of every paginated page of the view model, by URL. It lets the event loop run
 * every FINGERPRINTS_PER_TURN pages: this takes ~1.3 s of the main thread at 10k articles,
 * and the search index's merge, the last step of a new article's build, starts on the
 * main thread's turns meanwhile (held for all of it, the merge started ~1.2 s later).
 */
export async function pageFingerprints(site: SiteData): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [url, data] of pageData(site)) {
    out.set(url, hash(JSON.stringify(data)));
    if (out.size % FINGERPRINTS_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
  }
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
