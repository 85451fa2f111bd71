#!/usr/bin/env node
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
require("../lib/cli/compile-cache");
const cli_1 = require("../lib/cli");
const mail_1 = require("../lib/mail");
const format_1 = require("../lib/mail/format");
const options_1 = require("../lib/mail/options");
const spec = {
    name: 'mxprobe',
    synopsis: ['[OPTION]... DOMAIN...', '[OPTION]... < DOMAINS'],
    summary: 'Test every MX exchange of each DOMAIN with a real SMTP dialogue (EHLO, STARTTLS, MAIL FROM,\n' +
        'RCPT TO, DATA) and print one line per exchange:\n' +
        '  domain  exchange  preference  ok|fail  code  phase  message',
    options: [
        options_1.MAIL_OPTIONS.nameserver,
        options_1.MAIL_OPTIONS.port,
        { name: 'from', arg: 'ADDRESS', help: 'MAIL FROM address (default mxprobe-FROM@DOMAIN)' },
        { name: 'to', arg: 'ADDRESS', help: 'RCPT TO address (default mxprobe-TO@DOMAIN)' },
        { name: 'quit-after', arg: 'STEP', help: "'rcpt': stop after RCPT TO, send no message (default 'data')" },
        { name: 'tls', negatable: true, help: 'do not use STARTTLS even when offered' },
        { name: 'require-tls', help: 'fail an exchange that does not offer STARTTLS' },
        (0, cli_1.jobsOption)('probe N exchanges', 1),
        options_1.MAIL_OPTIONS.timeout,
        options_1.MAIL_OPTIONS.json,
        options_1.MAIL_OPTIONS.transcript,
        cli_1.NUL,
        ...cli_1.COMMON_OPTIONS,
    ],
};
(0, cli_1.runFilter)(spec, async ({ flags, args, signal, warn }) => {
    const quitAfter = flags['quit-after'] ?? 'data';
    if (quitAfter !== 'rcpt' && quitAfter !== 'data')
        throw new cli_1.UsageError(`invalid --quit-after '${quitAfter}' (rcpt or data)`);
    if (flags['require-tls'] && !flags.tls)
        throw new cli_1.UsageError('--no-tls and --require-tls contradict each other');
    const jobs = (0, cli_1.intFlag)(flags, 'jobs', 1, { max: 1024 });
    const timeoutMs = (0, options_1.timeoutFlag)(flags);
    const port = (0, options_1.portFlag)(flags);
    const resolver = (0, options_1.resolverFlag)(flags, timeoutMs);
    const domains = await (0, options_1.domainsFromArgsOrStdin)(args, flags.null === true);
    let failed = false;
    const probes = (0, mail_1.probeDomains)(domains, {
        resolver,
        port,
        timeoutMs,
        signal,
        jobs,
        quitAfter,
        from: flags.from,
        to: flags.to,
        tls: flags['require-tls'] ? 'require' : flags.tls ? 'opportunistic' : 'none',
        transcript: flags.transcript ? (l) => process.stderr.write(`${l}\n`) : undefined,
    });
    for await (const r of probes) {
        if (signal.aborted)
            throw signal.reason;
        process.stdout.write(`${(0, format_1.formatProbeResult)(r, flags.json === true)}\n`);
        if (r.status === 'fail') {
            failed = true;
            warn((0, format_1.probeFailure)(r));
        }
    }
    return failed ? cli_1.EXIT_FAILURE : cli_1.EXIT_OK;
});
