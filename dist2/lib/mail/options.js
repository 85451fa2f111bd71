"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MAIL_OPTIONS = void 0;
exports.timeoutFlag = timeoutFlag;
exports.portFlag = portFlag;
exports.resolverFlag = resolverFlag;
exports.domainsFromArgsOrStdin = domainsFromArgsOrStdin;
exports.domainArguments = domainArguments;
exports.domainLines = domainLines;
exports.etrnTargetsFromArgsOrStdin = etrnTargetsFromArgsOrStdin;
exports.etrnTargets = etrnTargets;
const cli_1 = require("../cli");
const units_1 = require("../units");
const address_1 = require("./address");
const etrn_targets_1 = require("./etrn-targets");
const mx_1 = require("./mx");
const smtp_dialogue_1 = require("./smtp-dialogue");
const smtp_reply_1 = require("./smtp-reply");
/**
 * The CLI side of the mail filters: the options mxprobe and etrn share, so their parsing
 * and help text cannot drift, and the usage errors for what the library's pure parsers
 * reject. The only module of lib/mail that knows the CLI layer.
 */
exports.MAIL_OPTIONS = {
    nameserver: {
        name: 'nameserver',
        arg: 'HOST[:PORT]',
        help: 'DNS server (default $PIPEKIT_NAMESERVER, else /etc/resolv.conf)',
    },
    port: { name: 'port', short: 'p', arg: 'PORT', help: 'SMTP port (default $PIPEKIT_SMTP_PORT, else 25)' },
    timeout: {
        name: 'timeout',
        arg: 'DURATION',
        help: `limit for each DNS answer, connection and reply (default ${(0, units_1.humanDuration)(smtp_dialogue_1.DEFAULT_TIMEOUT_MS)})`,
    },
    transcript: { name: 'transcript', help: "print the SMTP dialogue on stderr ('<- ' server, '-> ' client)" },
    json: { name: 'json', help: 'print JSON lines instead of tab-separated fields' },
};
const PORT_RANGE = { min: 1, max: 65535 };
/** Milliseconds from --timeout; a usage error when malformed or zero. */
function timeoutFlag(flags) {
    return (0, cli_1.durationFlag)(flags, 'timeout', smtp_dialogue_1.DEFAULT_TIMEOUT_MS);
}
/** The SMTP port from --port, else PIPEKIT_SMTP_PORT, else 25. */
function portFlag(flags, env = process.env) {
    const port = (0, cli_1.intFlag)(flags, 'port', undefined, PORT_RANGE);
    if (port !== undefined)
        return port;
    const fromEnv = env.PIPEKIT_SMTP_PORT;
    if (!fromEnv)
        return 25;
    const envPort = (0, address_1.parsePort)(fromEnv);
    if (envPort === undefined) {
        throw new cli_1.UsageError(`invalid PIPEKIT_SMTP_PORT '${fromEnv}' (a whole number from ${PORT_RANGE.min} to ${PORT_RANGE.max})`);
    }
    return envPort;
}
/** A resolver for --nameserver (else PIPEKIT_NAMESERVER, else /etc/resolv.conf). */
function resolverFlag(flags, timeoutMs, env = process.env) {
    const text = flags.nameserver;
    if (text !== undefined) {
        const ns = (0, mx_1.parseNameserver)(text);
        if (!ns)
            throw new cli_1.UsageError(`invalid --nameserver '${text}' (HOST[:PORT])`);
        return new mx_1.MxResolver({ nameservers: [ns], timeoutMs });
    }
    try {
        return new mx_1.MxResolver({ nameservers: (0, mx_1.defaultNameservers)(env), timeoutMs });
    }
    catch (err) {
        throw new cli_1.UsageError(err.message);
    }
}
/**
 * Domains from the arguments, else from stdin (`-0`: NUL-separated). Each argument is one
 * domain as it stands; stdin items are lines (see domainLines). An empty list on stdin is
 * nothing to do; an empty or malformed domain is a usage error.
 */
async function domainsFromArgsOrStdin(args, nul) {
    return args.length ? domainArguments(args) : domainLines(await (0, cli_1.argsOrStdin)(args, nul, 'domains'));
}
/**
 * Domain arguments, each validated whole: not trimmed, not split, no `#` comments, so
 * `mxprobe ''` is a usage error rather than an empty list (exit 0 doing nothing).
 */
function domainArguments(args) {
    return args.map((d) => {
        if (d === '')
            throw new cli_1.UsageError('empty domain argument');
        return checkedDomain(d);
    });
}
/** Domains from lines of stdin: trimmed; blank and `#` lines skipped. */
function domainLines(lines) {
    return lines
        .map((s) => s.trim())
        .filter((s) => s && !s.startsWith('#'))
        .map(checkedDomain);
}
function checkedDomain(d) {
    if (!(0, address_1.normalizeDomain)(d))
        throw new cli_1.UsageError(`malformed domain '${(0, smtp_reply_1.printable)(d)}'`);
    return d.replace(/\.$/, '');
}
/**
 * The ETRN targets of the arguments `SERVER DOMAIN...` (each argument whole), else of the
 * lines `SERVER DOMAIN...` on stdin (split at blanks); a rejection is a usage error.
 */
async function etrnTargetsFromArgsOrStdin(args) {
    if (args.length)
        return [usageOnReject(() => (0, etrn_targets_1.parseEtrnArguments)(args))];
    return etrnTargets(await (0, cli_1.argsOrStdin)(args, false, 'server and domains'));
}
/** parseEtrnTargets, its rejection of a line a usage error. */
function etrnTargets(lines) {
    return usageOnReject(() => (0, etrn_targets_1.parseEtrnTargets)(lines));
}
function usageOnReject(parse) {
    try {
        return parse();
    }
    catch (err) {
        if (err instanceof etrn_targets_1.EtrnTargetError)
            throw new cli_1.UsageError(err.message);
        throw err;
    }
}
