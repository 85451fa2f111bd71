// stream-chunker ships no types; only what bench/chunker.ts uses.
declare module 'stream-chunker' {
  import type { Transform } from 'node:stream';
  function chunker(size: number, opts?: { flush?: boolean }): Transform;
  export = chunker;
}
