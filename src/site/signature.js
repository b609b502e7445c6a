// @ts-check
// What the site folder holds, hashed (see siteSignature in build.ts). Plain JavaScript, so
// that a worker thread can compute it without the TypeScript loader (signature-worker.js).
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Marks a folder as ours, so that a rebuild may empty it (and never a folder it did not
 * make); written when a build finishes. Not part of the signature.
 */
export const MARKER = '.news-archive-build';

/**
 * What the site folder holds: every file's path and size (the marker aside), hashed; ''
 * when the folder cannot be read. The state records it when a build ends; a folder that
 * does not match it (half deleted, edited, made by another archive folder) gets a full
 * build, while one restored from a cache of the same build (CI) still builds
 * incrementally.
 * @param {string} outDir
 * @returns {string}
 */
export function siteSignature(outDir) {
  const h = createHash('sha256');
  /** @type {string[]} */
  let entries = [];
  try {
    entries = readdirSync(outDir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && !(e.name === MARKER && e.parentPath === outDir))
      .map((e) => join(e.parentPath, e.name))
      .sort();
  } catch {
    return '';
  }
  for (const file of entries) h.update(`${relative(outDir, file)}\0${statSync(file).size}\n`);
  return h.digest('base64url');
}
