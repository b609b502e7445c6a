// @ts-check
// What the site folder holds, hashed (see siteSignature in build.ts). Plain JavaScript, so
// that a worker thread can compute it without the TypeScript loader (signature-worker.js).
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, statSync } from 'node:fs';
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
  const files = siteFiles(outDir);
  return files ? signatureOfFiles(files) : '';
}

/**
 * The site folder's files (the marker aside), each as its path in the folder and its size;
 * only those under the top folder `only`, or all but those under `except`; null when the
 * folder cannot be read. A build lists the pages' files while its search index is still
 * being written, and that index's folder once it is (see signatureOfFiles).
 * @param {string} outDir
 * @param {{ only?: string, except?: string }} [part]
 * @returns {Array<[string, number]> | null}
 */
export function siteFiles(outDir, part = {}) {
  /** @type {Array<[string, number]>} */
  const files = [];
  try {
    const top = part.only !== undefined ? [part.only] : readdirSync(outDir).filter((name) => name !== part.except);
    for (const name of top) {
      const path = join(outDir, name);
      // lstat, as the walk below: a link is not followed.
      const stat = lstatSync(path, { throwIfNoEntry: false });
      if (!stat) continue;
      if (!stat.isDirectory()) {
        if (stat.isFile() && name !== MARKER) files.push([name, stat.size]);
        continue;
      }
      for (const e of readdirSync(path, { recursive: true, withFileTypes: true })) {
        if (!e.isFile()) continue;
        const file = join(e.parentPath, e.name);
        files.push([relative(outDir, file), statSync(file).size]);
      }
    }
  } catch {
    return null;
  }
  return files;
}

/**
 * The signature of the files of one or more listings of a folder (siteFiles): the same,
 * whatever parts they were listed in.
 * @param {...Array<[string, number]>} listings
 * @returns {string}
 */
export function signatureOfFiles(...listings) {
  const files = listings.flat().sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const h = createHash('sha256');
  for (const [path, size] of files) h.update(`${path}\0${size}\n`);
  return h.digest('base64url');
}
