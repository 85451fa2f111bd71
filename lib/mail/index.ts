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

export {
  /**
   * The exchanges of a domain, most preferred first, looked up with dns2 against the
   * given nameservers (default: `PIPEKIT_NAMESERVER`, else /etc/resolv.conf). A domain
   * without MX but with A/AAAA has itself as implicit exchange. Throws MxError for
   * NXDOMAIN, SERVFAIL, timeouts and a null MX (RFC 7505).
   */
  resolveMx,
  /** A dns2 client bound to chosen nameservers: `resolveMx`, `resolveAddresses`, `query`. */
  MxResolver,
  /** A failed lookup: `kind` is nxdomain, servfail, refused, timeout, nullmx, nomail or dns. */
  MxError,
  /** `host[:port]` of a nameserver (port 53 by default); undefined when malformed. */
  parseNameserver,
  /** `PIPEKIT_NAMESERVER`, else the nameservers of /etc/resolv.conf, else 127.0.0.1. */
  defaultNameservers,
} from './mx';
export type { MxExchange, MxErrorKind, Nameserver, ResolverOptions } from './mx';

export {
  /**
   * Probe one exchange with nodemailer's SMTPConnection: connect, EHLO, STARTTLS when
   * offered, MAIL FROM, RCPT TO, DATA with a test message (or stop after RCPT), QUIT.
   * Resolves with a ProbeResult (status, code, phase, message) and never throws for
   * server behaviour.
   */
  probeExchange,
  /**
   * Probe every exchange of every domain with bounded concurrency; an async generator of
   * ProbeResults in input order (domains, then exchanges by preference).
   */
  probeDomains,
  /** The test message mxprobe sends: From, To, `Subject: Test via EXCHANGE for DOMAIN`. */
  testMessage,
} from './probe';
export type { ProbeOptions, ProbeDomainsOptions, ProbeResult, ProbeTarget, ProbePhase, TlsPolicy } from './probe';

export {
  /**
   * `ETRN domain` for each domain on one server, over a plain socket (STARTTLS optional).
   * Resolves with one EtrnResult per domain; `ok` is true for 250–253 (RFC 1985).
   */
  sendEtrn,
  /** ETRN a domain at each of its backup exchanges: every MX but the most preferred. */
  sendEtrnToBackups,
  /** Every exchange except those with the best (lowest) preference. */
  backupExchanges,
  /** True for the RFC 1985 success codes 250–253. */
  etrnAccepted,
  /** RFC 1985 reply codes and their meanings. */
  ETRN_CODES,
} from './etrn';
export type { EtrnOptions, EtrnResult } from './etrn';

export {
  /** Turns SMTP server bytes into replies across any chunk boundaries. */
  SmtpReplyParser,
  /** Parse one complete reply text. */
  parseSmtpReply,
  /** A reply that is not SMTP (RFC 5321 4.2). */
  SmtpProtocolError,
  /** A mail domain without its trailing dot, lower case; undefined when malformed. */
  normalizeDomain,
} from './smtp-reply';
export type { SmtpReply } from './smtp-reply';
