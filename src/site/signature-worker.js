// @ts-check
// Worker thread: the site folder's signature (signature.js), computed beside the ingest,
// which leaves the folder alone: ~1–2 s of walking and stat calls at 10k articles that the
// build's main thread then does not wait for. With `part`, the listing of those files
// (siteFiles) instead: the pages' files, listed while the search index is written.
import { parentPort, workerData } from 'node:worker_threads';
import { siteFiles, siteSignature } from './signature.js';

parentPort?.postMessage(
  workerData.part ? siteFiles(workerData.outDir, workerData.part) : siteSignature(workerData.outDir),
);
