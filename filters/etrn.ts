#!/usr/bin/env node
import { argsOrStdin, COMMON_OPTIONS, EXIT_FAILURE, EXIT_OK, runFilter, UsageError, type FilterSpec } from '../lib/cli';
import { MxError, sendEtrn, sendEtrnToBackups, type EtrnResult } from '../lib/mail';
import { domainList, MAIL_OPTIONS, portFlag, resolverFlag, timeoutFlag } from '../lib/mail/options';
import { etrnTargets } from '../lib/mail/etrn';
import { tsvField } from '../lib/mail/smtp-reply';

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
    { name: 'starttls', help: 'upgrade the connection with STARTTLS first; fail when the server cannot' },
    MAIL_OPTIONS.timeout,
    MAIL_OPTIONS.json,
    MAIL_OPTIONS.transcript,
    ...COMMON_OPTIONS,
  ],
};

function line(r: EtrnResult, json: boolean): string {
  if (json) return JSON.stringify(r);
  return [r.server, r.domain, r.code, r.message].map(tsvField).join('\t');
}

runFilter(spec, async ({ flags, args, signal, warn, info }) => {
  const timeout = timeoutFlag(flags);
  const resolver = resolverFlag(flags, timeout);
  const options = {
    port: portFlag(flags),
    timeout,
    resolver,
    signal,
    starttls: flags.starttls === true,
    transcript: flags.transcript ? (l: string) => process.stderr.write(`${l}\n`) : undefined,
  };
  const json = flags.json === true;
  let failed = false;
  const report = (results: EtrnResult[]) => {
    if (signal.aborted) throw signal.reason;
    const server = results[0]?.server;
    if (results[0]?.advertised === false) info(`${server} does not advertise ETRN; tried anyway`);
    const said = new Set<string>();
    for (const r of results) {
      process.stdout.write(`${line(r, json)}\n`);
      if (r.ok) continue;
      failed = true;
      // One diagnostic per distinct failure: a server that fails before ETRN fails every domain alike.
      const why = `${r.code ? `${r.code} ` : ''}${r.message}`;
      if (!said.has(why) && !r.message.startsWith('not sent:')) warn(`${r.server}: ${r.domain}: ${why}`);
      said.add(why);
    }
  };

  if (flags.mx) {
    for (const domain of domainList(await argsOrStdin(args, false, 'domains'))) {
      try {
        report(await sendEtrnToBackups(domain, options));
      } catch (err) {
        if (!(err instanceof MxError)) throw err;
        failed = true;
        warn(err.message);
      }
    }
  } else {
    if (args.length === 1) throw new UsageError(`no domain given after server ${args[0]}`);
    const lines = args.length ? [args.join(' ')] : await argsOrStdin(args, false, 'server and domains');
    for (const { server, domains } of etrnTargets(lines)) report(await sendEtrn(server, domains, options));
  }
  return failed ? EXIT_FAILURE : EXIT_OK;
});
