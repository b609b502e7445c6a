// @ts-check
/**
 * The bundle the command line runs from: the TypeScript sources compiled by esbuild (the
 * compiler tsx itself uses) into one file per entry (src/compiled-entries.js) and chunks of
 * the code they share. Packages stay outside it, imported from node_modules as they are.
 *
 * Why not tsx alone: tsx compiles each module on a loader thread as it is imported, in the
 * main thread and again in every worker thread. An ingest worker took ~0.75 s and ~1.1 s of
 * CPU to its first answer through tsx, ~0.3 s and ~0.4 s from the bundle, and a cold ingest
 * of 10k articles ran ~9 % faster with both threads on the bundle (six alternating runs:
 * 10.6 against 11.6 s on average; the bundle's code is one scope per chunk, not ~80 modules).
 *
 * The bundle is made on first use and again whenever a file it was made from changes, so
 * there is no compile step to forget and never a stale bundle: each is kept in a folder named
 * by a hash of its inputs, and `current.json` names the latest with those inputs' hashes,
 * checked on every start (~90 files read and hashed, a few ms). A bundle is written to a
 * folder of its own and renamed into place, so a process never sees half of one, and a
 * process still running an older one keeps it whole.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ENTRIES } from '../src/compiled-entries.js';

/** Raise when the options below change: the bundles made before are not used again. */
const FORMAT = 2;
/**
 * When a new bundle is made, the others not started from for this long are deleted (each
 * start marks its bundle's folder as used): a process still running one starts its
 * workers from it.
 */
const KEEP_OLD_MS = 24 * 3600_000;

/**
 * @typedef {object} CompileOptions
 * @property {string} [root] the package's root folder (default: this package's)
 * @property {Record<string, string>} [entries] entry name → source path from the root
 *   (default: ENTRIES)
 */

/** @param {string | Buffer} data */
function sha256(data) {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The inputs' hashes of the bundle `current.json` names, if every one still matches.
 * @param {string} dir
 * @param {string} root
 * @returns {string | null} the bundle's folder
 */
function currentBundle(dir, root) {
  let current;
  try {
    current = JSON.parse(readFileSync(join(dir, 'current.json'), 'utf8'));
  } catch {
    return null;
  }
  for (const [file, hash] of Object.entries(current.inputs)) {
    let data;
    try {
      data = readFileSync(join(root, file));
    } catch {
      return null;
    }
    if (sha256(data) !== hash) return null;
  }
  const bundle = join(dir, current.bundle);
  try {
    // Used now: not old enough to be deleted (KEEP_OLD_MS) while this process may need it.
    const now = new Date();
    utimesSync(bundle, now, now);
  } catch {
    return null;
  }
  return bundle;
}

/**
 * The folder of an up-to-date bundle of `entries`, made now if there is none; null when it
 * cannot be made (esbuild missing or failing), with the reason on stderr: the caller runs
 * the sources instead.
 * @param {CompileOptions} [options]
 * @returns {Promise<string | null>}
 */
export async function compile(options = {}) {
  const root = options.root ?? fileURLToPath(new URL('../', import.meta.url));
  const entries = options.entries ?? ENTRIES;
  // The version from its package.json: importing esbuild takes ~40 ms, which a start with
  // an up-to-date bundle need not spend.
  let esbuildVersion;
  try {
    esbuildVersion = createRequire(import.meta.url)('esbuild/package.json').version;
  } catch (err) {
    return fallBack(err);
  }
  const rootUrl = pathToFileURL(join(root, '/')).href;
  const set = sha256(JSON.stringify([FORMAT, esbuildVersion, rootUrl, entries])).slice(0, 16);
  const dir = join(root, 'node_modules', '.cache', 'news-archive', set);
  const found = currentBundle(dir, root);
  if (found) return found;

  const started = Date.now();
  const building = join(dir, `building-${process.pid}-${started}`);
  try {
    const esbuild = await import('esbuild');
    const result = await esbuild.build({
      absWorkingDir: root,
      entryPoints: entries,
      outdir: building,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      // No `keepNames`: it wraps every function and closure the code creates in a call that
      // defines its `name` (`__name`), and in the ingest's hot paths that was ~1 % of the CPU
      // (closures made per file and per node). Nothing here reads a function's name: errors
      // name themselves (`override name`), and a stack trace names the few functions the
      // bundle renames (`parse2`) with their source maps beside them.
      sourcemap: 'linked',
      metafile: true,
      // Where the package is (src/compiled.ts): the bundle's own URL does not say.
      define: { __NEWS_ARCHIVE_ROOT__: JSON.stringify(rootUrl) },
      logLevel: 'silent',
    });
    /** @type {Record<string, string>} */
    const inputs = {};
    for (const file of Object.keys(result.metafile.inputs).sort())
      inputs[file] = sha256(readFileSync(join(root, file)));
    const name = sha256(JSON.stringify(inputs)).slice(0, 16);
    const bundle = join(dir, name);
    try {
      renameSync(building, bundle);
    } catch {
      // Made by another process meanwhile, from the same inputs.
      rmSync(building, { recursive: true, force: true });
    }
    // A source saved during the build may not be in it: the next start makes the bundle again.
    if (Object.keys(inputs).some((file) => statSync(join(root, file)).mtimeMs >= started)) return bundle;
    const tmp = join(dir, `current.json.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify({ bundle: name, inputs }, null, 2) + '\n');
    renameSync(tmp, join(dir, 'current.json'));
    for (const old of readdirSync(dir)) {
      const path = join(dir, old);
      if (old === name || old === 'current.json') continue;
      try {
        if (Date.now() - statSync(path).mtimeMs > KEEP_OLD_MS) rmSync(path, { recursive: true, force: true });
      } catch {
        // Deleted by another process.
      }
    }
    return bundle;
  } catch (err) {
    rmSync(building, { recursive: true, force: true });
    return fallBack(err);
  }
}

/** @param {unknown} err */
function fallBack(err) {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`news-archive: running from the sources (the bundle could not be made: ${message})\n`);
  return null;
}

/**
 * The URL of entry `name` of an up-to-date bundle, or null (see compile).
 * @param {string} name
 */
export async function compiledEntry(name) {
  const bundle = await compile();
  return bundle ? pathToFileURL(join(bundle, `${name}.mjs`)).href : null;
}
