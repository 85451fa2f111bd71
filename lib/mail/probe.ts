import { randomBytes } from 'node:crypto';
import { RequestScope } from '../abort';
import { ipFamily } from './address';
import { mapOrdered } from '../slots';
import { formatTlsa, parseTlsa, type DaneFacts, type TlsaRecord } from './dane';
import { lookupSts, stsFacts, type StsFacts, type StsLookup } from './mta-sts';
import { MxError, MxResolver, type MxExchange } from './mx';
import { probeSession, type SessionFacts, type SessionTls } from './probe-session';
import { policyFailure, tlsDemands, type VerdictFlags } from './probe-verdict';
import { mapInOrderUnblocked } from './probe-window';
import { DEFAULT_TIMEOUT_MS } from './smtp-dialogue';

export type { ProbePhase, ProbeStatus, ProbeTimings, SessionFacts, SessionTls } from './probe-session';

/** STARTTLS policy: use it when offered, never, or fail without it. */
export type TlsPolicy = 'opportunistic' | 'none' | 'require';

export interface ProbeOptions {
  /** SMTP port. Default 25. */
  port?: number;
  /** MAIL FROM address. Default `mxprobe-FROM@DOMAIN`. */
  from?: string;
  /** RCPT TO address. Default `mxprobe-TO@DOMAIN`. */
  to?: string;
  /** `rcpt` ends the session after RCPT TO; `data` (default) sends a test message. */
  quitAfter?: 'rcpt' | 'data';
  /** Default `opportunistic`: STARTTLS when offered, any protocol version, the certificate judged but never refused. */
  tls?: TlsPolicy;
  /** Fail an exchange whose certificate does not verify. */
  verifyTls?: boolean;
  /** Trusted CAs (PEM certificates). Default: the system's. */
  ca?: string[];
  /** Name sent with EHLO. Default: this host's FQDN, else the address literal of the local address. */
  helo?: string;
  /** Address families to probe. Default both, IPv4 first. */
  families?: (4 | 6)[];
  /** Fail an exchange the domain's MTA-STS policy (enforce) would refuse. */
  mtaSts?: boolean;
  /** With mtaSts: a domain without a policy fails too. */
  requireMtaSts?: boolean;
  /** Fail an exchange whose DNSSEC-validated TLSA records the chain does not match. */
  dane?: boolean;
  /** HTTPS port of mta-sts.DOMAIN. Default 443. */
  mtaStsPort?: number;
  /** Milliseconds to wait for each DNS answer, the connection, and each whole reply. Default 30000. */
  timeoutMs?: number;
  /** The resolver for every lookup. Default: the system's nameservers. */
  resolver?: MxResolver;
  /** Receives the dialogue: `<- ` server lines, `-> ` client lines, `** ` notes. */
  transcript?: (line: string) => void;
  signal?: AbortSignal;
}

/** The outcome of probing one address of one exchange (or of a domain or exchange whose lookup failed). */
export interface ProbeResult extends SessionFacts {
  domain: string;
  /** `-` when the domain's MX lookup failed; `.` for a null MX. */
  exchange: string;
  preference: number | null;
  /** The address probed; null when there was none to probe. */
  address: string | null;
  family: 4 | 6 | null;
  /** The address's PTR name, and whether that name resolves back to the address (FCrDNS). */
  ptr: string | null;
  fcrdns: boolean | null;
  /** Phases that took SLOW_MS or longer but finished within the timeout. */
  slow: string[];
  tls: SessionTls | null;
  mtaSts: StsFacts | null;
  dane: DaneFacts | null;
}

/** The exchange to probe for a domain. */
export interface ProbeTarget {
  domain: string;
  exchange: string;
  preference: number;
}

/** A phase this long is reported as slow: it passed, but a sender with a tight timeout may give up (postscreen's greet pause is 6 s). */
export const SLOW_MS = 1000;

/**
 * The test message mxprobe sends: the headers the seed's test_smtp_servers sent (From, To,
 * `Subject: Test via EXCHANGE for DOMAIN`), plus Date and Message-ID; CRLF line ends.
 */
export function testMessage(target: ProbeTarget, from: string, to: string, now = new Date()): string {
  const subject = `Test via ${target.exchange} for ${target.domain}`;
  return [
    `From: ${from}`,
    `To: ${to}`,
    `Subject: ${subject}`,
    `Date: ${now.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${randomBytes(9).toString('hex')}.mxprobe@${target.domain}>`,
    '',
    subject,
    '',
  ].join('\r\n');
}

function emptyResult(target: { domain: string; exchange: string; preference: number | null }, message: string): ProbeResult {
  return {
    ...target,
    address: null,
    family: null,
    status: 'fail',
    code: null,
    phase: 'dns',
    message,
    banner: null,
    ehloName: null,
    ptr: null,
    fcrdns: null,
    timings: {},
    slow: [],
    tls: null,
    mtaSts: null,
    dane: null,
  };
}

const lookupFailure = (err: unknown) => (err instanceof MxError ? err.reason : (err as Error).message);

/** The first PTR name of an address and whether it resolves back to it; nulls when the lookup failed. */
async function reverseDns(resolver: MxResolver, address: string): Promise<{ ptr: string | null; fcrdns: boolean | null }> {
  try {
    const names = await resolver.resolvePtr(address);
    if (!names.length) return { ptr: null, fcrdns: false };
    for (const name of names) {
      const back = await resolver.resolveAddresses(name, [ipFamily(address) as 4 | 6]).catch((): string[] => []);
      if (back.includes(address)) return { ptr: name, fcrdns: true };
    }
    return { ptr: names[0], fcrdns: false };
  } catch {
    return { ptr: null, fcrdns: null };
  }
}

async function tlsaRecords(resolver: MxResolver, exchange: string, port: number) {
  if (ipFamily(exchange)) return { records: [] as TlsaRecord[], validated: false, error: null };
  try {
    const { records, validated } = await resolver.resolveTlsa(`_${port}._tcp.${exchange}`);
    return { records: records.map(parseTlsa).filter((r): r is TlsaRecord => !!r), validated, error: null };
  } catch (err) {
    return { records: [] as TlsaRecord[], validated: false, error: lookupFailure(err) };
  }
}

type Settled = ReturnType<typeof settle>;
function settle(options: ProbeOptions) {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const resolver = options.resolver ?? new MxResolver({ timeoutMs });
  const flags: VerdictFlags = {
    requireTls: options.tls === 'require',
    verifyTls: options.verifyTls === true,
    mtaSts: options.mtaSts === true || options.requireMtaSts === true,
    requireMtaSts: options.requireMtaSts === true,
    dane: options.dane === true,
  };
  return {
    ...options,
    port: options.port ?? 25,
    quitAfter: options.quitAfter ?? 'data',
    tls: options.tls ?? 'opportunistic',
    ca: options.ca,
    families: options.families ?? [4, 6],
    timeoutMs,
    resolver,
    flags,
  };
}

function stsLookup(domain: string, o: Settled): Promise<StsLookup> {
  return lookupSts(domain, { resolver: o.resolver, ca: o.ca, timeoutMs: o.timeoutMs, port: o.mtaStsPort });
}

/**
 * Probe every address of one exchange, in turn (IPv4 first): TLSA records of the
 * exchange, PTR and FCrDNS of each address, then a session per address. One result per
 * address, or one `dns` result when the exchange's addresses cannot be found.
 */
async function probeAddresses(target: ProbeTarget, o: Settled, sts: Promise<StsLookup>): Promise<ProbeResult[]> {
  const say = o.transcript ?? (() => {});
  const from = o.from ?? `mxprobe-FROM@${target.domain}`;
  const to = o.to ?? `mxprobe-TO@${target.domain}`;
  let addresses: string[];
  try {
    addresses = await o.resolver.resolveAddresses(target.exchange, o.families);
  } catch (err) {
    return [emptyResult(target, lookupFailure(err))];
  }
  if (!addresses.length) {
    const which = o.families.length === 2 ? 'A/AAAA' : o.families[0] === 4 ? 'A' : 'AAAA';
    return [emptyResult(target, `exchange has no ${which} records`)];
  }
  const [tlsa, policy] = await Promise.all([tlsaRecords(o.resolver, target.exchange, o.port), sts]);
  const daneUsable = tlsa.records.length > 0 && tlsa.validated;
  const stsMatch = stsFacts(policy, target.exchange, { offered: true, verified: true })?.match ?? false;
  const demands = tlsDemands(o.flags, policy, stsMatch, daneUsable);
  const results: ProbeResult[] = [];
  for (const address of addresses) {
    if (o.signal?.aborted) break;
    say(`** ${target.domain}: probing ${target.exchange} [${address}]:${o.port}`);
    const [reverse, s] = await Promise.all([
      reverseDns(o.resolver, address),
      probeSession({
        domain: target.domain,
        exchange: target.exchange,
        address,
        port: o.port,
        from,
        to,
        message: o.quitAfter === 'rcpt' ? undefined : testMessage(target, from, to),
        tls: o.tls,
        ca: o.ca,
        helo: o.helo,
        demands,
        tlsa,
        timeoutMs: o.timeoutMs,
        say,
        signal: o.signal,
      }),
    ]);
    const mtaSts = stsFacts(policy, target.exchange, { offered: s.starttlsOffered && s.tls !== null, verified: s.tls?.verified ?? false });
    const dane = tlsa.records.length
      ? { records: tlsa.records.map(formatTlsa), match: s.daneMatched ? formatTlsa(s.daneMatched) : null, validated: tlsa.validated }
      : null;
    const result: ProbeResult = {
      ...target,
      address,
      family: ipFamily(address) as 4 | 6,
      status: s.status,
      code: s.code,
      phase: s.phase,
      message: s.message,
      banner: s.banner,
      ehloName: s.ehloName,
      ...reverse,
      timings: s.timings,
      slow: Object.entries(s.timings)
        .filter(([, ms]) => ms >= SLOW_MS && ms < o.timeoutMs)
        .map(([phase]) => phase),
      tls: s.tls,
      mtaSts,
      dane,
    };
    const policyWhy = result.status === 'ok' ? policyFailure(o.flags, policy, mtaSts?.wouldFail) : undefined;
    if (policyWhy) Object.assign(result, { status: 'fail', code: null, phase: 'policy', message: policyWhy });
    results.push(result);
  }
  return results;
}

/**
 * Probe every address (A and AAAA) of one exchange of a domain: connect, EHLO, STARTTLS
 * when offered (the certificate judged against the system's CAs or `ca`, and against the
 * domain's MTA-STS policy and the exchange's TLSA records), MAIL FROM, RCPT TO and
 * (unless quitAfter is `rcpt`) DATA with a test message, then QUIT. One ProbeResult per
 * address; never throws for server or DNS behaviour.
 */
export async function probeExchange(target: ProbeTarget, options: ProbeOptions = {}): Promise<ProbeResult[]> {
  const o = settle(options);
  return probeAddresses(target, o, stsLookup(target.domain, o));
}

export interface ProbeDomainsOptions extends ProbeOptions {
  /** Exchanges probed at once (and MX lookups ahead). Default 1. */
  jobs?: number;
}

type Task = { result: ProbeResult } | { target: ProbeTarget; sts: Promise<StsLookup> };

/**
 * Probe every exchange of every domain, most preferred first, yielding one ProbeResult
 * per address probed (or one per domain whose MX lookup failed) in input order. Up to
 * `jobs` exchanges are probed at once, a new one starting whenever any finishes, and up
 * to `jobs` MX lookups run ahead; with more than one job, the transcript of each
 * exchange is held back and given out just before its results, so dialogues never
 * interleave.
 */
export async function* probeDomains(domains: Iterable<string>, options: ProbeDomainsOptions = {}): AsyncGenerator<ProbeResult> {
  const jobs = Math.max(1, options.jobs ?? 1);
  // Up to `jobs` sessions listen for an abort at once: on the scope's signal, not the caller's.
  const scope = new RequestScope(options.signal, jobs * 2);
  const o = settle({ ...options, signal: scope.signal });
  const live = jobs === 1;

  const lookup = async (domain: string): Promise<Task[]> => {
    let exchanges: MxExchange[];
    try {
      exchanges = await o.resolver.resolveMx(domain);
    } catch (err) {
      const nullMx = err instanceof MxError && err.kind === 'nullmx';
      return [{ result: emptyResult({ domain, exchange: nullMx ? '.' : '-', preference: nullMx ? 0 : null }, lookupFailure(err)) }];
    }
    const sts = stsLookup(domain, o);
    return exchanges.map((mx) => ({ target: { domain, exchange: mx.exchange, preference: mx.preference }, sts }));
  };
  async function* tasks(): AsyncGenerator<Task> {
    for await (const list of mapOrdered(domains, jobs, lookup)) yield* list;
  }
  const run = async (task: Task): Promise<{ results: ProbeResult[]; lines: string[] }> => {
    if ('result' in task) return { results: [task.result], lines: [] };
    const lines: string[] = [];
    const transcript = options.transcript && (live ? options.transcript : (l: string) => lines.push(l));
    return { results: await probeAddresses(task.target, { ...o, transcript }, task.sts), lines };
  };

  try {
    for await (const { results, lines } of mapInOrderUnblocked(tasks(), jobs, run)) {
      for (const l of lines) options.transcript?.(l);
      yield* results;
    }
  } finally {
    scope.close();
  }
}
