#!/usr/bin/env node
import '../lib/cli/compile-cache';
import { COMMON_OPTIONS, EXIT_FAILURE, EXIT_OK, intFlag, jobsOption, NUL, runFilter, UsageError, type FilterSpec } from '../lib/cli';
import type { ProbeDomainsOptions } from '../lib/mail/probe';
import { formatProbeResult, probeFailure, probeSlowness } from '../lib/mail/format';
import { caFileFlag, domainsFromArgsOrStdin, heloFlag, MAIL_OPTIONS, portFlag, resolverFlag, stsPortFlag, timeoutFlag } from '../lib/mail/options';

const spec: FilterSpec = {
  name: 'mxprobe',
  synopsis: ['[OPTION]... DOMAIN...', '[OPTION]... < DOMAINS'],
  summary:
    'Test every address of every MX exchange of each DOMAIN with a real SMTP dialogue (EHLO,\n' +
    'STARTTLS, MAIL FROM, RCPT TO, DATA) and print one line per exchange and address:\n' +
    '  domain  exchange  preference  ok|fail|tempfail  code  phase  message  address  tls\n' +
    'The certificate, MTA-STS policy, DANE records, PTR and timings are in --json.',
  options: [
    MAIL_OPTIONS.nameserver,
    MAIL_OPTIONS.port,
    { name: 'ipv4', short: '4', help: 'probe IPv4 addresses only' },
    { name: 'ipv6', short: '6', help: 'probe IPv6 addresses only' },
    MAIL_OPTIONS.helo,
    { name: 'from', arg: 'ADDRESS', help: 'MAIL FROM address (default mxprobe-FROM@DOMAIN)' },
    { name: 'to', arg: 'ADDRESS', help: 'RCPT TO address (default mxprobe-TO@DOMAIN)' },
    { name: 'quit-after', arg: 'STEP', help: "'rcpt': stop after RCPT TO, send no message (default 'data')" },
    { name: 'tls', negatable: true, help: 'do not use STARTTLS even when offered' },
    { name: 'require-tls', help: 'fail an exchange without STARTTLS, or with TLS older than 1.2' },
    { name: 'verify-tls', help: 'fail an exchange whose certificate does not verify (implies --require-tls)' },
    MAIL_OPTIONS.caFile,
    { name: 'mta-sts', help: "fail an exchange the domain's MTA-STS policy in enforce mode refuses" },
    { name: 'require-mta-sts', help: 'like --mta-sts, and fail a domain without a policy' },
    { name: 'dane', help: 'fail an exchange whose validated TLSA records the certificate does not match' },
    jobsOption('probe N exchanges', 1),
    MAIL_OPTIONS.timeout,
    MAIL_OPTIONS.json,
    MAIL_OPTIONS.transcript,
    NUL,
    ...COMMON_OPTIONS,
  ],
};

runFilter(spec, async ({ flags, args, signal, warn, info }) => {
  const quitAfter = (flags['quit-after'] as string | undefined) ?? 'data';
  if (quitAfter !== 'rcpt' && quitAfter !== 'data') throw new UsageError(`invalid --quit-after '${quitAfter}' (rcpt or data)`);
  const requireTls = flags['require-tls'] === true || flags['verify-tls'] === true;
  if (requireTls && !flags.tls) throw new UsageError(`--no-tls and --${flags['require-tls'] ? 'require' : 'verify'}-tls contradict each other`);
  if (flags.ipv4 && flags.ipv6) throw new UsageError('-4 and -6 contradict each other');
  const jobs = intFlag(flags, 'jobs', 1, { max: 1024 });
  const timeoutMs = timeoutFlag(flags);
  const domains = await domainsFromArgsOrStdin(args, flags.null === true);

  const options: ProbeDomainsOptions = {
    resolver: resolverFlag(flags, timeoutMs),
    port: portFlag(flags),
    mtaStsPort: stsPortFlag(),
    timeoutMs,
    signal,
    jobs,
    quitAfter,
    helo: heloFlag(flags),
    ca: caFileFlag(flags),
    families: flags.ipv4 ? [4] : flags.ipv6 ? [6] : [4, 6],
    from: flags.from as string | undefined,
    to: flags.to as string | undefined,
    tls: requireTls ? 'require' : flags.tls ? 'opportunistic' : 'none',
    verifyTls: flags['verify-tls'] === true,
    mtaSts: flags['mta-sts'] === true,
    requireMtaSts: flags['require-mta-sts'] === true,
    dane: flags.dane === true,
    transcript: flags.transcript ? (l) => process.stderr.write(`${l}\n`) : undefined,
  };
  // The prober (DNS, SMTP, TLS, MTA-STS, DANE) loads once the flags are good: --help,
  // --version and a usage error never need it (issue 16).
  const { probeDomains } = require('../lib/mail/probe') as typeof import('../lib/mail/probe');
  let failed = false;
  const probes = probeDomains(domains, options);
  for await (const r of probes) {
    if (signal.aborted) throw signal.reason;
    process.stdout.write(`${formatProbeResult(r, flags.json === true)}\n`);
    const slow = probeSlowness(r);
    if (slow) info(slow);
    if (r.status !== 'ok') {
      failed = true;
      warn(probeFailure(r));
    }
  }
  return failed ? EXIT_FAILURE : EXIT_OK;
});
