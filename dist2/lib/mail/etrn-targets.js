"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.EtrnTargetError = void 0;
exports.isEtrnArgument = isEtrnArgument;
exports.parseEtrnTargets = parseEtrnTargets;
exports.parseEtrnArguments = parseEtrnArguments;
const address_1 = require("./address");
const smtp_reply_1 = require("./smtp-reply");
/** An ETRN argument (RFC 1985): `domain`, `@domain` (its subdomains too) or `#queue`. */
function isEtrnArgument(text) {
    if (text.startsWith('#'))
        return /^#[\x21-\x7e]+$/.test(text);
    return (0, address_1.normalizeDomain)(text.startsWith('@') ? text.slice(1) : text) !== undefined;
}
/** A line of an ETRN map that is not `SERVER DOMAIN...`; the message names the line. */
class EtrnTargetError extends Error {
}
exports.EtrnTargetError = EtrnTargetError;
/**
 * Servers and their domains from lines `SERVER DOMAIN...` (the seed's backup_servers map):
 * each line splits at blanks; blank lines and `#` comments are skipped. Throws
 * EtrnTargetError for the first bad line.
 */
function parseEtrnTargets(lines) {
    const targets = [];
    lines.forEach((raw, i) => {
        const line = raw.trim();
        if (!line || line.startsWith('#'))
            return;
        const [server, ...domains] = line.split(/\s+/);
        targets.push(checkedTarget(server, domains, lines.length > 1 ? `line ${i + 1}: ` : ''));
    });
    return targets;
}
/**
 * The target of the arguments `SERVER DOMAIN...`. Each argument is one server or one
 * ETRN argument as it stands, never split at blanks: `etrn mx "bad domain"` names one
 * malformed domain, not two domains. An empty argument is an error, not nothing to do.
 */
function parseEtrnArguments(args) {
    const [server = '', ...domains] = args;
    if (!server)
        throw new EtrnTargetError('empty server argument');
    return checkedTarget(server, domains, '');
}
function checkedTarget(server, domains, where) {
    if (!(0, address_1.parseHostPort)(server))
        throw new EtrnTargetError(`${where}malformed server '${(0, smtp_reply_1.printable)(server)}' (HOST[:PORT])`);
    if (!domains.length)
        throw new EtrnTargetError(`${where}no domain given after server ${(0, smtp_reply_1.printable)(server)}`);
    const bad = domains.find((d) => !isEtrnArgument(d));
    if (bad === '')
        throw new EtrnTargetError(`${where}empty domain argument`);
    if (bad !== undefined)
        throw new EtrnTargetError(`${where}malformed domain '${(0, smtp_reply_1.printable)(bad)}'`);
    return { server, domains };
}
