#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx so that `npx news-archive` works right
// after `npm ci`, with no compile step to forget.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
