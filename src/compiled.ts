/**
 * Where the running code is: the TypeScript sources (through tsx: the tests and scripts),
 * or the bundle of them that bin/compile.js makes (the command line). The few places that
 * name a file by its path from a module's own URL (a worker's script, the templates) ask
 * here, since the bundle's modules are not where their sources are.
 */
import { SOURCE_WORKERS } from './compiled-entries.js';

/**
 * The package's root folder as a `file:` URL, set by bin/compile.js in the bundle (where
 * this module's own URL is in node_modules/.cache/, or wherever a symbolic link to
 * node_modules leads); undefined in the sources.
 */
declare const __NEWS_ARCHIVE_ROOT__: string | undefined;

export const COMPILED = typeof __NEWS_ARCHIVE_ROOT__ === 'string';

/** The package's root folder (package.json, templates/, src/), as a `file:` URL ending in `/`. */
export const PACKAGE_ROOT = COMPILED ? new URL(__NEWS_ARCHIVE_ROOT__!) : new URL('../', import.meta.url);

export type WorkerName = keyof typeof SOURCE_WORKERS;

/** The script a worker thread is started from. */
export function workerUrl(name: WorkerName): URL {
  return COMPILED ? new URL(`./${name}.mjs`, import.meta.url) : new URL(SOURCE_WORKERS[name], PACKAGE_ROOT);
}

/**
 * The module .eleventy.js loads the site's code from, when it must be the bundle's: the build
 * and the templates' data share state (the render scope), so they must be the same module
 * instances. Undefined from the sources (.eleventy.js imports them itself).
 */
export function siteModulesUrl(): string | undefined {
  return COMPILED ? new URL('./site-modules.mjs', import.meta.url).href : undefined;
}
