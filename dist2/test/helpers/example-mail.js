"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.startExampleMail = startExampleMail;
const dns_server_1 = require("./dns-server");
const postfix_1 = require("./postfix");
const smtp_servers_1 = require("./smtp-servers");
async function startExampleMail() {
    const postfix = await (0, postfix_1.startPostfix)(['example.org', 'example.com']);
    const { port, servers } = await (0, smtp_servers_1.startSmtpServers)([{ behaviour: 'accept' }, { behaviour: 'accept' }, { behaviour: 'accept' }], 1);
    const dns = await (0, dns_server_1.startDnsServer)({
        'example.org': { mx: [[10, 'mx1.example.org'], [20, 'mx2.example.net']] },
        'example.com': { mx: [[10, 'mx1.example.org'], [20, 'mx2.example.net']] },
        'example.net': { a: ['127.0.0.3'] },
        'mx1.example.org': { a: ['127.0.0.2'] },
        'mx2.example.net': { a: ['127.0.0.1'] },
    });
    return {
        nameserver: dns.nameserver,
        smtpPort: port,
        postfixPort: postfix.port,
        close: async () => {
            await Promise.all(servers.map((s) => s.close()));
            await dns.close();
            await postfix.stop();
        },
    };
}
