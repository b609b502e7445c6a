/**
 * Worker thread: ingests the files it is sent, one message each, answered in order. An
 * outcome that has a cache entry goes back as the entry's bytes, moved rather than copied:
 * cloning the article object graph cost about a millisecond per file in postMessage, as
 * much as a fifth of ingesting it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ingestFileOrPacked, type FileJob, type WorkerInit } from './process-file.ts';

const init = workerData as WorkerInit;
parentPort!.on('message', (job: FileJob) => {
  const { outcome, packed } = ingestFileOrPacked(job, init);
  if (packed) {
    // A copy of its own (the entry may share a pooled buffer), then moved.
    const bytes = new Uint8Array(packed.packed);
    parentPort!.postMessage({ ...packed, packed: bytes }, [bytes.buffer]);
  } else parentPort!.postMessage(outcome);
});
