/**
 * The reprint components found on another thread (an idle ingest worker, see
 * src/ingest/worker.ts) while the main thread ranks and scores the related articles: at 10k
 * articles each is over a second of the comparison step.
 *
 * The shingle sets and signatures go in two SharedArrayBuffers, one copy in all, instead of
 * a structured clone of 20k typed arrays each way. A worker that fails costs only time: the
 * components are then found here.
 */
import type { Worker } from 'node:worker_threads';
import { reprintComponents, type Components } from './reprints.ts';

export interface ComponentsRequest {
  task: 'reprint-components';
  /** Every set, one after the other: set i is values[start[i]..start[i + 1]]. */
  values: Uint32Array;
  start: Int32Array;
  /** Every signature, one after the other, each `width` values. */
  signatures: Uint32Array;
  width: number;
}

export interface ComponentsReply {
  task: 'reprint-components';
  components: Components;
}

function shared<T extends Uint32Array | Int32Array>(Type: new (buffer: SharedArrayBuffer) => T, length: number): T {
  return new Type(new SharedArrayBuffer(length * 4));
}

export function componentsRequest(sets: Uint32Array[], signatures: Uint32Array[]): ComponentsRequest {
  const start = shared(Int32Array, sets.length + 1);
  for (let i = 0; i < sets.length; i++) start[i + 1] = start[i]! + sets[i]!.length;
  const values = shared(Uint32Array, start[sets.length]!);
  sets.forEach((set, i) => values.set(set, start[i]!));
  const width = signatures[0]?.length ?? 0;
  const packed = shared(Uint32Array, signatures.length * width);
  signatures.forEach((signature, i) => {
    if (signature.length !== width) throw new Error('reprint components: signatures of different lengths');
    packed.set(signature, i * width);
  });
  return { task: 'reprint-components', values, start, signatures: packed, width };
}

/** What the worker does with a request: views of the shared arrays, no copy. */
export function answerComponents(request: ComponentsRequest): ComponentsReply {
  const { values, start, signatures, width } = request;
  const n = start.length - 1;
  const sets = Array.from({ length: n }, (_, i) => values.subarray(start[i]!, start[i + 1]!));
  const sigs = Array.from({ length: n }, (_, i) => signatures.subarray(i * width, (i + 1) * width));
  return { task: 'reprint-components', components: reprintComponents(sets, sigs) };
}

/** The components found by `worker`, or here if it fails. */
export function componentsOn(worker: Worker): (sets: Uint32Array[], signatures: Uint32Array[]) => Promise<Components> {
  return (sets, signatures) =>
    new Promise<Components>((resolve) => {
      const finish = (components: Components | null): void => {
        worker.off('message', onMessage).off('error', onFailure).off('exit', onFailure);
        resolve(components ?? reprintComponents(sets, signatures));
      };
      const onMessage = (reply: ComponentsReply): void => {
        if (reply?.task === 'reprint-components') finish(reply.components);
      };
      const onFailure = (): void => finish(null);
      worker.on('message', onMessage).on('error', onFailure).on('exit', onFailure);
      worker.postMessage(componentsRequest(sets, signatures));
    });
}
