/**
 * Mail: look up a domain's MX exchanges, probe each with a real SMTP dialogue, and ask
 * backup exchanges to start their queues with ETRN (RFC 1985).
 *
 * @example
 * ```ts
 * import { probeDomains, MxResolver } from 'pipekit';
 * const resolver = new MxResolver({ nameservers: [{ host: '127.0.0.1', port: 5353 }] });
 * for await (const r of probeDomains(['example.org'], { resolver, quitAfter: 'rcpt' })) {
 *   console.log(r.exchange, r.status, r.code, r.phase, r.message);
 * }
 * ```
 */
export { resolveMx, MxResolver, MxError, parseNameserver, defaultNameservers } from './mx';
export type { MxExchange, MxErrorKind, Nameserver, ResolverOptions } from './mx';
export { probeExchange, probeDomains, testMessage, SLOW_MS } from './probe';
export type { ProbeOptions, ProbeDomainsOptions, ProbeResult, ProbeTarget, ProbePhase, ProbeStatus, ProbeTimings, SessionTls, TlsPolicy } from './probe';
export type { TlsFacts } from './tls-facts';
export type { StsFacts, StsPolicy, StsMode } from './mta-sts';
export { parseStsPolicy, mxPatternMatches } from './mta-sts';
export type { DaneFacts, TlsaRecord } from './dane';
export { parseTlsa, daneMatch } from './dane';
export { sendEtrn, sendEtrnToBackups, backupExchanges, etrnAccepted, ETRN_CODES } from './etrn';
export type { EtrnOptions, EtrnResult } from './etrn';
export { SmtpReplyParser, parseSmtpReply, SmtpProtocolError } from './smtp-reply';
export type { SmtpReply } from './smtp-reply';
export { normalizeDomain } from './address';
