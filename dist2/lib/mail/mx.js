"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MxResolver = exports.MxError = void 0;
exports.parseNameserver = parseNameserver;
exports.parseResolvConf = parseResolvConf;
exports.defaultNameservers = defaultNameservers;
exports.resolveMx = resolveMx;
const DNS = require("dns2");
const node_fs_1 = require("node:fs");
const node_net_1 = require("node:net");
const units_1 = require("../units");
const address_1 = require("./address");
/**
 * A failed lookup of a domain's exchanges or of an exchange's addresses, with a one-line
 * message for the user and a kind for programs: nxdomain, servfail, refused, timeout,
 * nullmx (RFC 7505), nomail (neither MX nor address records) or dns (anything else).
 */
class MxError extends Error {
    reason;
    kind;
    domain;
    constructor(
    /** The message without the name in front, for output that already shows the name. */
    reason, kind, 
    /** The name looked up: the domain, or an exchange whose address was wanted. */
    domain, options) {
        super(`${domain}: ${reason}`, options);
        this.reason = reason;
        this.kind = kind;
        this.domain = domain;
    }
}
exports.MxError = MxError;
const RCODE_NAME = { 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED' };
/** `host[:port]` of a nameserver (port 53 by default); undefined when malformed. */
function parseNameserver(text) {
    const hp = (0, address_1.parseHostPort)(text);
    return hp && { host: hp.host, port: hp.port ?? 53 };
}
/** Nameserver addresses from resolv.conf text, in order (no RFC, but a universal format). */
function parseResolvConf(text) {
    const servers = [];
    for (const raw of text.split('\n')) {
        const line = raw.replace(/[#;].*$/, '').trim();
        const m = /^nameserver\s+(\S+)/.exec(line);
        if (m)
            servers.push(m[1].replace(/%.*$/, '')); // drop an IPv6 zone id: dgram cannot use it here
    }
    return servers;
}
/**
 * The nameservers to use when none is given: `PIPEKIT_NAMESERVER` (host[:port]), else
 * /etc/resolv.conf (not dns2's built-in public resolvers, which would leak lookups and
 * ignore split-horizon DNS), else 127.0.0.1 as the C library does.
 */
function defaultNameservers(env = process.env, resolvConf = '/etc/resolv.conf') {
    const fromEnv = env.PIPEKIT_NAMESERVER;
    if (fromEnv) {
        const ns = parseNameserver(fromEnv);
        if (!ns)
            throw new Error(`PIPEKIT_NAMESERVER is not host[:port]: ${fromEnv}`);
        return [ns];
    }
    let text = '';
    try {
        text = (0, node_fs_1.readFileSync)(resolvConf, 'utf8');
    }
    catch {
        // no resolv.conf: fall through to the C library's default
    }
    const hosts = parseResolvConf(text);
    return (hosts.length ? hosts : ['127.0.0.1']).map((host) => ({ host, port: 53 }));
}
/**
 * A DNS client for MX and address lookups bound to chosen nameservers, built on dns2:
 * `resolveMx`, `resolveAddresses` and the underlying `query`.
 */
class MxResolver {
    nameservers;
    /** Milliseconds to wait for each answer. */
    timeoutMs;
    constructor(options = {}) {
        this.nameservers = options.nameservers ?? defaultNameservers();
        this.timeoutMs = options.timeoutMs ?? 5000;
    }
    /** One query, nameservers tried in turn; answers with any RCODE come back as packets. */
    async query(name, type) {
        let lastError;
        for (const ns of this.nameservers) {
            // dns2's own resolve() always opens a udp4 socket; pick the family from the address.
            const resolve = DNS.UDPClient({
                dns: ns.host,
                port: ns.port,
                timeout: this.timeoutMs,
                socketType: (0, node_net_1.isIPv6)(ns.host) ? 'udp6' : 'udp4',
            });
            try {
                return await resolve(name, type);
            }
            catch (err) {
                lastError = err;
            }
        }
        const where = this.nameservers.map((ns) => (0, address_1.formatHostPort)(ns.host, ns.port)).join(', ');
        const timedOut = lastError?.code === 'ETIMEDOUT';
        const why = timedOut ? `no answer within ${(0, units_1.humanDuration)(this.timeoutMs)}` : lastError?.message ?? 'failed';
        throw new MxError(`${type} lookup: nameserver ${where}: ${why}`, timedOut ? 'timeout' : 'dns', name, {
            cause: lastError,
        });
    }
    /** Addresses of a host: IPv4 first (the family most MX hosts reach), then IPv6. An IP literal is itself. */
    async resolveAddresses(host) {
        if ((0, node_net_1.isIP)(host))
            return [host];
        const out = [];
        for (const type of ['A', 'AAAA']) {
            const packet = await this.query(host, type);
            checkRcode(packet, host, type);
            for (const a of packet.answers) {
                if (a.type === DNS.Packet.TYPE[type] && a.address)
                    out.push(a.address);
            }
        }
        return out;
    }
    /**
     * The exchanges of a domain, most preferred first (ties keep DNS order). A domain with
     * no MX but with A/AAAA records has itself as implicit exchange (RFC 5321 5.1).
     * Throws MxError for NXDOMAIN, SERVFAIL, timeouts, a null MX (RFC 7505) and a domain
     * with neither MX nor address records.
     */
    async resolveMx(domain) {
        const packet = await this.query(domain, 'MX');
        checkRcode(packet, domain, 'MX');
        const mx = packet.answers.filter((a) => a.type === DNS.Packet.TYPE.MX);
        if (mx.some((a) => !a.exchange || a.exchange === '.')) {
            throw new MxError('null MX: the domain accepts no mail (RFC 7505)', 'nullmx', domain);
        }
        if (mx.length) {
            return mx
                .map((a) => ({ exchange: a.exchange.replace(/\.$/, '').toLowerCase(), preference: a.priority ?? 0, implicit: false }))
                .sort((a, b) => a.preference - b.preference);
        }
        const addresses = await this.resolveAddresses(domain);
        if (!addresses.length) {
            throw new MxError('no MX and no A/AAAA records: the domain accepts no mail', 'nomail', domain);
        }
        return [{ exchange: domain, preference: 0, implicit: true }];
    }
}
exports.MxResolver = MxResolver;
function checkRcode(packet, name, type) {
    const rcode = packet.header.rcode;
    if (rcode === 0)
        return;
    const rname = RCODE_NAME[rcode] ?? `RCODE ${rcode}`;
    if (rcode === 3)
        throw new MxError(`NXDOMAIN: no such domain (${type} lookup)`, 'nxdomain', name);
    const kind = rcode === 2 ? 'servfail' : rcode === 5 ? 'refused' : 'dns';
    throw new MxError(`${rname} from nameserver (${type} lookup)`, kind, name);
}
/**
 * The exchanges of `domain`, most preferred first, looked up with dns2 against the given
 * nameservers (default: `PIPEKIT_NAMESERVER`, else /etc/resolv.conf). A domain without MX
 * but with A/AAAA records has itself as implicit exchange. Throws MxError for NXDOMAIN,
 * SERVFAIL, timeouts, a null MX (RFC 7505) and a domain with neither MX nor addresses.
 */
function resolveMx(domain, options = {}) {
    return new MxResolver(options).resolveMx(domain);
}
