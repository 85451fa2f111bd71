#!/usr/bin/env node
import '../lib/cli/compile-cache';
import { COMMON_OPTIONS, EXIT_FAILURE, EXIT_OK, runFilter, type FilterSpec } from '../lib/cli';
import type { EtrnResult } from '../lib/mail';
import { etrnFailures, formatEtrnResult } from '../lib/mail/format';
import { caFileFlag, domainsFromArgsOrStdin, etrnTargetsFromArgsOrStdin, heloFlag, MAIL_OPTIONS, portFlag, resolverFlag, timeoutFlag } from '../lib/mail/options';

const spec: FilterSpec = {
  name: 'etrn',
  synopsis: ['[OPTION]... SERVER DOMAIN...', '[OPTION]... < LINES   (each line: SERVER DOMAIN...)', '[OPTION]... --mx DOMAIN...'],
  summary:
    'Ask SERVER to start delivering the mail it queued for each DOMAIN (ETRN, RFC 1985) and print\n' +
    'one line per domain:  server  domain  code  text.  With --mx, ask each backup MX of DOMAIN.',
  options: [
    { name: 'mx', help: "ETRN each DOMAIN at its backup exchanges (every MX but the most preferred)" },
    MAIL_OPTIONS.nameserver,
    MAIL_OPTIONS.port,
    MAIL_OPTIONS.helo,
    { name: 'starttls', help: 'upgrade with STARTTLS first, certificate verified; fail when the server cannot' },
    MAIL_OPTIONS.caFile,
    { name: 'insecure', help: 'with --starttls: go on when the certificate does not verify' },
    MAIL_OPTIONS.timeout,
    MAIL_OPTIONS.json,
    MAIL_OPTIONS.transcript,
    ...COMMON_OPTIONS,
  ],
};

runFilter(spec, async ({ flags, args, signal, warn, info }) => {
  const timeoutMs = timeoutFlag(flags);
  const resolver = resolverFlag(flags, timeoutMs);
  const options = {
    port: portFlag(flags),
    timeoutMs,
    resolver,
    signal,
    starttls: flags.starttls === true,
    helo: heloFlag(flags),
    ca: caFileFlag(flags),
    insecure: flags.insecure === true,
    transcript: flags.transcript ? (l: string) => process.stderr.write(`${l}\n`) : undefined,
  };
  const json = flags.json === true;
  let failed = false;
  const report = (results: EtrnResult[]) => {
    if (signal.aborted) throw signal.reason;
    if (results[0]?.advertised === false) info(`${results[0].server} does not advertise ETRN; tried anyway`);
    const failures = etrnFailures(results);
    results.forEach((r, i) => {
      process.stdout.write(`${formatEtrnResult(r, json)}\n`);
      if (!r.ok) failed = true;
      if (failures[i]) warn(failures[i]);
    });
  };

  // What sends (DNS, SMTP, TLS) loads once the arguments are good: --help, --version and a
  // usage error never need it (issue 16).
  const sender = () => require('../lib/mail/etrn') as typeof import('../lib/mail/etrn');
  if (flags.mx) {
    const domains = await domainsFromArgsOrStdin(args, false);
    const { sendEtrnToBackups } = sender();
    const { MxError } = require('../lib/mail/mx') as typeof import('../lib/mail/mx');
    for (const domain of domains) {
      try {
        report(await sendEtrnToBackups(domain, options));
      } catch (err) {
        if (!(err instanceof MxError)) throw err;
        // A line on stdout too, as mxprobe prints a dns line: a script sees every domain it gave.
        process.stdout.write(`${formatEtrnResult({ server: '-', domain, code: null, message: err.reason, ok: false, advertised: null }, json)}\n`);
        failed = true;
        warn(err.message);
      }
    }
  } else {
    const targets = await etrnTargetsFromArgsOrStdin(args);
    const { sendEtrn } = sender();
    for (const { server, domains } of targets) report(await sendEtrn(server, domains, options));
  }
  return failed ? EXIT_FAILURE : EXIT_OK;
});
