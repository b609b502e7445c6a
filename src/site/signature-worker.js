// @ts-check
// Worker thread: the site folder's signature (signature.js), computed beside the ingest,
// which leaves the folder alone: ~1–2 s of walking and stat calls at 10k articles that the
// build's main thread then does not wait for.
import { parentPort, workerData } from 'node:worker_threads';
import { siteSignature } from './signature.js';

parentPort?.postMessage(siteSignature(workerData.outDir));
