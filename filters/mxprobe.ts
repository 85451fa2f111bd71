#!/usr/bin/env node
import { argsOrStdin, COMMON_OPTIONS, EXIT_FAILURE, EXIT_OK, runFilter, UsageError, type FilterSpec } from '../lib/cli';
import { probeDomains, type ProbeResult } from '../lib/mail';
import { domainList, MAIL_OPTIONS, portFlag, resolverFlag, timeoutFlag } from '../lib/mail/options';
import { tsvField } from '../lib/mail/smtp-reply';

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
    { name: 'jobs', short: 'j', arg: 'N', help: 'probe N exchanges at once (default 1)' },
    MAIL_OPTIONS.timeout,
    MAIL_OPTIONS.json,
    MAIL_OPTIONS.transcript,
    { name: 'null', short: '0', help: 'domains on stdin are NUL-separated' },
    ...COMMON_OPTIONS,
  ],
};

function line(r: ProbeResult, json: boolean): string {
  if (json) return JSON.stringify(r);
  return [r.domain, r.exchange, r.preference, r.status, r.code, r.phase, r.message].map(tsvField).join('\t');
}

runFilter(spec, async ({ flags, args, signal, warn }) => {
  const quitAfter = (flags['quit-after'] as string | undefined) ?? 'data';
  if (quitAfter !== 'rcpt' && quitAfter !== 'data') throw new UsageError(`invalid --quit-after '${quitAfter}' (rcpt or data)`);
  if (flags['require-tls'] && !flags.tls) throw new UsageError('--no-tls and --require-tls contradict each other');
  const jobsText = (flags.jobs as string | undefined) ?? '1';
  const jobs = Number(jobsText);
  if (!/^\d+$/.test(jobsText) || jobs < 1 || jobs > 1024) throw new UsageError(`invalid --jobs '${jobsText}' (1-1024)`);
  const timeout = timeoutFlag(flags);
  const port = portFlag(flags);
  const resolver = resolverFlag(flags, timeout);
  const domains = domainList(await argsOrStdin(args, flags.null === true, 'domains'));

  let failed = false;
  const json = flags.json === true;
  const probes = probeDomains(domains, {
    resolver,
    port,
    timeout,
    signal,
    concurrency: jobs,
    quitAfter,
    from: flags.from as string | undefined,
    to: flags.to as string | undefined,
    tls: flags['require-tls'] ? 'require' : flags.tls ? 'opportunistic' : 'none',
    transcript: flags.transcript ? (l) => process.stderr.write(`${l}\n`) : undefined,
  });
  for await (const r of probes) {
    if (signal.aborted) throw signal.reason;
    process.stdout.write(`${line(r, json)}\n`);
    if (r.status === 'fail') {
      failed = true;
      const where = r.exchange === '-' || r.exchange === '.' ? r.domain : `${r.domain}: ${r.exchange}`;
      warn(`${where}: ${r.code ? `${r.code} ` : ''}${r.message} (${r.phase})`);
    }
  }
  return failed ? EXIT_FAILURE : EXIT_OK;
});
