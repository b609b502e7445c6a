/**
 * Rewrites tests/golden/<seed>.json from the current ingest of content/articles/. Run it
 * only after reading the diff it makes (`git diff tests/golden`) line by line: the golden
 * files are the reviewed, expected output of each seed.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { ingestFixture } from '../tests/helpers.ts';

for (const name of readdirSync('content/articles').sort()) {
  const article = ingestFixture(`content/articles/${name}`, `articles/${name}`);
  writeFileSync(`tests/golden/${name.replace(/\.[^.]+$/, '')}.json`, JSON.stringify(article, null, 2) + '\n');
  process.stdout.write(`tests/golden/${name}\n`);
}
