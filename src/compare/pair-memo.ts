/**
 * The comparison step's pair similarities, kept between runs (`<output>/cache/pairs.bin`).
 *
 * The step is global (which pairs are candidates depends on every article), but a
 * candidate pair's similarity (the Jaccard of the two shingle sets) depends on its two
 * texts alone. A run after one article landed scores the same ~90,000 related pairs as the
 * run before: remembered, they cost a lookup (measured at 10k articles, the ingest after
 * one new article: 4.4–4.7 s instead of 4.8–5.3 s). Reprint
 * verdicts are not kept: most stop after a few steps (~3 µs), about what a lookup and its
 * share of the file cost. A pair is named by its texts' sha256 (their first 8 bytes), the
 * file by a hash of the ingest's salt and this step's code, so a change to either, or a
 * damaged file, means nothing is remembered: a run can be slower, never different. The
 * file keeps the pairs the last run used, so it does not grow with the archive's history.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { PACKAGE_ROOT } from '../compiled.ts';

/** The code a pair's result depends on: its hash keys the file. */
const CODE = ['minhash.ts', 'reprints.ts', 'related.ts', 'pair-memo.ts'].map((file) => `src/compare/${file}`);
const MAGIC = 'news-archive pairs 1\n';
/** One record: the two texts' keys (8 bytes each), the similarity (float64). */
const RECORD = 24;
const KEY = 8;

let codeHash: string | undefined;

/** The salt of the file: the ingest's own (its version and configuration) and this code. */
export function pairMemoSalt(ingestSalt: string): string {
  codeHash ??= createHash('sha256')
    .update(CODE.map((file) => readFileSync(new URL(file, PACKAGE_ROOT))).join('\0'))
    .digest('hex');
  return createHash('sha256').update(`${ingestSalt}|${codeHash}`).digest('hex');
}

/** A text's key in the memo: the first 8 bytes of its sha256 (given in hex), as a string. */
export function textKey(textHash: string): string {
  return Buffer.from(textHash.slice(0, 2 * KEY), 'hex').toString('latin1');
}

/** The file's head: what it is, its salt, and a CRC-32 of its records (a damaged file is unread). */
function header(salt: string, body: Buffer): Buffer {
  return Buffer.from(`${MAGIC}${salt}\n${crc32(body).toString(16).padStart(8, '0')}\n`, 'latin1');
}

export class PairMemo {
  private readonly used = new Map<string, number>();
  hits = 0;

  constructor(private readonly known: ReadonlyMap<string, number> = new Map()) {}

  /** The pair's similarity, remembered or computed (it is symmetric: one name per pair). */
  get(a: string, b: string, compute: () => number): number {
    const name = a < b ? a + b : b + a;
    let value = this.used.get(name);
    if (value !== undefined) return value;
    value = this.known.get(name);
    if (value !== undefined) this.hits++;
    else value = compute();
    this.used.set(name, value);
    return value;
  }

  /** The file: the pairs this run used, in the order it used them (the same run, the same bytes). */
  toBuffer(salt: string): Buffer {
    const body = Buffer.alloc(this.used.size * RECORD);
    let at = 0;
    for (const [name, value] of this.used) {
      body.write(name, at, 2 * KEY, 'latin1');
      body.writeDoubleLE(value, at + 2 * KEY);
      at += RECORD;
    }
    return Buffer.concat([header(salt, body), body]);
  }

  /** The pairs of a file made with this salt; none from another salt or a damaged file. */
  static fromBuffer(bytes: Buffer, salt: string): PairMemo {
    const size = header(salt, Buffer.alloc(0)).length;
    const body = bytes.subarray(size);
    if (bytes.length < size || body.length % RECORD !== 0 || !bytes.subarray(0, size).equals(header(salt, body))) {
      return new PairMemo();
    }
    const known = new Map<string, number>();
    for (let at = size; at < bytes.length; at += RECORD) {
      const value = bytes.readDoubleLE(at + 2 * KEY);
      if (!(value >= 0 && value <= 1)) return new PairMemo();
      known.set(bytes.toString('latin1', at, at + 2 * KEY), value);
    }
    return new PairMemo(known);
  }
}
