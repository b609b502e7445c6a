/**
 * Worker thread: writes search shards (shard-writer.ts), as many as it can take from the job
 * list index.ts planned, each thread on a core of its own. It reads the article files itself,
 * so that it never waits for the main thread, which renders the pages meanwhile (a render
 * step holds it for seconds).
 */
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { ShardJob } from './index.ts';
import { recordPage } from './record.ts';
import { ShardWriter } from './shard-writer.ts';
import { closeProbes, WordFormTable } from './word-forms.ts';

const { fold, jobs, next } = workerData as { fold: Record<string, string>; jobs: ShardJob[]; next: Int32Array };

async function run(): Promise<void> {
  // One table for all of this thread's shards: each word is asked of Pagefind once.
  const forms = new WordFormTable();
  for (let i = Atomics.add(next, 0, 1); i < jobs.length; i = Atomics.add(next, 0, 1)) {
    const { outputPath, records } = jobs[i]!;
    const writer = new ShardWriter(forms);
    for (const record of records) {
      const text = (JSON.parse(readFileSync(record.file, 'utf8')) as { text: string }).text;
      writer.add(recordPage(record, text, fold));
    }
    writer.write(outputPath, await forms.ask(writer.unknownWords()));
  }
}

// Pagefind's service is closed before the answer: the main thread ends this thread on it,
// and a service left open would live on as long as the process.
run()
  .then(
    () => ({ ok: true }),
    (error: unknown) => ({ ok: false, message: error instanceof Error ? error.message : String(error) }),
  )
  .then(async (reply) => {
    await closeProbes();
    parentPort!.postMessage(reply);
  });
