"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const format_1 = require("../lib/mail/format");
const probe = (over) => ({
    domain: 'example.org',
    exchange: 'mx1.example.org',
    preference: 10,
    address: '192.0.2.25',
    status: 'ok',
    code: 250,
    phase: 'data',
    message: '2.0.0 Ok: queued as 4F2A',
    tls: true,
    ...over,
});
const etrn = (over) => ({
    server: 'mx2.example.net',
    domain: 'example.org',
    code: 250,
    message: 'Queuing started',
    ok: true,
    advertised: true,
    ...over,
});
(0, node_test_1.describe)('tsvField', () => {
    const table = [
        ['a\tb\r\nc', 'a b c'],
        ['two\n\nbreaks', 'two breaks'],
        [null, '-'],
        [undefined, '-'],
        ['', '-'],
        [0, '0'],
        [554, '554'],
        ['-', '-'],
    ];
    for (const [value, field] of table) {
        (0, node_test_1.it)(`${JSON.stringify(value)} -> ${JSON.stringify(field)}`, () => strict_1.default.equal((0, format_1.tsvField)(value), field));
    }
});
(0, node_test_1.describe)('formatProbeResult: the seven mxprobe columns', () => {
    const table = [
        [{}, 'example.org\tmx1.example.org\t10\tok\t250\tdata\t2.0.0 Ok: queued as 4F2A'],
        [
            { status: 'fail', code: 554, phase: 'rcpt', message: '5.7.1 Relay access denied' },
            'example.org\tmx1.example.org\t10\tfail\t554\trcpt\t5.7.1 Relay access denied',
        ],
        [
            { exchange: '-', preference: null, address: null, status: 'fail', code: null, phase: 'dns', message: 'NXDOMAIN: no such domain (MX lookup)' },
            'example.org\t-\t-\tfail\t-\tdns\tNXDOMAIN: no such domain (MX lookup)',
        ],
        [{ exchange: '.', preference: 0, status: 'fail', code: null, phase: 'dns', message: 'null MX' }, 'example.org\t.\t0\tfail\t-\tdns\tnull MX'],
        [{ exchange: 'example.org', preference: 0, message: 'a\tb\r\nc' }, 'example.org\texample.org\t0\tok\t250\tdata\ta b c'],
    ];
    for (const [over, line] of table) {
        (0, node_test_1.it)(line.replace(/\t/g, ' | '), () => strict_1.default.equal((0, format_1.formatProbeResult)(probe(over)), line));
    }
    (0, node_test_1.it)('--json: every field, address and tls too', () => {
        const r = probe({ status: 'fail', code: null, phase: 'connect', message: 'connection refused', tls: false });
        strict_1.default.deepEqual(JSON.parse((0, format_1.formatProbeResult)(r, true)), r);
    });
});
(0, node_test_1.describe)('formatEtrnResult: server domain code message', () => {
    const table = [
        [{}, 'mx2.example.net\texample.org\t250\tQueuing started'],
        [{ code: 459, ok: false, message: '<other.org>: service unavailable' }, 'mx2.example.net\texample.org\t459\t<other.org>: service unavailable'],
        [{ code: null, ok: false, advertised: null, message: 'connection refused' }, 'mx2.example.net\texample.org\t-\tconnection refused'],
        [{ server: '[::1]:2525', message: '' }, '[::1]:2525\texample.org\t250\t-'],
    ];
    for (const [over, line] of table) {
        (0, node_test_1.it)(line.replace(/\t/g, ' | '), () => strict_1.default.equal((0, format_1.formatEtrnResult)(etrn(over)), line));
    }
    (0, node_test_1.it)('--json: every field', () => {
        const r = etrn({ code: 458, ok: false, advertised: false, message: 'Unable to queue messages for node example.org' });
        strict_1.default.deepEqual(JSON.parse((0, format_1.formatEtrnResult)(r, true)), r);
    });
});
(0, node_test_1.describe)('diagnostics', () => {
    (0, node_test_1.it)('outcomeText: the code in front when a reply decided', () => {
        strict_1.default.equal((0, format_1.outcomeText)(554, '5.7.1 Relay access denied'), '554 5.7.1 Relay access denied');
        strict_1.default.equal((0, format_1.outcomeText)(null, 'connection refused'), 'connection refused');
    });
    const probes = [
        [{ status: 'fail', code: 554, phase: 'rcpt', message: '5.7.1 Relay access denied' }, 'example.org: mx1.example.org: 554 5.7.1 Relay access denied (rcpt)'],
        [{ status: 'fail', code: null, phase: 'connect', message: 'connection refused' }, 'example.org: mx1.example.org: connection refused (connect)'],
        [{ exchange: '-', status: 'fail', code: null, phase: 'dns', message: 'NXDOMAIN: no such domain (MX lookup)' }, 'example.org: NXDOMAIN: no such domain (MX lookup) (dns)'],
        [{ exchange: '.', status: 'fail', code: null, phase: 'dns', message: 'null MX' }, 'example.org: null MX (dns)'],
    ];
    for (const [over, line] of probes) {
        (0, node_test_1.it)(`probeFailure: ${line}`, () => strict_1.default.equal((0, format_1.probeFailure)(probe(over)), line));
    }
    (0, node_test_1.it)('etrnFailures: one line per distinct failure, none for successes and for domains never asked', () => {
        const results = [
            etrn({ domain: 'a.org' }),
            etrn({ domain: 'b.org', code: 459, ok: false, message: 'not allowed' }),
            etrn({ domain: 'c.org', code: 459, ok: false, message: 'not allowed' }),
            etrn({ domain: 'd.org', code: 458, ok: false, message: 'unable' }),
        ];
        strict_1.default.deepEqual((0, format_1.etrnFailures)(results), [
            undefined,
            'mx2.example.net: b.org: 459 not allowed',
            undefined,
            'mx2.example.net: d.org: 458 unable',
        ]);
    });
    (0, node_test_1.it)('etrnFailures: a 421 closing the session names the first domain only', () => {
        const results = [
            etrn({ domain: 'a.org', code: 421, ok: false, message: '4.3.0 closing, try later' }),
            etrn({ domain: 'b.org', code: null, ok: false, message: 'not sent: 4.3.0 closing, try later' }),
            etrn({ domain: 'c.org', code: null, ok: false, message: 'not sent: 4.3.0 closing, try later' }),
        ];
        strict_1.default.deepEqual((0, format_1.etrnFailures)(results), ['mx2.example.net: a.org: 421 4.3.0 closing, try later', undefined, undefined]);
    });
    (0, node_test_1.it)('etrnFailures: a server failing before ETRN fails every domain alike, said once', () => {
        const refused = (domain) => etrn({ domain, code: null, ok: false, advertised: null, message: 'connection refused' });
        strict_1.default.deepEqual((0, format_1.etrnFailures)([refused('a.org'), refused('b.org')]), ['mx2.example.net: a.org: connection refused', undefined]);
        strict_1.default.deepEqual((0, format_1.etrnFailures)([]), []);
    });
});
