#!/usr/bin/env node
import '../lib/cli/compile-cache';
import { COMMON_OPTIONS, EXIT_FAILURE, EXIT_OK, intFlag, jobsOption, NUL, runFilter, UsageError, type FilterSpec } from '../lib/cli';
import { probeDomains } from '../lib/mail';
import { formatProbeResult, probeFailure } from '../lib/mail/format';
import { domainsFromArgsOrStdin, MAIL_OPTIONS, portFlag, resolverFlag, timeoutFlag } from '../lib/mail/options';

const spec: FilterSpec = {
  name: 'mxprobe',
  synopsis: ['[OPTION]... DOMAIN...', '[OPTION]... < DOMAINS'],
  summary:
    'Test every MX exchange of each DOMAIN with a real SMTP dialogue (EHLO, STARTTLS, MAIL FROM,\n' +
    'RCPT TO, DATA) and print one line per exchange:\n' +
    '  domain  exchange  preference  ok|fail  code  phase  message',
  options: [
    MAIL_OPTIONS.nameserver,
    MAIL_OPTIONS.port,
    { name: 'from', arg: 'ADDRESS', help: 'MAIL FROM address (default mxprobe-FROM@DOMAIN)' },
    { name: 'to', arg: 'ADDRESS', help: 'RCPT TO address (default mxprobe-TO@DOMAIN)' },
    { name: 'quit-after', arg: 'STEP', help: "'rcpt': stop after RCPT TO, send no message (default 'data')" },
    { name: 'tls', negatable: true, help: 'do not use STARTTLS even when offered' },
    { name: 'require-tls', help: 'fail an exchange that does not offer STARTTLS' },
    jobsOption('probe N exchanges', 1),
    MAIL_OPTIONS.timeout,
    MAIL_OPTIONS.json,
    MAIL_OPTIONS.transcript,
    NUL,
    ...COMMON_OPTIONS,
  ],
};

runFilter(spec, async ({ flags, args, signal, warn }) => {
  const quitAfter = (flags['quit-after'] as string | undefined) ?? 'data';
  if (quitAfter !== 'rcpt' && quitAfter !== 'data') throw new UsageError(`invalid --quit-after '${quitAfter}' (rcpt or data)`);
  if (flags['require-tls'] && !flags.tls) throw new UsageError('--no-tls and --require-tls contradict each other');
  const jobs = intFlag(flags, 'jobs', 1, { max: 1024 });
  const timeoutMs = timeoutFlag(flags);
  const port = portFlag(flags);
  const resolver = resolverFlag(flags, timeoutMs);
  const domains = await domainsFromArgsOrStdin(args, flags.null === true);

  let failed = false;
  const probes = probeDomains(domains, {
    resolver,
    port,
    timeoutMs,
    signal,
    jobs,
    quitAfter,
    from: flags.from as string | undefined,
    to: flags.to as string | undefined,
    tls: flags['require-tls'] ? 'require' : flags.tls ? 'opportunistic' : 'none',
    transcript: flags.transcript ? (l) => process.stderr.write(`${l}\n`) : undefined,
  });
  for await (const r of probes) {
    if (signal.aborted) throw signal.reason;
    process.stdout.write(`${formatProbeResult(r, flags.json === true)}\n`);
    if (r.status === 'fail') {
      failed = true;
      warn(probeFailure(r));
    }
  }
  return failed ? EXIT_FAILURE : EXIT_OK;
});
