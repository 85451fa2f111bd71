import type { StsLookup } from './mta-sts';
import { outdatedProtocol, type TlsFacts } from './tls-facts';

/**
 * What the verdict flags demand of one exchange's TLS, as pure functions: the facts are
 * always gathered; these decide which of them make the exchange fail.
 */

/** The verdict flags of mxprobe. */
export interface VerdictFlags {
  /** --require-tls: STARTTLS must be offered and work. */
  requireTls: boolean;
  /** --verify-tls: the certificate must verify (PKIX or DANE). */
  verifyTls: boolean;
  /** --mta-sts: an exchange an enforce policy refuses fails. */
  mtaSts: boolean;
  /** --require-mta-sts: a domain without a policy fails too. */
  requireMtaSts: boolean;
  /** --dane: with DNSSEC-validated TLSA records, the chain must match one. */
  dane: boolean;
}

/** What the flags demand of one exchange, given its domain's MTA-STS policy and its TLSA records. */
export interface TlsDemands {
  requireTls: boolean;
  verify: boolean;
  stsEnforce: boolean;
  dane: boolean;
}

export function tlsDemands(flags: VerdictFlags, sts: StsLookup | null, stsMatch: boolean, daneUsable: boolean): TlsDemands {
  const stsEnforce = flags.mtaSts && sts?.policy?.mode === 'enforce' && stsMatch;
  return { requireTls: flags.requireTls, verify: flags.verifyTls, stsEnforce, dane: flags.dane && daneUsable };
}

/** Why an exchange without STARTTLS fails under the demands, or undefined. */
export function starttlsMissing(d: TlsDemands): string | undefined {
  if (d.requireTls || d.verify) return 'STARTTLS not offered';
  if (d.stsEnforce) return 'STARTTLS not offered (MTA-STS policy in enforce mode)';
  if (d.dane) return 'STARTTLS not offered (DANE TLSA records published)';
  return undefined;
}

/** Why an established session fails under the demands, or undefined. */
export function tlsRefusal(d: TlsDemands, tls: TlsFacts, daneMatched: boolean): string | undefined {
  if (d.dane && !daneMatched) return 'certificate matches no TLSA record (DANE)';
  if ((d.verify || d.stsEnforce) && !tls.verified) return `certificate not verified: ${tls.error}`;
  if ((d.requireTls || d.verify || d.stsEnforce || d.dane) && outdatedProtocol(tls.version)) {
    return `${tls.version} is older than TLS 1.2 (RFC 8996)`;
  }
  return undefined;
}

/** Why an exchange whose session succeeded still fails on its domain's policy, or undefined. */
export function policyFailure(flags: VerdictFlags, sts: StsLookup | null, wouldFail: string | null | undefined): string | undefined {
  if (flags.mtaSts && sts?.policy?.mode === 'enforce' && wouldFail === 'no-match') return 'not in the MTA-STS policy mx list (enforce)';
  if (flags.requireMtaSts && !sts?.policy) return sts?.error ? `no MTA-STS policy: ${sts.error}` : 'no MTA-STS policy';
  return undefined;
}
