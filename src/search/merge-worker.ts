/**
 * Worker thread: runs one merge (merge.ts) and answers with its result. The merge takes
 * seconds of CPU; here it runs on the core the page render leaves free instead of after it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { mergeBundles, type MergeOptions } from './merge.ts';

mergeBundles(workerData as MergeOptions).then(
  (result) => parentPort!.postMessage({ ok: true, result }),
  (error: unknown) =>
    parentPort!.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) }),
);
