/**
 * Reads the editable data files of a content folder. A missing file gives the defaults and a
 * warning; an invalid one is an error naming the file and the problem.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import {
  EventsSchema,
  SiteSchema,
  SourcesSchema,
  TopicsSchema,
  type SiteConfig,
  type Topic,
  type SourceInfo,
  type SummitEvent,
} from '../schema/content.ts';

export interface ContentConfig {
  events: SummitEvent[];
  sources: SourceInfo[];
  site: SiteConfig;
  /** content/topics.yaml; none when the file is missing. */
  topics: Topic[];
  warnings: Array<{ path: string; message: string }>;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

async function loadYaml<T extends z.ZodType>(
  dir: string,
  file: string,
  schema: T,
  fallback: unknown,
  warnings: ContentConfig['warnings'],
  optional = false,
): Promise<z.infer<T>> {
  let text: string;
  try {
    text = await readFile(join(dir, file), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    if (!optional) warnings.push({ path: file, message: `${file} not found: using defaults` });
    return schema.parse(fallback);
  }
  let data: unknown;
  try {
    data = parse(text, { schema: 'core' });
  } catch (err) {
    throw new ConfigError(`${file}: invalid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const result = schema.safeParse(data ?? fallback);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ConfigError(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data;
}

export async function loadContentConfig(contentDir: string): Promise<ContentConfig> {
  const warnings: ContentConfig['warnings'] = [];
  const events = await loadYaml(contentDir, 'events.yaml', EventsSchema, [], warnings);
  const sources = await loadYaml(contentDir, 'sources.yaml', SourcesSchema, [], warnings);
  const site = await loadYaml(contentDir, 'site.yaml', SiteSchema, {}, warnings);
  const topics = await loadYaml(contentDir, 'topics.yaml', TopicsSchema, [], warnings, true);
  const topicIds = new Set<string>();
  for (const t of topics) {
    if (topicIds.has(t.id)) throw new ConfigError(`topics.yaml: topic id "${t.id}" is used twice`);
    topicIds.add(t.id);
  }
  const ids = new Set<string>();
  for (const e of events) {
    if (ids.has(e.id)) throw new ConfigError(`events.yaml: event id "${e.id}" is used twice`);
    ids.add(e.id);
  }
  return { events, sources, site, topics, warnings };
}
