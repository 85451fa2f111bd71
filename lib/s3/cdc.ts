/**
 * Content-defined chunking (FastCDC, Xia et al., USENIX ATC 2016): a gear rolling hash
 * cuts the stream where the content says, so an insertion or a deletion moves only the
 * boundaries next to it and every later chunk comes out the same as before. Pure: no
 * I/O, and the same bytes are cut the same way however they are fed.
 */

/** Chunk size bounds of content-defined chunking, in bytes. */
export interface CdcParams {
  /** No cut before this many bytes (hashing starts here: the bytes before it cannot matter). */
  min: number;
  /** The target average: a power of two, the normalization point. */
  avg: number;
  /** A cut at this many bytes whatever the content. */
  max: number;
}

/**
 * The default average, 256 KiB, chosen by measurement (bench/dedup.ts; the man page's
 * "Deduplication" has the table): each change costs about 2.4 average chunks of new
 * bytes around it, so the second night's upload of a tree with 1% changed stays within
 * twice the changed bytes only at 256 KiB or below; 1 MiB stored 4× more.
 */
export const DEFAULT_CDC_AVERAGE = 2 ** 18;

/** The bounds for an average: min avg/4, max avg×4 (restic's ratio to its 1 MiB is 1/2 and 8). */
export function cdcParams(avg: number): CdcParams {
  if (!Number.isInteger(Math.log2(avg)) || avg < 256) throw new RangeError(`the average chunk size must be a power of two of at least 256 bytes, not ${avg}`);
  return { min: avg / 4, avg, max: avg * 4 };
}

/**
 * 256 pseudo-random 32-bit words, from a fixed seed (mulberry32) so that every version
 * cuts the same bytes the same way: a changed table would dedup nothing against
 * yesterday's chunks.
 */
const GEAR = (() => {
  const table = new Int32Array(256);
  let seed = 0x9e3779b9;
  for (let i = 0; i < 256; i++) {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    table[i] = t ^ (t >>> 14);
  }
  return table;
})();

/**
 * FastCDC's normalized chunking: below the average a mask of two more bits (a cut is
 * 4× less likely), above it two fewer (4× more likely), which narrows the size spread.
 * The masks take the hash's high bits: with a shift of one per byte, bit k depends on
 * the last k+1 bytes, so high bits see the whole 32-byte window.
 */
function masks(avg: number): { small: number; large: number } {
  const bits = Math.log2(avg);
  const top = (n: number) => (n >= 32 ? -1 : ~((1 << (32 - n)) - 1));
  return { small: top(bits + 2), large: top(Math.max(1, bits - 2)) };
}

/**
 * The running state of one chunk being cut: how many bytes it holds so far and the
 * gear hash over them. `scan` advances it over `data` and says where the chunk ends.
 */
export class CdcCutter {
  private readonly small: number;
  private readonly large: number;
  /** Bytes of the current chunk seen so far. */
  length = 0;
  private hash = 0;

  constructor(readonly params: CdcParams) {
    if (!(params.min >= 1 && params.min <= params.avg && params.avg <= params.max)) throw new RangeError('need 1 <= min <= avg <= max');
    ({ small: this.small, large: this.large } = masks(params.avg));
  }

  /**
   * Advance over `data[from..]`; return the index just past the current chunk's last
   * byte when it ends inside `data` (the state is then reset for the next chunk), else -1.
   */
  scan(data: Uint8Array, from: number): number {
    const { min, avg, max } = this.params;
    const start = from - this.length; // where the chunk began, relative to data (may be < 0)
    let i = Math.max(from, start + min);
    if (i >= data.length) {
      this.length += data.length - from;
      return -1;
    }
    let h = this.hash;
    // Two tight loops, one per mask, as in FastCDC's reference code: no per-byte choice.
    const normal = Math.min(data.length, start + avg);
    const small = this.small;
    while (i < normal) {
      h = ((h << 1) + GEAR[data[i++]]) | 0;
      if ((h & small) === 0) return this.cutAt(i);
    }
    const last = Math.min(data.length, start + max);
    const large = this.large;
    while (i < last) {
      h = ((h << 1) + GEAR[data[i++]]) | 0;
      if ((h & large) === 0) return this.cutAt(i);
    }
    if (i === start + max) return this.cutAt(i);
    this.length = i - start;
    this.hash = h;
    return -1;
  }

  private cutAt(i: number): number {
    this.reset();
    return i;
  }

  /** Start a new chunk (after the stream's last one). */
  reset(): void {
    this.length = 0;
    this.hash = 0;
  }
}

/**
 * Cuts a byte stream at content-defined boundaries into Buffers of `min` to `max` bytes,
 * copying each byte at most once; the final chunk may be shorter than `min`. Chunks are
 * gathered in Buffers of `max` bytes from `alloc` (so they can be reused whole), or
 * handed out as views of the input when one lies inside a single write.
 */
export class CdcAccumulator {
  private readonly cutter: CdcCutter;
  private buf: Buffer | null = null;
  private filled = 0;

  constructor(
    params: CdcParams,
    private readonly alloc: (size: number) => Buffer = Buffer.allocUnsafeSlow,
  ) {
    this.cutter = new CdcCutter(params);
  }

  /** Take `data`; yield every chunk it completes. */
  *push(data: Buffer): Generator<Buffer> {
    let off = 0;
    while (off < data.length) {
      const cut = this.cutter.scan(data, off);
      const end = cut < 0 ? data.length : cut;
      if (cut >= 0 && this.filled === 0) {
        yield data.subarray(off, cut);
      } else {
        this.buf ??= this.alloc(this.cutter.params.max);
        data.copy(this.buf, this.filled, off, end);
        this.filled += end - off;
        if (cut >= 0) yield this.take();
      }
      off = end;
    }
  }

  /** The final chunk, or null when the stream ended on a boundary. */
  flush(): Buffer | null {
    if (!this.filled) return null;
    this.cutter.reset();
    return this.take();
  }

  private take(): Buffer {
    const chunk = this.buf!.subarray(0, this.filled);
    this.buf = null;
    this.filled = 0;
    return chunk;
  }
}

/** The chunk lengths `data` is cut into, whole: for tests and the benchmark's measurements. */
export function cdcLengths(data: Uint8Array, params: CdcParams): number[] {
  const cutter = new CdcCutter(params);
  const out: number[] = [];
  let off = 0;
  while (off < data.length) {
    const cut = cutter.scan(data, off);
    if (cut < 0) break;
    out.push(cut - off);
    off = cut;
  }
  if (off < data.length) out.push(data.length - off);
  return out;
}
