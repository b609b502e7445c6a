/** Worker thread: ingests the files it is sent, one message each. */
import { parentPort, workerData } from 'node:worker_threads';
import { ingestFile, type FileJob, type WorkerInit } from './process-file.ts';

const init = workerData as WorkerInit;
parentPort!.on('message', async (job: FileJob) => {
  parentPort!.postMessage(await ingestFile(job, init));
});
