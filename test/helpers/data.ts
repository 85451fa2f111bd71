import { Readable } from 'node:stream';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Random bytes that are the same for the same seed (tests must be repeatable): the
 * AES-256-CTR keystream under a key drawn from the seed. A SHA-256 chain of 32-byte
 * blocks cost 130 ms of CPU per MiB, a third of the backups suite's CPU; this is ~1 ms.
 */
export function seededBytes(size: number, seed = 1): Buffer {
  const key = createHash('sha256').update(String(seed)).digest();
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(size));
}

/** `data` as a Readable of pieces with awkward sizes (1 byte, primes, larger than a chunk…). */
export function oddPieces(data: Buffer, sizes = [1, 7, 4093, 65537, 3, 1 << 20, 12345]): Readable {
  let off = 0;
  let i = 0;
  return new Readable({
    read() {
      if (off >= data.length) {
        this.push(null);
        return;
      }
      const n = sizes[i++ % sizes.length];
      this.push(data.subarray(off, off + n));
      off += n;
    },
  });
}

/**
 * A Readable of `total` bytes made of one random block repeated: a big stream without
 * holding it in memory.
 */
export function repeatingStream(total: number, blockSize = 1 << 20): Readable {
  const block = randomBytes(blockSize);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) {
        this.push(null);
        return;
      }
      const n = Math.min(blockSize, total - sent);
      sent += n;
      this.push(n === blockSize ? block : block.subarray(0, n));
    },
  });
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** mulberry32: a tiny deterministic PRNG, so a fault-rate or soak run repeats for its seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
