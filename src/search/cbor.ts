/**
 * The part of CBOR (RFC 8949) that Pagefind's index files use: unsigned and negative
 * integers, text strings and definite-length arrays, as its encoder (minicbor) writes them.
 *
 * Written here rather than taken from a CBOR library because the merge (merge.ts) must not
 * decode the bulk of an index: a 10k archive's chunks hold 26 million word positions, and
 * decoding them into JavaScript arrays took 18 s and 4 GB with cborg before it ran out of
 * memory. The reader walks the bytes and hands out slices, so positions are copied as they
 * are, never decoded.
 */

export class CborReader {
  pos = 0;
  constructor(
    readonly bytes: Buffer,
    readonly file: string,
  ) {}

  private fail(what: string): never {
    throw new Error(`${this.file}: not a Pagefind index this code knows (${what} at byte ${this.pos})`);
  }

  /** Reads an item's head; returns its major type and argument. */
  private head(): [major: number, argument: number] {
    const initial = this.bytes[this.pos++];
    if (initial === undefined) this.fail('unexpected end');
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (info < 24) return [major, info];
    let argument: number;
    if (info === 24) argument = this.bytes.readUInt8(this.pos);
    else if (info === 25) argument = this.bytes.readUInt16BE(this.pos);
    else if (info === 26) argument = this.bytes.readUInt32BE(this.pos);
    else if (info === 27) argument = Number(this.bytes.readBigUInt64BE(this.pos));
    else this.fail(`indefinite or reserved length ${info}`);
    this.pos += 1 << (info - 24);
    return [major, argument];
  }

  private expect(major: number, name: string): number {
    const [got, argument] = this.head();
    if (got !== major) {
      this.pos--;
      this.fail(`expected ${name}, found major type ${got}`);
    }
    return argument;
  }

  uint(): number {
    return this.expect(0, 'an unsigned integer');
  }

  /** An integer of either sign (major type 0 or 1). */
  int(): number {
    const [major, argument] = this.head();
    if (major === 0) return argument;
    if (major === 1) return -1 - argument;
    this.pos--;
    return this.fail(`expected an integer, found major type ${major}`);
  }

  /** The UTF-8 bytes of a text string, as a slice of the input. */
  textBytes(): Buffer {
    const length = this.expect(3, 'a text string');
    const start = this.pos;
    this.pos += length;
    if (this.pos > this.bytes.length) this.fail('text past the end');
    return this.bytes.subarray(start, this.pos);
  }

  text(): string {
    return this.textBytes().toString('utf8');
  }

  array(): number {
    return this.expect(4, 'an array');
  }

  /** An array that must have this many items (a minicbor struct). */
  struct(fields: number, name: string): void {
    const length = this.array();
    if (length !== fields) this.fail(`${name} with ${length} fields instead of ${fields}`);
  }

  /** Skips one item of any of the types above, with what it contains. */
  skip(): void {
    let pending = 1;
    while (pending > 0) {
      pending--;
      const [major, argument] = this.head();
      if (major === 2 || major === 3) this.pos += argument;
      else if (major === 4) pending += argument;
      else if (major !== 0 && major !== 1) this.fail(`major type ${major}`);
    }
  }

  /** Skips `count` items; integers, which most are, without a call each. */
  skipItems(count: number): void {
    const bytes = this.bytes;
    let pos = this.pos;
    for (let n = count; n > 0; n--) {
      const initial = bytes[pos]!;
      // Major types 0 and 1: an integer, its argument in the next 0, 1, 2 or 4 bytes.
      if (initial < 0x40 && (initial & 0x1f) < 27) {
        const info = initial & 0x1f;
        pos += info < 24 ? 1 : 1 + (1 << (info - 24));
      } else {
        this.pos = pos;
        this.skip();
        pos = this.pos;
      }
    }
    this.pos = pos;
  }
}

/**
 * Builds CBOR as minicbor does (the shortest head for every argument), into one growing
 * buffer: the merge writes millions of small items, and a Buffer per item kept the garbage
 * collector busy for a sixth of its time.
 */
export class CborWriter {
  private buffer: Buffer;
  length: number;

  /** `reserve` bytes are left free at the start, for `prepend`. */
  constructor(private readonly reserve = 0) {
    this.buffer = Buffer.allocUnsafe(Math.max(1024, reserve * 2));
    this.length = reserve;
  }

  private room(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(next, 0, 0, this.length);
    this.buffer = next;
  }

  private head(major: number, argument: number): void {
    this.room(5);
    const b = this.buffer;
    const type = major << 5;
    if (argument < 24) b[this.length++] = type | argument;
    else if (argument < 0x100) {
      b[this.length++] = type | 24;
      b[this.length++] = argument;
    } else if (argument < 0x10000) {
      b[this.length++] = type | 25;
      b.writeUInt16BE(argument, this.length);
      this.length += 2;
    } else if (argument < 0x100000000) {
      b[this.length++] = type | 26;
      b.writeUInt32BE(argument, this.length);
      this.length += 4;
    } else throw new RangeError(`CBOR argument too large: ${argument}`);
  }

  uint(value: number): this {
    this.head(0, value);
    return this;
  }

  /** An integer of either sign. */
  int(value: number): this {
    if (value >= 0) this.head(0, value);
    else this.head(1, -1 - value);
    return this;
  }

  text(value: string | Buffer): this {
    if (typeof value !== 'string') {
      this.head(3, value.length);
      return this.raw(value);
    }
    const length = Buffer.byteLength(value, 'utf8');
    this.head(3, length);
    this.room(length);
    this.length += this.buffer.write(value, this.length, 'utf8');
    return this;
  }

  array(length: number): this {
    this.head(4, length);
    return this;
  }

  /** Bytes that are CBOR already (items copied from an input). */
  raw(bytes: Buffer, start = 0, end = bytes.length): this {
    this.room(end - start);
    this.length += bytes.copy(this.buffer, this.length, start, end);
    return this;
  }

  /**
   * The bytes written, with `head` put in front of them in the reserved space (a head whose
   * length was not known at the start: an array's). The writer is spent.
   */
  finish(head: Buffer = Buffer.alloc(0)): Buffer {
    if (head.length > this.reserve) throw new RangeError('head larger than the space reserved');
    const start = this.reserve - head.length;
    head.copy(this.buffer, start);
    return this.buffer.subarray(start, this.length);
  }
}
