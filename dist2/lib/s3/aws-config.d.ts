/**
 * The shared AWS config files (~/.aws/config, ~/.aws/credentials), read the way the aws
 * cli reads them, for what the SDK leaves to us: whether a profile exists at all (the
 * SDK's answer is "could not load credentials from any providers"), and its region and
 * endpoint_url (our client sets both explicitly, so the SDK's own lookup never runs).
 */
/** Sections of an INI text: `[profile dev]` and `[dev]` both as `dev`; keys lower case. */
export declare function parseAwsIni(text: string, configFile: boolean): Map<string, Record<string, string>>;
export interface AwsProfile {
    name: string;
    region?: string;
    endpointUrl?: string;
}
/** The profile `name` from either file, or undefined when neither has it. */
export declare function findProfile(name: string, env?: NodeJS.ProcessEnv): AwsProfile | undefined;
