/** Shared test helpers: ingest a fixture file the way the CLI does, without the file system run. */
import { readFileSync } from 'node:fs';
import { loadContentConfig } from '../src/content/load.ts';
import { ingestBytes } from '../src/ingest/article.ts';
import type { Article } from '../src/schema/article.ts';

const config = await loadContentConfig('content');

export const events = config.events;

export function ingestFixture(path: string, as = path.split('/').pop()!): Article {
  return ingestBytes(readFileSync(path), as, { events: config.events, defaultTimeZone: 'Asia/Shanghai' }).article;
}

export function ingestText(text: string, as = 'articles/test.md'): Article {
  return ingestBytes(Buffer.from(text, 'utf8'), as, { events: config.events, defaultTimeZone: 'Asia/Shanghai' })
    .article;
}
