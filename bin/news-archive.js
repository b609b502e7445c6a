#!/usr/bin/env node
// Runs from a bundle of the TypeScript sources, made on first use and again whenever they
// change (compile.js), so that `npx news-archive` works right after `npm ci` with no compile
// step to forget; through tsx, as the tests do, when the bundle cannot be made.
import { compiledEntry } from './compile.js';

const entry = await compiledEntry('cli');
let cli;
if (entry) cli = await import(entry);
else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../src/cli.ts');
}
process.exitCode = await cli.main(process.argv.slice(2));
