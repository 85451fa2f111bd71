import type { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ipFamily } from './address';
import { printable } from './smtp-reply';
import type { DetailedPeerCertificate, PeerCertificate, TLSSocket } from 'node:tls';

/**
 * What a TLS session says about the server, and whether its certificate would satisfy
 * a verifying client: the chain checked against trusted CAs by OpenSSL, the name by
 * RFC 6125 rules (Node's checkServerIdentity: subjectAltName DNS names, a wildcard only
 * as the whole left-most label, as RFC 7672 3.2.3 and MTA-STS (RFC 8461 4.1) allow; the
 * CN only when there is no DNS name; IP addresses against IP SANs).
 */

/** The TLS facts of one session, as mxprobe prints them. */
export interface TlsFacts {
  /** `TLSv1.3`, `TLSv1.2`, … as OpenSSL names the protocol. */
  version: string;
  cipher: string;
  /** The certificate passed: chain and name (or a DANE record, see `dane`). */
  verified: boolean;
  /** Why it did not: expired, not-yet-valid, self-signed, unknown-ca, incomplete-chain, name-mismatch, …; null when verified. */
  error: string | null;
  /** The leaf's subject and issuer, as `CN=…, O=…`. */
  subject: string;
  issuer: string;
  /** subjectAltName DNS names and IP addresses, in certificate order. */
  names: string[];
  /** ISO 8601 time after which the leaf is expired. */
  notAfter: string;
  /** Whole days from now to notAfter; negative once expired. */
  daysLeft: number;
}

/** Where trusted CAs come from: the system's store, or only the PEM certificates of `--ca-file`. */
export type TrustAnchors = string[];

/**
 * node:tls (and node:https) load only once a server offers STARTTLS or a domain has an
 * MTA-STS policy to fetch: 36 ms of CPU at start-up that a probe of a plain server never
 * needs (issue 16).
 */
export function nodeTls(): typeof import('node:tls') {
  return require('node:tls') as typeof import('node:tls');
}

let systemStore: TrustAnchors | undefined;

/**
 * The operating system's trusted CAs (the ca-certificates store on Debian), read once, at
 * the first handshake or policy fetch that needs them: reading the store is most of a
 * one-domain mxprobe's CPU (issue 16), and a probe of a server without STARTTLS needs none.
 */
export function systemCas(): TrustAnchors {
  // Node 22.15+; @types/node of this tree predates it.
  systemStore ??= (nodeTls() as unknown as { getCACertificates(type: 'system'): string[] }).getCACertificates('system');
  return systemStore;
}

/** The certificates of a PEM file; an Error naming the file when it has none. */
export function caFile(path: string): TrustAnchors {
  const text = readFileSync(path, 'utf8');
  const pems = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (!pems.length) throw new Error(`${path}: no PEM certificate in it`);
  return pems;
}

// OpenSSL's verify codes (as Node names them) in the words of the man page.
const CHAIN_REASON: Record<string, string> = {
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'not-yet-valid',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'unknown-ca',
  // The issuer of a sent certificate is neither sent nor trusted. tlsFacts says
  // incomplete-chain when the server sent its leaf alone (an intermediate is missing),
  // unknown-ca when it sent a chain that ends at a CA nobody here trusts.
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unknown-ca',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unknown-ca',
  UNABLE_TO_GET_ISSUER_CERT: 'unknown-ca',
  CERT_SIGNATURE_FAILURE: 'bad-signature',
  CERT_REVOKED: 'revoked',
  CERT_UNTRUSTED: 'unknown-ca',
  INVALID_CA: 'invalid-ca',
  INVALID_PURPOSE: 'wrong-purpose',
  // Node's own name check, run at the handshake whenever a servername was given
  ERR_TLS_CERT_ALTNAME_INVALID: 'name-mismatch',
};

/** The reason word for an OpenSSL verification code (`CERT_HAS_EXPIRED` -> `expired`); other codes in lower case with dashes. */
export function chainReason(code: string): string {
  return CHAIN_REASON[code] ?? code.toLowerCase().replace(/_/g, '-');
}

/**
 * One clean line for a TLS failure: the reason word for a verification code, else
 * OpenSSL's reason (`unsupported protocol`), never its error stack or source paths.
 */
export function tlsErrorText(err: Error & { code?: string; reason?: string }): string {
  if (err.code && (CHAIN_REASON[err.code] || /^(CERT_|UNABLE_TO_|DEPTH_|SELF_SIGNED)/.test(err.code))) {
    return `certificate not verified: ${chainReason(err.code)}`;
  }
  if (err.reason) return printable(err.reason, 200);
  const first = err.message.split('\n')[0];
  // OpenSSL's text: `C0B7…:error:0A000102:SSL routines:ssl_choose_client_version:unsupported protocol:../deps/…:1985:`
  const ssl = /:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+)/.exec(first);
  return printable(ssl ? ssl[1] : first, 200);
}

/** `CN=mx.example.org, O=Example` from a certificate's subject or issuer object. */
export function distinguishedName(dn: Record<string, string | string[]> | undefined): string {
  if (!dn) return '';
  return Object.entries(dn)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

/** DNS names and IP addresses of a subjectAltName string (`DNS:a, IP Address:1.2.3.4`). */
export function altNames(subjectaltname: string | undefined): string[] {
  if (!subjectaltname) return [];
  return subjectaltname
    .split(/,\s*/)
    .map((entry) => /^(?:DNS|IP Address):(.*)$/.exec(entry)?.[1])
    .filter((n): n is string => !!n);
}

/** Whether `host` (a name or address) is a name the certificate is for, by RFC 6125 rules. */
export function nameMatches(host: string, cert: PeerCertificate): boolean {
  return nodeTls().checkServerIdentity(host, cert) === undefined;
}

const DAY_MS = 86_400_000;
const ISSUER_UNKNOWN = new Set(['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT']);

/**
 * The facts of an established session with the certificate judged against `anchors`
 * (the socket was opened with them as `ca`) and the name against `host`; no name check
 * when `host` is undefined.
 */
export function tlsFacts(socket: TLSSocket, host: string | undefined, now = Date.now()): TlsFacts {
  const cert = socket.getPeerCertificate(false);
  const notAfterMs = cert.valid_to ? Date.parse(cert.valid_to) : NaN;
  let error: string | null = null;
  if (!cert.raw) error = 'no-certificate';
  else if (socket.authorizationError) {
    const code = String(socket.authorizationError);
    const leafAlone = presentedChain(socket).length === 1;
    error = leafAlone && ISSUER_UNKNOWN.has(code) ? 'incomplete-chain' : chainReason(code);
  }
  else if (host !== undefined && !nameMatches(host, cert)) error = 'name-mismatch';
  return {
    version: socket.getProtocol() ?? 'unknown',
    cipher: socket.getCipher()?.name ?? 'unknown',
    verified: error === null,
    error,
    subject: distinguishedName(cert.subject as never),
    issuer: distinguishedName(cert.issuer as never),
    names: altNames(cert.subjectaltname),
    notAfter: Number.isNaN(notAfterMs) ? '' : new Date(notAfterMs).toISOString(),
    daysLeft: Number.isNaN(notAfterMs) ? 0 : Math.floor((notAfterMs - now) / DAY_MS),
  };
}

/** The certificates the server presented, leaf first, as DER (for DANE matching). */
export function presentedChain(socket: TLSSocket): X509Certificate[] {
  // Here, not on import: node:crypto is ~8 ms of CPU that --version and a usage error never need (issue 16).
  const { X509Certificate } = require('node:crypto') as typeof import('node:crypto');
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  let c: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (c?.raw && !seen.has(c.fingerprint256)) {
    seen.add(c.fingerprint256);
    chain.push(new X509Certificate(c.raw));
    c = c.issuerCertificate;
  }
  return chain;
}

/** The name to check a certificate against: the exchange's name without a trailing dot (an address stays an address). */
export function certificateHost(exchange: string): string {
  return ipFamily(exchange) ? exchange : exchange.replace(/\.$/, '');
}

/** RFC 8996 deprecates TLS 1.0 and 1.1: a verifying or requiring client refuses them. */
export function outdatedProtocol(version: string): boolean {
  return /^(SSLv|TLSv1(\.[01])?$)/.test(version);
}

/** `TLSv1.3:verified`, `TLSv1.2:name-mismatch`, `TLSv1.3:dane-ee`, or `none`: the compact TSV column. */
export function compactTls(facts: TlsFacts | null, dane?: 'dane-ee' | 'dane-ta'): string {
  if (!facts) return 'none';
  if (dane) return `${facts.version}:${dane}`;
  return `${facts.version}:${facts.verified ? 'verified' : facts.error}`;
}
