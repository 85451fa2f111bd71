import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The shared AWS config files (~/.aws/config, ~/.aws/credentials), read the way the aws
 * cli reads them, for what the SDK leaves to us: whether a profile exists at all (the
 * SDK's answer is "could not load credentials from any providers"), and its region and
 * endpoint_url (our client sets both explicitly, so the SDK's own lookup never runs).
 */

/** Sections of an INI text: `[profile dev]` and `[dev]` both as `dev`; keys lower case. */
export function parseAwsIni(text: string, configFile: boolean): Map<string, Record<string, string>> {
  const sections = new Map<string, Record<string, string>>();
  let current: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (head) {
      // In config, named profiles are `[profile NAME]`; `[default]` is itself; other
      // sections (`[sso-session x]`, `[services y]`) are not profiles.
      const m = configFile ? /^profile\s+(.+)$/.exec(head[1]) : null;
      const name = m ? m[1] : head[1] === 'default' || !configFile ? head[1] : undefined;
      current = name === undefined ? undefined : (sections.get(name) ?? {});
      if (name !== undefined && current) sections.set(name, current);
      continue;
    }
    const kv = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (kv && current) current[kv[1].toLowerCase()] = kv[2];
  }
  return sections;
}

export interface AwsProfile {
  name: string;
  region?: string;
  endpointUrl?: string;
}

/** Where the files are: `AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, else ~/.aws. */
function files(env: NodeJS.ProcessEnv): { config: string; credentials: string } {
  return {
    config: env.AWS_CONFIG_FILE ?? join(homedir(), '.aws', 'config'),
    credentials: env.AWS_SHARED_CREDENTIALS_FILE ?? join(homedir(), '.aws', 'credentials'),
  };
}

function readIni(path: string, configFile: boolean): Map<string, Record<string, string>> {
  try {
    return parseAwsIni(readFileSync(path, 'utf8'), configFile);
  } catch {
    return new Map();
  }
}

/** The profile `name` from either file, or undefined when neither has it. */
export function findProfile(name: string, env: NodeJS.ProcessEnv = process.env): AwsProfile | undefined {
  const where = files(env);
  const config = readIni(where.config, true).get(name);
  const credentials = readIni(where.credentials, false).get(name);
  if (!config && !credentials) return undefined;
  return { name, region: config?.region, endpointUrl: config?.endpoint_url };
}
