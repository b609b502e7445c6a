/**
 * `content/media/manifest.json`: what the image archiver knows about every image URL the
 * articles reference. Sorted by URL, keys in a fixed order, so that the file is
 * deterministic and diffs well when committed with the content.
 */
import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';

export interface ArchivedEntry {
  url: string;
  /** File name inside the media folder: `<sha256 of the bytes>.<ext>`. */
  file: string;
  /** MIME type, from the decoded image (never from the server's Content-Type). */
  type: string;
  width: number;
  height: number;
  bytes: number;
  fetchedAt: string;
}

export interface FailedEntry {
  url: string;
  /** The HTTP status when the server answered with an error, otherwise null. */
  status: number | null;
  reason: string;
  failedAt: string;
}

export type ManifestEntry = ArchivedEntry | FailedEntry;

export interface Manifest {
  version: 1;
  images: ManifestEntry[];
}

export const MANIFEST = 'manifest.json';

export function isArchived(entry: ManifestEntry): entry is ArchivedEntry {
  return 'file' in entry;
}

/** Reads a manifest; a missing or unreadable one is empty (never fails a build). */
export function readManifest(path: string): Manifest {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as Partial<Manifest>;
    const images = Array.isArray(data.images) ? data.images.filter(validEntry) : [];
    return { version: 1, images };
  } catch {
    return { version: 1, images: [] };
  }
}

function validEntry(e: unknown): e is ManifestEntry {
  if (typeof e !== 'object' || e === null) return false;
  const r = e as Record<string, unknown>;
  if (typeof r['url'] !== 'string') return false;
  if ('file' in r) {
    return (
      typeof r['file'] === 'string' &&
      /^[0-9a-f]{64}\.[a-z0-9]+$/.test(r['file']) &&
      Number.isInteger(r['width']) &&
      Number.isInteger(r['height'])
    );
  }
  return typeof r['reason'] === 'string';
}

function ordered(e: ManifestEntry): ManifestEntry {
  return isArchived(e)
    ? {
        url: e.url,
        file: e.file,
        type: e.type,
        width: e.width,
        height: e.height,
        bytes: e.bytes,
        fetchedAt: e.fetchedAt,
      }
    : { url: e.url, status: e.status, reason: e.reason, failedAt: e.failedAt };
}

export function serializeManifest(entries: Iterable<ManifestEntry>): string {
  const images = [...entries].map(ordered).sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
  return JSON.stringify({ version: 1, images }, null, 2) + '\n';
}

export async function writeManifest(path: string, entries: Iterable<ManifestEntry>): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, serializeManifest(entries));
  await rename(tmp, path);
}
