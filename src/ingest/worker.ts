/**
 * Worker thread: ingests the files it is sent, one message each, answered in order. An
 * outcome that has a cache entry goes back as the entry's bytes, moved rather than copied:
 * cloning the article object graph cost about a millisecond per file in postMessage, as
 * much as a fifth of ingesting it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { answerComponents, type ComponentsRequest } from '../compare/components-task.ts';
import { PackReader, withoutBodies } from './cache.ts';
import { ingestFileOrPacked, type FileJob, type WorkerInit } from './process-file.ts';
import { writeArticleFile, type WriteReply, type WriteRequest } from './write-articles.ts';

const init = workerData as WorkerInit;
let reader: PackReader | undefined;
parentPort!.on('message', (job: FileJob | WriteRequest | ComponentsRequest) => {
  // Once the files are ingested, the run's other work (see components-task.ts).
  if ('task' in job && job.task === 'reprint-components') {
    return answerComponents(job, (message) => parentPort!.postMessage(message));
  }
  if ('task' in job) {
    // Once the files are ingested: a share of the article files (see write-articles.ts).
    reader ??= new PackReader(init.cache!);
    const reply: WriteReply = {
      task: job.task,
      first: job.first,
      written: job.writes.map((w) => writeArticleFile(reader!, w)),
    };
    return parentPort!.postMessage(reply);
  }
  const { outcome, packed } = ingestFileOrPacked(job, init);
  if (packed) {
    // Without the article's body, and moved, not copied: a buffer of its own (see withoutBodies).
    const sent = withoutBodies(Buffer.from(packed.packed.buffer, packed.packed.byteOffset, packed.packed.byteLength));
    parentPort!.postMessage({ ...packed, packed: sent }, [sent.buffer as ArrayBuffer]);
  } else parentPort!.postMessage(outcome);
});
