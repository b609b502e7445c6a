/**
 * Lists the input files under a folder, recursively, in a stable order. Never follows a
 * symbolic link and never opens anything but a regular file: links, devices, pipes and
 * sockets are reported, not read (a link could point outside the content folder, a pipe
 * would block the run).
 */
import { lstat, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export interface WalkResult {
  files: string[];
  rejected: Array<{ path: string; message: string }>;
  ignored: string[];
}

function kindOf(stats: import('node:fs').Stats): string {
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

export async function walk(root: string, base: string): Promise<WalkResult> {
  const result: WalkResult = { files: [], rejected: [], ignored: [] };
  const toRelative = (p: string): string => relative(base, p).split(sep).join('/');
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    const entries = await readdir(dir);
    for (const name of entries.sort()) {
      const full = join(dir, name);
      if (name.startsWith('.')) {
        result.ignored.push(toRelative(full));
        continue;
      }
      const stats = await lstat(full);
      if (stats.isDirectory()) pending.push(full);
      else if (stats.isFile()) result.files.push(full);
      else result.rejected.push({ path: toRelative(full), message: `${kindOf(stats)}: not followed or read` });
    }
  }
  result.files.sort();
  result.rejected.sort((a, b) => a.path.localeCompare(b.path));
  return result;
}
