"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.parseAwsIni = parseAwsIni;
exports.findProfile = findProfile;
const node_fs_1 = require("node:fs");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
/**
 * The shared AWS config files (~/.aws/config, ~/.aws/credentials), read the way the aws
 * cli reads them, for what the SDK leaves to us: whether a profile exists at all (the
 * SDK's answer is "could not load credentials from any providers"), and its region and
 * endpoint_url (our client sets both explicitly, so the SDK's own lookup never runs).
 */
/** Sections of an INI text: `[profile dev]` and `[dev]` both as `dev`; keys lower case. */
function parseAwsIni(text, configFile) {
    const sections = new Map();
    let current;
    for (const raw of text.split(/\r?\n/)) {
        const line = raw.trim();
        if (!line || line.startsWith('#') || line.startsWith(';'))
            continue;
        const head = /^\[\s*(.+?)\s*\]$/.exec(line);
        if (head) {
            // In config, named profiles are `[profile NAME]`; `[default]` is itself; other
            // sections (`[sso-session x]`, `[services y]`) are not profiles.
            const m = configFile ? /^profile\s+(.+)$/.exec(head[1]) : null;
            const name = m ? m[1] : head[1] === 'default' || !configFile ? head[1] : undefined;
            current = name === undefined ? undefined : (sections.get(name) ?? {});
            if (name !== undefined && current)
                sections.set(name, current);
            continue;
        }
        const kv = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
        if (kv && current)
            current[kv[1].toLowerCase()] = kv[2];
    }
    return sections;
}
/** Where the files are: `AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, else ~/.aws. */
function files(env) {
    return {
        config: env.AWS_CONFIG_FILE ?? (0, node_path_1.join)((0, node_os_1.homedir)(), '.aws', 'config'),
        credentials: env.AWS_SHARED_CREDENTIALS_FILE ?? (0, node_path_1.join)((0, node_os_1.homedir)(), '.aws', 'credentials'),
    };
}
function readIni(path, configFile) {
    try {
        return parseAwsIni((0, node_fs_1.readFileSync)(path, 'utf8'), configFile);
    }
    catch {
        return new Map();
    }
}
/** The profile `name` from either file, or undefined when neither has it. */
function findProfile(name, env = process.env) {
    const where = files(env);
    const config = readIni(where.config, true).get(name);
    const credentials = readIni(where.credentials, false).get(name);
    if (!config && !credentials)
        return undefined;
    return { name, region: config?.region, endpointUrl: config?.endpoint_url };
}
