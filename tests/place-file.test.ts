/**
 * placeFile (src/site/place-file.ts): how the build puts the archive's files and the search
 * shards' fragments into the site.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { placeFile } from '../src/site/place-file.ts';

describe('placeFile', () => {
  it('links the file, and a replaced source (by rename, as the ingest writes) is placed anew', () => {
    const dir = mkdtempSync(join(tmpdir(), 'place-'));
    const source = join(dir, 'a.json');
    const target = join(dir, 'site-a.json');
    writeFileSync(source, 'one');
    placeFile(source, target);
    assert.equal(statSync(target).ino, statSync(source).ino);
    // Placing it again leaves the link as it is.
    placeFile(source, target);
    assert.equal(readFileSync(target, 'utf8'), 'one');
    // The ingest replaces a changed file by rename: the site keeps the old content until the
    // build places the new file.
    writeFileSync(`${source}.tmp`, 'two');
    renameSync(`${source}.tmp`, source);
    assert.equal(readFileSync(target, 'utf8'), 'one');
    placeFile(source, target);
    assert.equal(readFileSync(target, 'utf8'), 'two');
    assert.equal(statSync(target).ino, statSync(source).ino);
  });

  it('replaces a different file at the target', () => {
    const dir = mkdtempSync(join(tmpdir(), 'place-'));
    writeFileSync(join(dir, 'source'), 'new');
    writeFileSync(join(dir, 'target'), 'old, edited by hand');
    placeFile(join(dir, 'source'), join(dir, 'target'));
    assert.equal(readFileSync(join(dir, 'target'), 'utf8'), 'new');
  });

  it('copies where no link can be made (another file system)', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'place-'));
    // /dev/shm is a tmpfs on Linux: a link from there to the temporary folder fails (EXDEV).
    if (!existsSync('/dev/shm') || statSync('/dev/shm').dev === statSync(dir).dev) {
      t.skip('no second file system here');
      return;
    }
    const other = mkdtempSync('/dev/shm/place-');
    t.after(() => rmSync(other, { recursive: true, force: true }));
    writeFileSync(join(other, 'source'), 'elsewhere');
    placeFile(join(other, 'source'), join(dir, 'target'));
    assert.equal(readFileSync(join(dir, 'target'), 'utf8'), 'elsewhere');
    assert.notEqual(statSync(join(dir, 'target')).ino, statSync(join(other, 'source')).ino);
    assert.ok(!existsSync(join(dir, 'target.tmp')));
  });
});
