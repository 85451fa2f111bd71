"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.startDnsServer = startDnsServer;
exports.deadNameserver = deadNameserver;
const DNS = require("dns2");
const node_dgram_1 = require("node:dgram");
const { Packet } = DNS;
/** A dns2 UDP server on a random loopback port answering from `zone`; unknown names are NXDOMAIN. */
async function startDnsServer(zone) {
    const queries = [];
    const server = DNS.createServer({
        udp: true,
        handle: (request, send) => {
            const response = Packet.createResponseFromRequest(request);
            const [q] = request.questions;
            const name = q.name.toLowerCase().replace(/\.$/, '');
            const type = Packet.TYPE_NAME[q.type] ?? String(q.type);
            queries.push(`${type} ${name}`);
            const entry = zone[name];
            if (entry?.silent)
                return;
            if (!entry)
                response.header.rcode = Packet.RCODE.NXDOMAIN;
            else if (entry.rcode)
                response.header.rcode = Packet.RCODE[entry.rcode];
            else {
                const base = { name: q.name, class: Packet.CLASS.IN, ttl: 60 };
                if (q.type === Packet.TYPE.MX) {
                    for (const [priority, exchange] of entry.mx ?? []) {
                        response.answers.push({ ...base, type: Packet.TYPE.MX, priority, exchange: exchange === '.' ? '' : exchange });
                    }
                }
                if (q.type === Packet.TYPE.A) {
                    for (const address of entry.a ?? [])
                        response.answers.push({ ...base, type: Packet.TYPE.A, address });
                }
                if (q.type === Packet.TYPE.AAAA) {
                    for (const address of entry.aaaa ?? [])
                        response.answers.push({ ...base, type: Packet.TYPE.AAAA, address });
                }
            }
            void send(response);
        },
    });
    const addresses = await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
    const port = addresses.udp.port;
    return {
        host: '127.0.0.1',
        port,
        nameserver: `127.0.0.1:${port}`,
        queries,
        close: () => server.close(),
    };
}
/** A loopback UDP port with nothing behind it: queries sent there are never answered. */
async function deadNameserver() {
    const sock = (0, node_dgram_1.createSocket)('udp4');
    await new Promise((resolve) => sock.bind(0, '127.0.0.1', resolve));
    const { port } = sock.address();
    await new Promise((resolve) => sock.close(() => resolve()));
    return `127.0.0.1:${port}`;
}
