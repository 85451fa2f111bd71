/** One run of one command. */
export interface Sample {
    wallS: number;
    cpuS: number;
    rssKiB: number;
}
/** A command to time: argv run as is, or a shell line run by `bash -c` (redirections). */
export interface Contender {
    label: string;
    argv?: string[];
    shell?: string;
    env?: NodeJS.ProcessEnv;
    /** Bytes it moves, for MB/s and CPU per GiB (none for start-up rows). */
    bytes?: number;
    /** Runs after each run, outside the timing (removing what an upload stored, …). */
    after?: () => Promise<void>;
    /** Checks a run's stdout; a wrong answer is a failed benchmark, not a fast one. */
    check?: (stdout: Buffer) => void;
}
export interface Row {
    label: string;
    bytes?: number;
    median: Sample;
}
/** Whether `cmd` is on PATH. */
export declare function installed(cmd: string): boolean;
/** One run under /usr/bin/time; throws on a non-zero exit. */
export declare function timeOnce(c: Contender): Promise<Sample>;
/** Every contender `runs` times, alternating, and each one's median run. */
export declare function race(contenders: Contender[], runs: number): Promise<Row[]>;
/** Speed of `row` over the speed of `peer` (time ratio inverted): > 1 is faster. */
export declare function speedRatio(row: Row, peer: Row | undefined): number | undefined;
/** The table: one line per row, with its speed ratio against `peerOf(row)` and that target. */
export interface Targets {
    /** Speed of `row` at least `target` times that of `peer`. */
    ratios?: {
        row: string;
        peer: string;
        target: number;
    }[];
    /** CPU seconds per GiB of `row` at most `max`. */
    cpu?: {
        row: string;
        max: number;
    }[];
}
/** The table, one line per row, then each target with its measured value. */
export declare function formatTable(title: string, rows: Row[], targets?: Targets): string;
/** The bench's scale: BENCH_QUICK=1 for small sizes and one run, to iterate fast. */
export declare const QUICK: boolean;
/** Runs per contender (BENCH_RUNS; 3 by default, 1 in quick mode). */
export declare const RUNS: number;
/**
 * BENCH_BASELINE=DIR: the `dist` of another build (an older commit, built apart) whose
 * filters race beside these as extra rows marked "(baseline)", for a before/after
 * measured in the same run.
 */
export declare const BASELINE: string | undefined;
/** The baseline build's copy of `contender`, running its filter `name` at `path` instead. */
export declare function baselineOf(c: Contender, path: string, name: string): Contender | undefined;
