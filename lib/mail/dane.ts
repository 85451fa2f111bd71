import { createHash, type X509Certificate } from 'node:crypto';

/**
 * DANE for SMTP (RFC 7672) as pure functions: TLSA records (RFC 6698) from their wire
 * form, and whether a presented certificate chain matches one of them.
 */

/** One TLSA record: certificate usage, selector, matching type and association data (hex). */
export interface TlsaRecord {
  usage: number;
  selector: number;
  matchingType: number;
  data: string;
}

/** The DANE facts of one session, as mxprobe prints them. */
export interface DaneFacts {
  /** Every TLSA record at _25._tcp.EXCHANGE, in presentation form `3 1 1 ab12…`. */
  records: string[];
  /** The record the presented chain matched (RFC 7672 usages 2 and 3 only), or null. */
  match: string | null;
  /**
   * The resolver set the AD bit: it validated the answer with DNSSEC. Only as
   * trustworthy as the resolver and the path to it (RFC 6698 4.1).
   */
  validated: boolean;
}

/** A TLSA record from its RDATA; undefined when shorter than the fixed fields. */
export function parseTlsa(rdata: Buffer): TlsaRecord | undefined {
  if (rdata.length < 4) return undefined;
  return { usage: rdata[0], selector: rdata[1], matchingType: rdata[2], data: rdata.subarray(3).toString('hex') };
}

/** `3 1 1 ab12…`, as zone files and posttls-finger show a record. */
export function formatTlsa(r: TlsaRecord): string {
  return `${r.usage} ${r.selector} ${r.matchingType} ${r.data}`;
}

/** What a record's selector picks from a certificate (0 the whole DER, 1 the SubjectPublicKeyInfo), hashed by its matching type. */
export function associationData(cert: X509Certificate, selector: number, matchingType: number): string | undefined {
  const selected = selector === 0 ? cert.raw : selector === 1 ? cert.publicKey.export({ type: 'spki', format: 'der' }) : undefined;
  if (!selected) return undefined;
  if (matchingType === 0) return selected.toString('hex');
  if (matchingType === 1) return createHash('sha256').update(selected).digest('hex');
  if (matchingType === 2) return createHash('sha512').update(selected).digest('hex');
  return undefined;
}

function matchesCert(r: TlsaRecord, cert: X509Certificate): boolean {
  return associationData(cert, r.selector, r.matchingType) === r.data.toLowerCase();
}

/** The leaf chains up to `anchor` through the presented certificates, each signed by the next. */
function chainsTo(chain: X509Certificate[], anchorIndex: number): boolean {
  for (let i = 0; i < anchorIndex; i++) {
    if (!chain[i].checkIssued(chain[i + 1]) || !chain[i].verify(chain[i + 1].publicKey)) return false;
  }
  return true;
}

/**
 * The first record the chain (leaf first) matches: DANE-EE (3) against the leaf, with no
 * name or expiry check (RFC 7672 3.1.1); DANE-TA (2) against a certificate of the chain
 * the leaf is signed up to, with the leaf's name checked by `nameOk` (RFC 7672 3.1.2).
 * PKIX usages 0 and 1 are not used for SMTP (RFC 7672 3.1.3).
 */
export function daneMatch(records: TlsaRecord[], chain: X509Certificate[], nameOk: boolean): TlsaRecord | undefined {
  if (!chain.length) return undefined;
  return records.find((r) => {
    if (r.usage === 3) return matchesCert(r, chain[0]);
    if (r.usage === 2) return nameOk && chain.some((c, i) => matchesCert(r, c) && chainsTo(chain, i));
    return false;
  });
}
