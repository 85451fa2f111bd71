import { errorLine } from '../error-line';
import { type FilterSpec, type ParsedArgs } from './args';
/**
 * The process lifecycle every filter shares: exit codes, one-line errors, quiet EPIPE,
 * SIGINT/SIGTERM turned into an AbortSignal, stdout flushed before exit.
 */
export declare const EXIT_OK = 0;
export declare const EXIT_FAILURE = 1;
export declare const EXIT_USAGE = 2;
export declare const EXIT_SIGINT = 130;
export declare const EXIT_SIGTERM = 143;
/** A failure with a one-line message meant for the user and a chosen exit code. */
export declare class FilterError extends Error {
    readonly exitCode: number;
    constructor(message: string, exitCode?: number, options?: {
        cause?: unknown;
    });
}
/** The reason the filter's signal aborts with on SIGINT/SIGTERM; `signal` names it, so it can be forwarded. */
export declare class Interrupted extends FilterError {
    readonly signal: NodeJS.Signals;
    constructor(signal: NodeJS.Signals);
}
export interface FilterContext extends ParsedArgs {
    /** Aborted on SIGINT/SIGTERM; pass it to every stream and request. */
    signal: AbortSignal;
    /** An informational line on stderr, silenced by -q. */
    info(line: string): void;
    /** A warning on stderr; never silenced. */
    warn(line: string): void;
    /** Whether progress lines should be drawn (stderr is a TTY, or --progress). */
    progress: boolean;
    debug: boolean;
}
export type FilterMain = (ctx: FilterContext) => Promise<number | void>;
export declare function packageVersion(): string;
export { errorLine };
/**
 * Run a filter: parse argv, handle --help/--version, run `main`, map the outcome to an
 * exit status. Never returns.
 */
export declare function runFilter(spec: FilterSpec, main: FilterMain, argv?: string[]): Promise<never>;
