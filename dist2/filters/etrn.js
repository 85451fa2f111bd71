#!/usr/bin/env node
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
require("../lib/cli/compile-cache");
const cli_1 = require("../lib/cli");
const mail_1 = require("../lib/mail");
const format_1 = require("../lib/mail/format");
const options_1 = require("../lib/mail/options");
const spec = {
    name: 'etrn',
    synopsis: ['[OPTION]... SERVER DOMAIN...', '[OPTION]... < LINES   (each line: SERVER DOMAIN...)', '[OPTION]... --mx DOMAIN...'],
    summary: 'Ask SERVER to start delivering the mail it queued for each DOMAIN (ETRN, RFC 1985) and print\n' +
        'one line per domain:  server  domain  code  text.  With --mx, ask each backup MX of DOMAIN.',
    options: [
        { name: 'mx', help: "ETRN each DOMAIN at its backup exchanges (every MX but the most preferred)" },
        options_1.MAIL_OPTIONS.nameserver,
        options_1.MAIL_OPTIONS.port,
        { name: 'starttls', help: 'upgrade the connection with STARTTLS first; fail when the server cannot' },
        options_1.MAIL_OPTIONS.timeout,
        options_1.MAIL_OPTIONS.json,
        options_1.MAIL_OPTIONS.transcript,
        ...cli_1.COMMON_OPTIONS,
    ],
};
(0, cli_1.runFilter)(spec, async ({ flags, args, signal, warn, info }) => {
    const timeoutMs = (0, options_1.timeoutFlag)(flags);
    const resolver = (0, options_1.resolverFlag)(flags, timeoutMs);
    const options = {
        port: (0, options_1.portFlag)(flags),
        timeoutMs,
        resolver,
        signal,
        starttls: flags.starttls === true,
        transcript: flags.transcript ? (l) => process.stderr.write(`${l}\n`) : undefined,
    };
    const json = flags.json === true;
    let failed = false;
    const report = (results) => {
        if (signal.aborted)
            throw signal.reason;
        if (results[0]?.advertised === false)
            info(`${results[0].server} does not advertise ETRN; tried anyway`);
        const failures = (0, format_1.etrnFailures)(results);
        results.forEach((r, i) => {
            process.stdout.write(`${(0, format_1.formatEtrnResult)(r, json)}\n`);
            if (!r.ok)
                failed = true;
            if (failures[i])
                warn(failures[i]);
        });
    };
    if (flags.mx) {
        for (const domain of await (0, options_1.domainsFromArgsOrStdin)(args, false)) {
            try {
                report(await (0, mail_1.sendEtrnToBackups)(domain, options));
            }
            catch (err) {
                if (!(err instanceof mail_1.MxError))
                    throw err;
                failed = true;
                warn(err.message);
            }
        }
    }
    else {
        for (const { server, domains } of await (0, options_1.etrnTargetsFromArgsOrStdin)(args))
            report(await (0, mail_1.sendEtrn)(server, domains, options));
    }
    return failed ? cli_1.EXIT_FAILURE : cli_1.EXIT_OK;
});
