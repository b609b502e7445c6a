// @ts-check
// What the site folder holds, hashed (see siteSignature in build.ts). Plain JavaScript, so
// that a worker thread can compute it without the TypeScript loader (signature-worker.js).
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The file whose presence says a build finished (build.ts MARKER): not part of the signature. */
export const MARKER = '.news-archive-build';

/**
 * Every file's path and size (the marker aside), hashed; '' when the folder cannot be read.
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
