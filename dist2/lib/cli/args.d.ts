/**
 * Option tables that produce both the parser and the --help text, so the two cannot
 * drift, as getopt_long reads them.
 */
export interface OptionSpec {
    /** Long name without dashes; a boolean when `arg` is absent. */
    name: string;
    short?: string;
    /** An older long spelling that still works; the help line names it. */
    alias?: string;
    /** Placeholder shown in help for options taking a value (`SIZE`, `URL`). */
    arg?: string;
    help: string;
    /** Shown and parsed as `--no-NAME`: the option defaults to true. */
    negatable?: boolean;
    /** A string option that may be given several times; parsed to an array. */
    repeatable?: boolean;
}
export interface FilterSpec {
    name: string;
    /** Synopsis lines without the program name: `[OPTION]... s3://BUCKET/NAME`. */
    synopsis: string[];
    summary: string;
    options: OptionSpec[];
    /**
     * SIGINT/SIGTERM are this filter's normal way to stop (a mount, a server): main()'s
     * result is the exit status, not 130/143.
     */
    signalEndsRun?: boolean;
}
/** A mistake in how the command was called: exit 2 with a usage hint. */
export declare class UsageError extends Error {
    readonly exitCode = 2;
}
export type Flags = Record<string, string | boolean | string[] | undefined>;
export interface ParsedArgs {
    flags: Flags;
    /** Every operand, those after `--` included. */
    args: string[];
    /** The operands after `--`, when it was given (`s3sink URL -- COMMAND ARG...`). */
    dashed?: string[];
}
export declare function parseArgs(spec: FilterSpec, argv: string[]): ParsedArgs;
/**
 * `-r0` as `-r -0`, as getopt reads it; minimist would take it as `-r` with the value 0.
 * Only bundles of boolean short options are split, and nothing after `--`.
 */
export declare function splitBundles(spec: FilterSpec, argv: string[]): string[];
/** The --help text: synopsis, summary and the option table. */
export declare function helpText(spec: FilterSpec): string;
