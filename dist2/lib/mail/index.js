"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.normalizeDomain = exports.SmtpProtocolError = exports.parseSmtpReply = exports.SmtpReplyParser = exports.ETRN_CODES = exports.etrnAccepted = exports.backupExchanges = exports.sendEtrnToBackups = exports.sendEtrn = exports.testMessage = exports.probeDomains = exports.probeExchange = exports.defaultNameservers = exports.parseNameserver = exports.MxError = exports.MxResolver = exports.resolveMx = void 0;
/**
 * Mail: look up a domain's MX exchanges, probe each with a real SMTP dialogue, and ask
 * backup exchanges to start their queues with ETRN (RFC 1985).
 *
 * @example
 * ```ts
 * import { probeDomains, MxResolver } from 'pipekit';
 * const resolver = new MxResolver({ nameservers: [{ host: '127.0.0.1', port: 5353 }] });
 * for await (const r of probeDomains(['example.org'], { resolver, quitAfter: 'rcpt' })) {
 *   console.log(r.exchange, r.status, r.code, r.phase, r.message);
 * }
 * ```
 */
var mx_1 = require("./mx");
Object.defineProperty(exports, "resolveMx", { enumerable: true, get: function () { return mx_1.resolveMx; } });
Object.defineProperty(exports, "MxResolver", { enumerable: true, get: function () { return mx_1.MxResolver; } });
Object.defineProperty(exports, "MxError", { enumerable: true, get: function () { return mx_1.MxError; } });
Object.defineProperty(exports, "parseNameserver", { enumerable: true, get: function () { return mx_1.parseNameserver; } });
Object.defineProperty(exports, "defaultNameservers", { enumerable: true, get: function () { return mx_1.defaultNameservers; } });
var probe_1 = require("./probe");
Object.defineProperty(exports, "probeExchange", { enumerable: true, get: function () { return probe_1.probeExchange; } });
Object.defineProperty(exports, "probeDomains", { enumerable: true, get: function () { return probe_1.probeDomains; } });
Object.defineProperty(exports, "testMessage", { enumerable: true, get: function () { return probe_1.testMessage; } });
var etrn_1 = require("./etrn");
Object.defineProperty(exports, "sendEtrn", { enumerable: true, get: function () { return etrn_1.sendEtrn; } });
Object.defineProperty(exports, "sendEtrnToBackups", { enumerable: true, get: function () { return etrn_1.sendEtrnToBackups; } });
Object.defineProperty(exports, "backupExchanges", { enumerable: true, get: function () { return etrn_1.backupExchanges; } });
Object.defineProperty(exports, "etrnAccepted", { enumerable: true, get: function () { return etrn_1.etrnAccepted; } });
Object.defineProperty(exports, "ETRN_CODES", { enumerable: true, get: function () { return etrn_1.ETRN_CODES; } });
var smtp_reply_1 = require("./smtp-reply");
Object.defineProperty(exports, "SmtpReplyParser", { enumerable: true, get: function () { return smtp_reply_1.SmtpReplyParser; } });
Object.defineProperty(exports, "parseSmtpReply", { enumerable: true, get: function () { return smtp_reply_1.parseSmtpReply; } });
Object.defineProperty(exports, "SmtpProtocolError", { enumerable: true, get: function () { return smtp_reply_1.SmtpProtocolError; } });
var address_1 = require("./address");
Object.defineProperty(exports, "normalizeDomain", { enumerable: true, get: function () { return address_1.normalizeDomain; } });
