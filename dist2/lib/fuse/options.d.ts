import { type Flags } from '../cli';
import { type SizeRange } from './randfs';
import type { RandfsOptions } from './mount';
/** `4K` (fixed) or `0-64K` (a range, as `shuf -i LO-HI`); undefined when malformed. */
export declare function parseSizeRange(text: string): SizeRange | undefined;
/** The message style of lib/cli/flags.ts, for the two values only randfs has. */
/** Turn randfs's command-line flags into {@link RandfsOptions}; UsageError on bad values. */
export declare function randfsOptionsFromFlags(flags: Flags): RandfsOptions;
