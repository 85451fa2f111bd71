import type { S3Client } from '@aws-sdk/client-s3';
import { type Flags, type OptionSpec } from '../cli';
import { type S3Address } from './client';
import type { RemoveMode } from './remove';
import { type RetentionPolicy } from './retention';
/** The S3 filters' side of the CLI: shared flags, the client they build, their targets. */
/** Flags every S3 filter accepts, in one place so they mean the same everywhere. */
export declare const S3_OPTIONS: OptionSpec[];
/**
 * `-b BUCKET`, s3store style: the bucket of a bare name (a TAG, a KEY), in every filter
 * that takes bare names. `--bucket` was its long spelling in s3sink and s3source, and
 * still works there; s3rm's `--bucket` is the bucket-removal mode.
 */
export declare function inBucketOption(what: string, oldSpelling: boolean): OptionSpec;
/** `-t TAG`: the chunk set's name, s3store style. */
export declare const TAG_OPTION: OptionSpec;
export interface S3Setup {
    client: S3Client;
    /** The bucket from `--config`'s [Bucket] id, when there is one. */
    configBucket?: string;
}
/** Build the client from the shared flags; `warn` receives the config-permission warning. */
export declare function s3FromFlags(flags: Flags, warn: (line: string) => void, maxSockets?: number): S3Setup;
/** An `s3://bucket/key` argument, or a usage error. */
export declare function s3Argument(text: string): S3Address;
/**
 * The target of a filter that takes one `s3://bucket/name`, or the s3store style
 * `-b BUCKET -t TAG` (bucket also from --config).
 */
export declare function targetFromArgs(args: string[], flags: Flags, configBucket: string | undefined): S3Address;
/**
 * Turn s3rm's list (`s3://bucket/key`, or bare keys with a default bucket) into targets,
 * checking every item before anything is removed: one bad item (a key split at a blank
 * by plain `xargs`, say) refuses the whole list rather than removing part of it.
 */
export declare function resolveTargets(items: string[], mode: RemoveMode, defaultBucket?: string): S3Address[];
/** The retention flags of `s3sink` (at commit) and `s3rm --prune`, as `restic forget` spells them. */
export declare const RETENTION_OPTIONS: OptionSpec[];
/** The policy the retention flags give; `fallback` when none is given. */
export declare function retentionFromFlags(flags: Flags, fallback: RetentionPolicy | undefined): RetentionPolicy | undefined;
/** `--generation REF`: a GEN id as s3ls --generations prints it, or `~N`. */
export declare function generationRefFlag(flags: Flags): string | undefined;
/** `--create-bucket`, the same in every filter that writes. */
export declare const CREATE_BUCKET_OPTION: OptionSpec;
/** The bucket of an `s3://BUCKET` or `s3://BUCKET/` argument; a usage error for anything else. */
export declare function bucketArgument(text: string): string;
