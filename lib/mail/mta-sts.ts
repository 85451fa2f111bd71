import { MxResolver } from './mx';
import { printable } from './smtp-reply';
import { systemCas, tlsErrorText } from './tls-facts';

/**
 * MTA-STS (RFC 8461): the `_mta-sts` TXT record and the policy served by HTTPS, parsed
 * and matched by pure functions; fetching with the certificate verified and no redirect
 * followed (RFC 8461 3.3).
 */

export type StsMode = 'enforce' | 'testing' | 'none';

export interface StsPolicy {
  mode: StsMode;
  /** The mx patterns, lower case: names and `*.example.org` wildcards. */
  mx: string[];
  maxAge: number;
}

/** What a domain publishes: its TXT record, and the policy or why it could not be had. */
export interface StsLookup {
  /** The `v=STSv1` TXT record, or null when the domain has none (no MTA-STS). */
  txt: string | null;
  policy: StsPolicy | null;
  /** Why the policy is missing although the TXT record is there. */
  error: string | null;
}

/** The MTA-STS facts of one exchange, as mxprobe prints them. */
export interface StsFacts {
  mode: StsMode | null;
  mx: string[];
  /** The exchange's name matches one of the mx patterns. */
  match: boolean;
  /** Why a sender honouring the policy would refuse this exchange (`no-match`, `no-starttls`, `unverified`), or null. */
  wouldFail: string | null;
  /** Why there is no policy although the TXT record is there (fetch or parse failure), or null. */
  error: string | null;
}

/** The first `v=STSv1` record of a name's TXT strings (RFC 8461 3.1), or null. */
export function stsRecord(txt: string[]): string | null {
  return txt.find((t) => /^v=STSv1\s*(;|$)/.test(t)) ?? null;
}

const MAX_POLICY_BYTES = 64 * 1024; // RFC 8461 3.3: clients may limit the size; 64 KiB is the figure it gives

/** The policy of RFC 8461 3.2 from its text; a one-line reason as a string when it is not one. */
export function parseStsPolicy(text: string): StsPolicy | string {
  const fields = new Map<string, string[]>();
  for (const raw of text.split(/\r?\n/)) {
    const m = /^([A-Za-z0-9_]+):\s*(.*?)\s*$/.exec(raw);
    if (!m) continue;
    const key = m[1].toLowerCase();
    fields.set(key, [...(fields.get(key) ?? []), m[2]]);
  }
  if (fields.get('version')?.[0] !== 'STSv1') return 'policy has no "version: STSv1"';
  const mode = fields.get('mode')?.[0];
  if (mode !== 'enforce' && mode !== 'testing' && mode !== 'none') return `policy mode is not enforce, testing or none: ${printable(mode ?? '(missing)')}`;
  const maxAge = Number(fields.get('max_age')?.[0]);
  if (!Number.isInteger(maxAge) || maxAge < 0) return 'policy has no valid max_age';
  const mx = (fields.get('mx') ?? []).map((p) => p.toLowerCase().replace(/\.$/, ''));
  if (mode !== 'none' && !mx.length) return 'policy lists no mx';
  return { mode, mx, maxAge };
}

/** RFC 8461 4.1: an exact name, or `*.` followed by a name matching exactly one more left-most label. */
export function mxPatternMatches(pattern: string, exchange: string): boolean {
  const host = exchange.toLowerCase().replace(/\.$/, '');
  if (!pattern.startsWith('*.')) return pattern === host;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot + 1) === pattern.slice(2);
}

/** The facts for one exchange under a domain's lookup, given what its session showed; null for a domain without MTA-STS. */
export function stsFacts(lookup: StsLookup | null, exchange: string, tls: { offered: boolean; verified: boolean }): StsFacts | null {
  if (!lookup?.txt) return null;
  const policy = lookup.policy;
  if (!policy) return { mode: null, mx: [], match: false, wouldFail: null, error: lookup.error };
  const match = policy.mx.some((p) => mxPatternMatches(p, exchange));
  let wouldFail: string | null = null;
  if (policy.mode !== 'none') {
    if (!match) wouldFail = 'no-match';
    else if (!tls.offered) wouldFail = 'no-starttls';
    else if (!tls.verified) wouldFail = 'unverified';
  }
  return { mode: policy.mode, mx: policy.mx, match, wouldFail, error: null };
}

export interface StsFetchOptions {
  resolver: MxResolver;
  /** Trusted CAs for the policy host's certificate (PEM); default the system's. */
  ca?: string[];
  timeoutMs: number;
  /** HTTPS port of the policy host. Default 443. */
  port?: number;
}

/** GET the policy text over HTTPS from the first address of `host`, certificate verified for `host`. */
function fetchPolicyText(host: string, address: string, options: StsFetchOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    // Loaded here: see nodeTls.
    const { request } = require('node:https') as typeof import('node:https');
    const req = request(
      {
        host: address,
        servername: host,
        port: options.port ?? 443,
        path: '/.well-known/mta-sts.txt',
        headers: { host },
        ca: options.ca ?? systemCas(),
        timeout: options.timeoutMs,
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`HTTP ${res.statusCode} (redirects are not followed, RFC 8461 3.3)`));
        }
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
          if (body.length > MAX_POLICY_BYTES) req.destroy(new Error(`policy longer than ${MAX_POLICY_BYTES} bytes`));
        });
        res.on('end', () => resolve(body));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within the timeout')));
    req.on('error', (err) => reject(new Error(tlsErrorText(err))));
    req.end();
  });
}

/** The domain's MTA-STS TXT record and, when it has one, its policy; never throws. */
export async function lookupSts(domain: string, options: StsFetchOptions): Promise<StsLookup> {
  let txt: string | null;
  try {
    txt = stsRecord(await options.resolver.resolveTxt(`_mta-sts.${domain}`));
  } catch (err) {
    return { txt: null, policy: null, error: (err as Error).message };
  }
  if (!txt) return { txt: null, policy: null, error: null };
  const host = `mta-sts.${domain}`;
  try {
    const [address] = await options.resolver.resolveAddresses(host);
    if (!address) return { txt, policy: null, error: `${host} has no A/AAAA records` };
    const parsed = parseStsPolicy(await fetchPolicyText(host, address, options));
    return typeof parsed === 'string' ? { txt, policy: null, error: parsed } : { txt, policy: parsed, error: null };
  } catch (err) {
    return { txt, policy: null, error: `policy fetch from ${host}: ${printable((err as Error).message, 200)}` };
  }
}
