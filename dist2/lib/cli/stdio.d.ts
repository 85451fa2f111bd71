/** Standard input and output as filters use them: lists in, bytes out, exact counts. */
/** Bytes a stream copy handed to the output before it ended or failed. */
export declare class CopyError extends Error {
    readonly bytes: number;
    constructor(bytes: number, cause: unknown);
}
/**
 * Copy a byte Readable to a Writable (stdout), honouring backpressure, and return the
 * bytes written. Unlike pipeline() it knows exactly how much reached the output when the
 * source fails: the count excludes what was still buffered between the two streams.
 * `written` gets each chunk once the Writable is done with it.
 */
export declare function copyTo(source: AsyncIterable<Buffer>, out: NodeJS.WritableStream, written?: (chunk: Buffer) => void): Promise<number>;
/**
 * Items of a newline- or NUL-separated list, as they arrive (a `find` may still be
 * running); empty items are skipped.
 */
export declare function splitList(input: AsyncIterable<Buffer | string> | Iterable<Buffer | string>, nul: boolean): AsyncGenerator<string>;
/** A whole list (keys, domains, paths) from stdin: lines, or NUL-separated with -0. */
export declare function readList(input: NodeJS.ReadableStream, nul: boolean): Promise<string[]>;
/**
 * Standard input, after checking it can be read: Node reads a directory on fd 0 as an
 * empty stream, which would make `s3sink < dir` replace a backup with nothing.
 * A regular file is read 1 MiB at a time instead of process.stdin's 64 KiB: measured
 * here, 1 GiB costs 0.9 s of CPU that way against 2.7 s (each read is a thread-pool
 * round trip and a fresh Buffer). Pipes and terminals stay process.stdin.
 */
export declare function readableStdin(): NodeJS.ReadableStream;
/** Items from arguments, else from stdin; stdin a terminal with no arguments is a usage error. */
export declare function argsOrStdin(args: string[], nul: boolean, what: string): Promise<string[]>;
