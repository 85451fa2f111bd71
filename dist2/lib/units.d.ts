/** Parsing and printing of sizes and durations, as `split -b`, `dd` and `du -h` do. */
/** `8M`, `512K`, `5G`, `1048576`, `8MiB`: binary multiples. Returns NaN when malformed. */
export declare function parseSize(text: string): number;
/** `30`, `30s`, `500ms`, `2m`, `12h`, `30d`: milliseconds (seconds when bare). Returns NaN when malformed. */
export declare function parseDuration(text: string): number;
/** 1536 -> `1.5K`, as `du -h` prints. */
export declare function humanSize(bytes: number): string;
/** Bytes per second as `123.4 MB/s` (decimal, as throughput is usually quoted). */
export declare function humanRate(bytes: number, ms: number): string;
/** Milliseconds as a duration flag would spell them: `30s`, `1500ms`. */
export declare function humanDuration(ms: number): string;
