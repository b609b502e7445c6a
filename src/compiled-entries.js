// @ts-check
/**
 * The modules the command line starts from, each a file of the compiled bundle
 * (bin/compile.js): the command line itself, what .eleventy.js loads, and every worker
 * thread's script. Paths are from the package's root.
 */
export const ENTRIES = {
  cli: 'src/cli.ts',
  'site-modules': 'src/site/eleventy-modules.ts',
  'ingest-worker': 'src/ingest/worker.ts',
  'shard-worker': 'src/search/shard-worker.ts',
  'merge-worker': 'src/search/merge-worker.ts',
  'signature-worker': 'src/site/signature-worker.js',
};

/**
 * The same workers run from the sources: a worker thread starts without its parent's loader
 * hooks, so a TypeScript worker starts from a script that registers tsx first.
 * @type {Record<'ingest-worker' | 'shard-worker' | 'merge-worker' | 'signature-worker', string>}
 */
export const SOURCE_WORKERS = {
  'ingest-worker': 'src/ingest/worker-entry.js',
  'shard-worker': 'src/search/shard-worker-entry.js',
  'merge-worker': 'src/search/merge-worker-entry.js',
  'signature-worker': 'src/site/signature-worker.js',
};
