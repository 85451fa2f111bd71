import * as zlib from 'node:zlib';
import { promisify } from 'node:util';

/**
 * How a deduplicated set's chunks are compressed (s3sink --compress), one chunk at a
 * time so memory stays at a chunk's size: zstd where this Node's node:zlib has it (22.15
 * and later, 24), else deflate. Both run on libuv's thread pool (the async zlib calls),
 * not on the main thread, which cuts, hashes and drives HTTP. A chunk that does not
 * shrink is stored as it is, with no codec. The codec a chunk was stored with is in its
 * manifest entry and in its key (layout.ts dedupChunkKey), so two writers never store
 * one chunk in two codecs under one key.
 */

/** Every codec a manifest can name. `deflate` is the zlib format (RFC 1950, HTTP's deflate): its Adler-32 catches most damage before the SHA-256 does. */
export type Codec = 'zstd' | 'deflate';

/** What this version knows; a manifest may name others (a later version's). */
export const CODECS: readonly string[] = ['zstd', 'deflate'];

/** The zstd calls of node:zlib, which @types/node 20 does not declare. */
interface ZstdZlib {
  zstdCompress?: (buf: Buffer, opts: object, cb: (err: Error | null, out: Buffer) => void) => void;
  zstdDecompress?: (buf: Buffer, opts: object, cb: (err: Error | null, out: Buffer) => void) => void;
  constants: { ZSTD_c_compressionLevel?: number };
}

const z = zlib as unknown as ZstdZlib;

/**
 * The codec an upload writes with, given what node:zlib offers (a parameter so a table
 * test covers a Node without zstd).
 */
export function writeCodec(lib: Pick<ZstdZlib, 'zstdCompress'> = z): Codec {
  return typeof lib.zstdCompress === 'function' ? 'zstd' : 'deflate';
}

/**
 * Why a chunk stored with `codec` cannot be read here, or undefined when it can: one
 * line, after the chunk's URL. A parameter for node:zlib, as for writeCodec.
 */
export function undecodable(codec: string, lib: Pick<ZstdZlib, 'zstdDecompress'> = z): string | undefined {
  if (!CODECS.includes(codec)) return `it is compressed with ${codec}, a codec this version of pipekit does not know; upgrade pipekit`;
  if (codec === 'zstd' && typeof lib.zstdDecompress !== 'function') {
    return `it is compressed with zstd, which this Node (${process.version}) cannot decompress; run it on Node 22.15 or later`;
  }
  return undefined;
}

/**
 * Level 1 of each. Measured (one core, 256 KiB pieces of a tar of sources): zstd 3 stored
 * 18.0% against zstd 1's 19.3%, for 1.4x the CPU (s3sink(1), "Compression").
 */
const ZSTD_LEVEL = 1;
const DEFLATE_LEVEL = 1;

const deflate = promisify(zlib.deflate) as (buf: Buffer, opts: zlib.ZlibOptions) => Promise<Buffer>;
const inflate = promisify(zlib.inflate) as (buf: Buffer, opts: zlib.ZlibOptions) => Promise<Buffer>;

function zstd(call: 'zstdCompress' | 'zstdDecompress', buf: Buffer, opts: object): Promise<Buffer> {
  const fn = z[call]!;
  return new Promise((resolve, reject) => fn(buf, opts, (err, out) => (err ? reject(err) : resolve(out))));
}

/**
 * `chunk` compressed with `codec`, or null when that does not make it smaller (it is then
 * stored as it is). The output buffer holds the whole result: at zlib's default of 16 KiB
 * each piece was a round trip to the thread pool, and compressing random 256 KiB chunks
 * took 4.1-5.3 CPU s/GiB instead of 1.8-2.6 (sync: 1.5-2.2).
 */
export async function compressChunk(chunk: Buffer, codec: Codec): Promise<Buffer | null> {
  const chunkSize = chunk.length + (chunk.length >> 7) + 1024;
  const out =
    codec === 'zstd'
      ? await zstd('zstdCompress', chunk, { chunkSize, params: { [z.constants.ZSTD_c_compressionLevel!]: ZSTD_LEVEL } })
      : await deflate(chunk, { chunkSize, level: DEFLATE_LEVEL });
  return out.length < chunk.length ? out : null;
}

/**
 * The `size` bytes `body` was compressed from with `codec` (known to be decodable, see
 * undecodable). A body that inflates past `size` fails here, never allocating more.
 */
export function decompressChunk(body: Buffer, codec: string, size: number): Promise<Buffer> {
  // zlib refuses a maxOutputLength of 0; an empty chunk is never compressed anyway.
  const opts = { maxOutputLength: Math.max(1, size), chunkSize: Math.max(64, size) };
  return codec === 'zstd' ? zstd('zstdDecompress', body, opts) : inflate(body, opts);
}
