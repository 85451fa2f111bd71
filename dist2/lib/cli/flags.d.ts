import { UsageError, type Flags, type OptionSpec } from './args';
/**
 * The flag vocabulary every filter shares: the options that mean the same everywhere,
 * declared once, and one parser per kind of value (whole number, size, duration) with
 * one message style: `invalid --NAME 'VALUE' (what is expected)`.
 */
export declare const HELP: OptionSpec;
export declare const VERSION: OptionSpec;
export declare const QUIET: OptionSpec;
export declare const PROGRESS: OptionSpec;
export declare const DEBUG: OptionSpec;
export declare const NUL: OptionSpec;
/** Options every filter has, in help order after its own. */
export declare const COMMON_OPTIONS: OptionSpec[];
/** `-j, --jobs N`: what runs at once, its default, and what else a user should know. */
export declare function jobsOption(what: string, fallback: number, note?: string): OptionSpec;
/** The one message style for a bad flag value: `invalid --NAME 'VALUE' (what is expected)`. */
export declare function invalidFlag(name: string, value: unknown, expected: string): UsageError;
export interface Bounds {
    min?: number;
    max?: number;
}
/** A whole-number flag (`--jobs 4`), default `min` 1. */
export declare function intFlag(flags: Flags, name: string, fallback: number, bounds?: Bounds): number;
export declare function intFlag(flags: Flags, name: string, fallback: undefined, bounds?: Bounds): number | undefined;
/** A size flag (`8M`, `512K`, `5G`, binary multiples), default `min` 1 byte. */
export declare function sizeFlag(flags: Flags, name: string, fallback: number, bounds?: Bounds): number;
export declare function sizeFlag(flags: Flags, name: string, fallback: undefined, bounds?: Bounds): number | undefined;
/** A duration flag (`30s`, `500ms`, `2m`) in milliseconds, more than zero. */
export declare function durationFlag(flags: Flags, name: string, fallback: number): number;
export declare function durationFlag(flags: Flags, name: string, fallback: undefined): number | undefined;
