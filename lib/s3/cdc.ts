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
  /** FastCDC's normalization level: CDC_NORMALIZATION, the only one cut at, when given. */
  normalization?: number;
}

/**
 * The default average, 256 KiB, with min avg/4 and max avg×4, chosen by measurement
 * (bench/dedup.ts, 1 GiB tar of 1,000 files, 1% changed, 1% added, 1% removed; the man
 * page's "Deduplication" has the table). Each change point costs about 1.3 chunks of
 * new bytes around it, so the second upload stays within twice the changed and added
 * bytes only at 256 KiB or below: 1.89× at 256K (3,337 chunks/GiB; 2.02× on another
 * tree), 2.77× at 512K (1,665), 4.5× at 1 MiB (828). Smaller averages dedup more but
 * cost requests: 128K stored 1.49× with 6,729 chunks/GiB.
 */
export const DEFAULT_CDC_AVERAGE = 2 ** 18;

/**
 * The bounds for an average: min avg/4, max avg×4 (restic's ratio to its 1 MiB is 1/2
 * and 8). Against avg/2, measured at 256K on two trees: 3-5% fewer new bytes in the
 * second upload (1.89× and 2.02× the changed bytes against 1.95× and 2.13×), for 9%
 * more chunks; at 256K the second upload sits at the target of 2×, so bytes won.
 */
export function cdcParams(avg: number): CdcParams {
  if (!Number.isInteger(Math.log2(avg)) || avg < 256) throw new RangeError(`the average chunk size must be a power of two of at least 256 bytes, not ${avg}`);
  return { min: avg / 4, avg, max: avg * 4 };
}

/**
 * 256 pseudo-random 32-bit words, from a fixed seed (mulberry32) so that every version
 * cuts the same bytes the same way: a changed table would dedup nothing against
 * yesterday's chunks.
 */
export const GEAR = (() => {
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
 * FastCDC's normalized chunking, level 1: below the average a mask of one more bit (a
 * cut is 2× less likely), above it one fewer (2× more likely), which narrows the size
 * spread. Level 2 (the paper's) re-synchronises worse after a change, since whether a
 * point cuts depends on its distance from the chunk's start: measured at 256K with
 * min avg/4, the second upload's new bytes were 2.04× the changed bytes at level 2,
 * 1.89× at level 1, 2.02× at level 0, 2.98× at level 3.
 *
 * The one level this version cuts at, and the only one ever written: every
 * deduplicated set's manifest records it (DedupInfo.normalization), so a later version
 * that cuts otherwise can keep cutting an existing set this way (another cut would
 * send every chunk of every set again once); a set recorded at a level this version
 * lacks still reads, and its next upload here re-cuts it at this one (options.ts
 * dedupInfo). The rest of what places a cut, the gear table, the high
 * bits and hashing from `min`, is fixed for good with the format: changing any of it
 * would need a field of its own.
 */
export const CDC_NORMALIZATION = 1;

/**
 * The masks take the hash's high bits: with a shift of one per byte, bit k depends on
 * the last k+1 bytes, so high bits see the whole 32-byte window.
 */
function masks(avg: number): { small: number; large: number } {
  const bits = Math.log2(avg);
  const top = (n: number) => (n >= 32 ? -1 : ~((1 << (32 - n)) - 1));
  return { small: top(bits + CDC_NORMALIZATION), large: top(Math.max(1, bits - CDC_NORMALIZATION)) };
}

/**
 * The gear loop in WebAssembly, since per byte it is all the CPU chunking costs:
 * measured 1.0 GB/s against 0.55 GB/s for the same loop in JS (CPU time, Node 22).
 * `scan(from, end, h, mask)` rolls h over bytes [from, end) of the window (memory at
 * 1024; the gear table is at 0) and returns the index just past the first byte where
 * (h & mask) is 0, or -1; either way the global `h` holds the hash reached. Written by
 * hand (there is no toolchain to build it), 124 bytes:
 *
 *   block  loop
 *     br_if 1 (i >= end)
 *     h = (h << 1) + i32.load(i32.load8_u(i + 1024) << 2);  i++
 *     if ((h & mask) == 0) { global h = h; return i }
 *     br 0
 *   end  end
 *   global h = h;  return -1
 */
const GEAR_WASM = [
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x09, 0x01, 0x60, 0x04, 0x7f, 0x7f, 0x7f, 0x7f, 0x01, 0x7f, // type 0: (i32 i32 i32 i32) -> i32
  0x03, 0x02, 0x01, 0x00, // function 0 has type 0
  0x05, 0x03, 0x01, 0x00, 0x11, // one memory of 17 pages: table and a 1 MiB window
  0x06, 0x06, 0x01, 0x7f, 0x01, 0x41, 0x00, 0x0b, // global 0: mutable i32 = 0
  0x07, 0x12, 0x03, 0x04, 0x73, 0x63, 0x61, 0x6e, 0x00, 0x00, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x01, 0x68, 0x03, 0x00, // exports scan, mem, h
  0x0a, 0x42, 0x01, 0x40, 0x00, // code: one body of 64 bytes, no locals
  0x02, 0x40, 0x03, 0x40, // block, loop
  0x20, 0x00, 0x20, 0x01, 0x4f, 0x0d, 0x01, // i >= end: br_if 1
  0x20, 0x02, 0x41, 0x01, 0x74, // h << 1
  0x20, 0x00, 0x2d, 0x00, 0x80, 0x08, 0x41, 0x02, 0x74, 0x28, 0x02, 0x00, // gear[byte at 1024 + i]
  0x6a, 0x22, 0x02, // add, tee h
  0x20, 0x00, 0x41, 0x01, 0x6a, 0x21, 0x00, // i++
  0x20, 0x03, 0x71, 0x45, 0x04, 0x40, 0x20, 0x02, 0x24, 0x00, 0x20, 0x00, 0x0f, 0x0b, // (h & mask) == 0: global h = h, return i
  0x0c, 0x00, 0x0b, 0x0b, // br 0, end loop, end block
  0x20, 0x02, 0x24, 0x00, 0x41, 0x7f, 0x0b, // global h = h, return -1
];

/** Bytes copied into the module's memory per call. */
const WINDOW = 2 ** 20;

/**
 * One instance per thread (module state is per isolate): scan() is synchronous, so
 * cutters never interleave in it.
 */
const gear = (() => {
  const wasm = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(GEAR_WASM))).exports as {
    scan: (from: number, end: number, h: number, mask: number) => number;
    mem: WebAssembly.Memory;
    h: WebAssembly.Global;
  };
  new Int32Array(wasm.mem.buffer, 0, 256).set(GEAR);
  return { scan: wasm.scan, hash: wasm.h, window: new Uint8Array(wasm.mem.buffer, 1024, WINDOW) };
})();

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
    if ((params.normalization ?? CDC_NORMALIZATION) !== CDC_NORMALIZATION) throw new RangeError(`only normalization level ${CDC_NORMALIZATION} is implemented, not ${params.normalization}`);
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
    const normal = start + avg;
    const last = Math.min(data.length, start + max);
    while (i < last) {
      const end = Math.min(last, i + WINDOW);
      gear.window.set(data.subarray(i, end));
      // Two calls, one per mask, as FastCDC's reference code has two loops: no per-byte choice.
      const split = Math.max(0, Math.min(end, normal) - i);
      let cut = split > 0 ? gear.scan(0, split, h, this.small) : -1;
      if (split > 0) h = gear.hash.value as number;
      if (cut < 0 && split < end - i) {
        cut = gear.scan(split, end - i, h, this.large);
        h = gear.hash.value as number;
      }
      if (cut >= 0) return this.cutAt(i + cut);
      i = end;
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
