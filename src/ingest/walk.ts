/**
 * Lists the input files under a folder, recursively, in a stable order. Never follows a
 * symbolic link and never opens anything but a regular file: links, devices, pipes and
 * sockets are reported, not read (a link could point outside the content folder, a pipe
 * would block the run). An entry that cannot be looked at is reported too, so that one odd
 * file never stops the whole run.
 */
import type { Dirent, Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export interface WalkResult {
  files: string[];
  rejected: Array<{ path: string; message: string }>;
  ignored: string[];
}

function kindOf(stats: Stats): string {
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Code-unit order, not `localeCompare`: the order must not depend on the machine's locale. */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export async function walk(root: string, base: string): Promise<WalkResult> {
  const result: WalkResult = { files: [], rejected: [], ignored: [] };
  const toRelative = (p: string): string => relative(base, p).split(sep).join('/');
  const reject = (full: string, message: string): void => {
    result.rejected.push({ path: toRelative(full), message });
  };
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    let raw: Array<Dirent<Buffer>>;
    try {
      // Names as bytes: a name that is not UTF-8 would come back with U+FFFD in it, naming
      // a file that does not exist. With their types: one lstat per file costs more than
      // the rest of a warm run.
      raw = await readdir(dir, { encoding: 'buffer', withFileTypes: true });
    } catch (err) {
      if (dir === root) throw err;
      reject(dir, `folder cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      continue;
    }
    const entries: Array<{ name: string; entry: Dirent<Buffer> }> = [];
    for (const entry of raw) {
      try {
        entries.push({ name: utf8.decode(entry.name), entry });
      } catch {
        reject(join(dir, entry.name.toString('utf8')), 'the file name is not valid UTF-8: not read');
      }
    }
    for (const { name, entry } of entries.sort((a, b) => byCodeUnit(a.name, b.name))) {
      const full = join(dir, name);
      if (name.startsWith('.')) {
        result.ignored.push(toRelative(full));
        continue;
      }
      if (entry.isDirectory()) {
        pending.push(full);
        continue;
      }
      if (entry.isFile()) {
        result.files.push(full);
        continue;
      }
      // A link, a device, or a file system that does not report types: look at it.
      let stats: Stats;
      try {
        stats = await lstat(full);
      } catch (err) {
        // Removed since the listing, or not accessible.
        reject(full, `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
        continue;
      }
      if (stats.isDirectory()) pending.push(full);
      else if (stats.isFile()) result.files.push(full);
      else reject(full, `${kindOf(stats)}: not followed or read`);
    }
  }
  result.files.sort(byCodeUnit);
  result.rejected.sort((a, b) => byCodeUnit(a.path, b.path));
  return result;
}
