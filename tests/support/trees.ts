/** Comparing two output folders file by file, byte for byte. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file under `dir`, by its path from `dir`, in path order. */
export function tree(dir: string): Map<string, Buffer> {
  return new Map(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => [relative(dir, join(e.parentPath, e.name)), readFileSync(join(e.parentPath, e.name))] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

/** The same files with the same bytes, but those whose path matches `skip`. */
export function assertSameTree(actual: string, expected: string, skip?: RegExp): void {
  const kept = (files: Map<string, Buffer>): Map<string, Buffer> =>
    skip ? new Map([...files].filter(([path]) => !skip.test(path))) : files;
  const a = kept(tree(actual));
  const e = kept(tree(expected));
  assert.deepEqual([...a.keys()], [...e.keys()], 'the same files');
  const differing = [...e].filter(([path, bytes]) => !bytes.equals(a.get(path)!)).map(([path]) => path);
  assert.deepEqual(differing, [], 'the same bytes');
}
