/**
 * Worker thread of the search index merge (merge.ts), for one of two tasks: the whole merge,
 * answered with its result (it takes seconds of CPU, and runs on the core the page render
 * leaves free instead of after it); or, for a merge that runs, ranges of words, one request
 * at a time, each answered with its chunks.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { mergeBundles, rangeReply, type MergeOptions, type RangeRequest } from './merge.ts';

const data = workerData as { task: 'ranges' } | { task: 'merge'; options: MergeOptions };
if (data.task === 'ranges') {
  parentPort!.on('message', (request: RangeRequest) => {
    void rangeReply(request).then(({ reply, transfer }) => parentPort!.postMessage(reply, transfer));
  });
} else {
  mergeBundles(data.options).then(
    (result) => parentPort!.postMessage({ ok: true, result }),
    (error: unknown) =>
      parentPort!.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) }),
  );
}
