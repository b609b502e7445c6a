/**
 * The reprint components found on another thread (an idle ingest worker, see
 * src/ingest/worker.ts) while the main thread ranks and scores the related articles: at 10k
 * articles each is over a second of the comparison step.
 *
 * The worker finds the candidate pairs, shares them, and checks them a chunk at a time; the
 * main thread, once its own part is done, checks chunks too, both taking the next chunk
 * from one shared counter. Each thread joins the copies it finds in a union-find of its own;
 * the components are those of all the copies found, so they do not depend on who checked
 * what (the roots are each group's smallest index). Without the main thread's help, the
 * worker's checking ran ~0.7 s past the main thread's ranking at 10k, with the main thread
 * waiting.
 *
 * The shingle sets and signatures go in two SharedArrayBuffers, one copy in all, instead of
 * a structured clone of 20k typed arrays each way. A worker that fails costs only time: the
 * components are then found here.
 */
import type { Worker } from 'node:worker_threads';
import { candidatePairs, UnionFind } from './minhash.ts';
import { reprintComponents, rootsOf, verifyPairs, type Components } from './reprints.ts';

export interface ComponentsRequest {
  task: 'reprint-components';
  /** Every set, one after the other: set i is values[start[i]..start[i + 1]]. */
  values: Uint32Array;
  start: Int32Array;
  /** Every signature, one after the other, each `width` values. */
  signatures: Uint32Array;
  width: number;
  /** The next candidate pair to check, for both threads (a shared counter). */
  next: Int32Array;
}

/** The candidate pairs, shared, as soon as the worker has them. */
export interface PairsMessage {
  task: 'reprint-pairs';
  pairs: Float64Array;
}

/** The worker's part, once no pair is left to take. */
export interface ComponentsReply {
  task: 'reprint-components';
  candidates: number;
  /** The copies it found: a, b for each pair. */
  copies: Int32Array;
  verified: number;
}

/** Pairs taken at a time: ~1 ms of checking; the counter is shared with the main thread. */
const CHUNK = 256;

function shared<T extends Uint32Array | Int32Array | Float64Array>(
  Type: { new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number },
  length: number,
): T {
  return new Type(new SharedArrayBuffer(length * Type.BYTES_PER_ELEMENT));
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
  return { task: 'reprint-components', values, start, signatures: packed, width, next: shared(Int32Array, 1) };
}

/**
 * Takes chunks of `pairs` from the shared counter until none is left, checking each; the
 * copies found go onto `copies`. Returns how many were found.
 */
function checkChunks(
  sets: ArrayLike<Uint32Array>,
  pairs: Float64Array,
  n: number,
  next: Int32Array,
  uf: UnionFind,
  copies: number[],
): number {
  let verified = 0;
  for (let from = Atomics.add(next, 0, CHUNK); from < pairs.length; from = Atomics.add(next, 0, CHUNK)) {
    verified += verifyPairs(sets, pairs, n, from, Math.min(from + CHUNK, pairs.length), uf, copies);
  }
  return verified;
}

/**
 * What the worker does with a request (views of the shared arrays, no copy): the candidate
 * pairs, sent at once, then its share of the checks.
 */
export function answerComponents(
  request: ComponentsRequest,
  send: (message: PairsMessage | ComponentsReply) => void,
): void {
  const { values, start, signatures, width, next } = request;
  const n = start.length - 1;
  const sets = Array.from({ length: n }, (_, i) => values.subarray(start[i]!, start[i + 1]!));
  const sigs = Array.from({ length: n }, (_, i) => signatures.subarray(i * width, (i + 1) * width));
  const found = candidatePairs(sigs);
  const pairs = shared(Float64Array, found.length);
  pairs.set(found);
  send({ task: 'reprint-pairs', pairs });
  const copies: number[] = [];
  const verified = checkChunks(sets, pairs, n, next, new UnionFind(n), copies);
  send({ task: 'reprint-components', candidates: pairs.length, copies: Int32Array.from(copies), verified });
}

/** The components being found on a worker. */
export interface ComponentsJob {
  /** Checks candidate pairs on this thread beside the worker until none is left. */
  help(): Promise<void>;
  result: Promise<Components>;
}

/** The components found by `worker`, with this thread's help, or here if it fails. */
export function componentsOn(worker: Worker): (sets: Uint32Array[], signatures: Uint32Array[]) => ComponentsJob {
  return (sets, signatures) => {
    const n = signatures.length;
    const request = componentsRequest(sets, signatures);
    let pairs: Float64Array | null = null;
    let helping = false;
    let helped: () => void = () => undefined;
    const helpDone = new Promise<void>((resolve) => (helped = resolve));
    const uf = new UnionFind(n);
    const copies: number[] = [];
    let verified = 0;
    const helpNow = (): void => {
      if (pairs) verified += checkChunks(sets, pairs, n, request.next, uf, copies);
      helped();
    };
    const result = new Promise<Components>((resolve) => {
      const finish = (reply: ComponentsReply | null): void => {
        worker.off('message', onMessage).off('error', onFailure).off('exit', onFailure);
        helped();
        if (!reply) return resolve(reprintComponents(sets, signatures));
        // Every pair was taken before the worker replied, and this thread checks its chunks
        // without yielding: its share is done too.
        for (let i = 0; i < reply.copies.length; i += 2) uf.union(reply.copies[i]!, reply.copies[i + 1]!);
        resolve({ roots: rootsOf(uf, n), candidates: reply.candidates, verified: verified + reply.verified });
      };
      const onMessage = (message: PairsMessage | ComponentsReply): void => {
        if (message?.task === 'reprint-pairs') {
          pairs = message.pairs;
          if (helping) helpNow();
        } else if (message?.task === 'reprint-components') finish(message);
      };
      const onFailure = (): void => finish(null);
      worker.on('message', onMessage).on('error', onFailure).on('exit', onFailure);
      // A worker that has already stopped would never answer, nor say that it stopped.
      if (worker.threadId < 0) return finish(null);
      worker.postMessage(request);
    });
    return {
      help() {
        helping = true;
        // Before the pairs have come, this thread helps when they come.
        if (pairs) helpNow();
        return helpDone;
      },
      result,
    };
  };
}
