"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const promises_1 = require("node:stream/promises");
const node_stream_1 = require("node:stream");
const client_s3_1 = require("@aws-sdk/client-s3");
const run_1 = require("./helpers/run");
const s3_1 = require("./helpers/s3");
const fault_proxy_1 = require("./helpers/fault-proxy");
const s3servers_1 = require("./helpers/s3servers");
const docs_1 = require("./helpers/docs");
const lister_1 = require("../lib/s3/lister");
const sink_1 = require("../lib/s3/sink");
const sets_1 = require("../lib/s3/sets");
/** The servers this file runs against (s3rver, later Ceph RGW): every assertion below holds on each. */
const SERVERS = s3servers_1.S3_SERVERS;
/** Store `keys` (body: the key itself unless given), 32 PUTs at a time. */
async function putKeys(client, bucket, keys, body) {
    let next = 0;
    const worker = async () => {
        while (next < keys.length) {
            const key = keys[next++];
            await client.send(new client_s3_1.PutObjectCommand({ Bucket: bucket, Key: key, Body: body ? body(key) : key }));
        }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
}
const byBytes = (a, b) => (0, lister_1.compareKeys)(a, b);
const lines = (out, sep = '\n') => out.toString('utf8').split(sep).filter((l) => l !== '');
// Zero-padded keys in one "directory": s3rver walks its store in file-name order, which
// is S3's byte order only for keys like these (see the report on s3rver's paging).
const MANY = Array.from({ length: 2537 }, (_, i) => `many/k-${String(i).padStart(5, '0')}`);
for (const server of SERVERS) {
    (0, node_test_1.describe)(`s3ls on ${server.kind}`, () => {
        let s;
        let client;
        let bucket;
        let env;
        (0, node_test_1.before)(async () => {
            s = await server.start();
            client = (0, s3_1.testClient)(s);
            bucket = await (0, s3_1.freshBucket)(client, 'ls');
            env = (0, s3_1.s3Env)(s);
            await putKeys(client, bucket, MANY);
        });
        (0, node_test_1.after)(() => s.stop());
        const ls = (args, e = env) => (0, run_1.runFilter)('s3ls', args, { env: e, timeout: 60_000 });
        (0, node_test_1.it)('lists 2,537 keys exactly once, in order, at odd page sizes', async () => {
            const want = MANY.map((k) => `s3://${bucket}/${k}`);
            for (const size of ['97', '1000', '333']) {
                const r = await ls(['-r', '--page-size', size, `s3://${bucket}/many/`]);
                strict_1.default.equal(r.code, 0, r.stderr);
                strict_1.default.equal(r.stderr, '');
                strict_1.default.deepEqual(lines(r.stdout), want, `page size ${size}`);
            }
        });
        (0, node_test_1.it)('the library lister gives every key once at page sizes 1, 7, 13 and 1000', async () => {
            const prefix = 'many/k-000';
            const want = MANY.filter((k) => k.startsWith(prefix));
            strict_1.default.equal(want.length, 100);
            for (const pageSize of [1, 7, 13, 1000]) {
                const got = [];
                for await (const e of (0, lister_1.listObjects)({ client, bucket, prefix, pageSize }))
                    got.push(e.key);
                strict_1.default.deepEqual(got, want, `page size ${pageSize}`);
            }
        });
        (0, node_test_1.it)('fetches the next page only when the reader has taken the last one (backpressure)', async () => {
            const proxy = await fault_proxy_1.FaultProxy.start(s.endpoint, 1);
            try {
                const pc = (0, s3_1.testClient)(s, proxy.endpoint);
                const pageSize = 50;
                const listRequests = () => proxy.requests.GET ?? 0;
                let i = 0;
                for await (const e of (0, lister_1.listObjects)({ client: pc, bucket, prefix: 'many/', pageSize })) {
                    strict_1.default.ok('key' in e);
                    // Never more than the page being read, one buffered and one in flight.
                    strict_1.default.ok(listRequests() <= Math.floor(i / pageSize) + 3, `item ${i}: ${listRequests()} requests`);
                    i++;
                }
                strict_1.default.equal(i, MANY.length);
                strict_1.default.equal(listRequests(), Math.ceil(MANY.length / pageSize));
                pc.destroy();
            }
            finally {
                await proxy.close();
            }
        });
        (0, node_test_1.it)('destroying the listing stops it: no further requests', async () => {
            const proxy = await fault_proxy_1.FaultProxy.start(s.endpoint, 1);
            try {
                const pc = (0, s3_1.testClient)(s, proxy.endpoint);
                const stream = (0, lister_1.listObjects)({ client: pc, bucket, prefix: 'many/', pageSize: 10 });
                let taken = 0;
                for await (const _ of stream)
                    if (++taken === 25)
                        break; // break destroys the stream
                strict_1.default.ok(stream.destroyed);
                const seen = proxy.requests.GET ?? 0;
                strict_1.default.ok(seen <= 5, `${seen} requests for 25 keys`);
                pc.destroy();
            }
            finally {
                await proxy.close();
            }
        });
        (0, node_test_1.describe)('formats', () => {
            // No key two levels below a common prefix: s3rver drops such prefixes (see report).
            const odd = ['lvl/a+b', 'lvl/a/1', 'lvl/a/2', 'lvl/b', 'lvl/c/d', 'lvl/sp ace', 'lvl/ünï', 'lvl/ü/x', 'lvl/zz'];
            (0, node_test_1.before)(() => putKeys(client, bucket, odd, (k) => 'x'.repeat(k === 'lvl/zz' ? 1536 : 3)));
            (0, node_test_1.it)('one level by default: keys and common prefixes (ending in /) in byte order', async () => {
                const r = await ls([`s3://${bucket}/lvl/`]);
                strict_1.default.equal(r.code, 0, r.stderr);
                const want = ['a+b', 'a/', 'b', 'c/', 'sp ace', 'zz', 'ü/', 'ünï'].map((k) => `s3://${bucket}/lvl/${k}`);
                strict_1.default.deepEqual(lines(r.stdout), want);
                const rr = await ls(['-r', `s3://${bucket}/lvl/`]);
                strict_1.default.deepEqual(lines(rr.stdout), [...odd].sort(byBytes).map((k) => `s3://${bucket}/${k}`));
            });
            (0, node_test_1.it)('a prefix is matched literally, as S3 does: lvl/a lists lvl/a+b and lvl/a/', async () => {
                const r = await ls([`s3://${bucket}/lvl/a`]);
                strict_1.default.deepEqual(lines(r.stdout), [`s3://${bucket}/lvl/a+b`, `s3://${bucket}/lvl/a/`]);
            });
            (0, node_test_1.it)('-l prints size, UTC time and URL; -h human sizes; --json one object per line; -0 NUL', async () => {
                const r = await ls(['-l', `s3://${bucket}/lvl/`]);
                const out = lines(r.stdout);
                strict_1.default.match(out[0], /^ {11}3  \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  s3:\/\/[^ ]+\/lvl\/a\+b$/);
                strict_1.default.match(out[1], /^ {9}PRE  - {20} s3:\/\/[^ ]+\/lvl\/a\/$/);
                strict_1.default.match(out[4], /^ +3  \S+  s3:\/\/[^ ]+\/lvl\/sp ace$/);
                strict_1.default.match(out[5], /^ +1536  \S+  s3:\/\/[^ ]+\/lvl\/zz$/);
                const h = lines((await ls(['-l', '-h', `s3://${bucket}/lvl/zz`])).stdout);
                strict_1.default.match(h[0], /^ {2}1\.5K  \S+Z  s3:\/\/[^ ]+\/lvl\/zz$/);
                const j = lines((await ls(['--json', '-r', `s3://${bucket}/lvl/`])).stdout).map((l) => JSON.parse(l));
                strict_1.default.equal(j.length, odd.length);
                strict_1.default.deepEqual({ ...j[0], lastModified: undefined, etag: undefined }, { url: `s3://${bucket}/lvl/a+b`, bucket, key: 'lvl/a+b', size: 3, lastModified: undefined, etag: undefined });
                strict_1.default.ok(!Number.isNaN(Date.parse(j[0].lastModified)));
                const z = await ls(['-r', '-0', `s3://${bucket}/lvl/`]);
                strict_1.default.ok(z.stdout.toString().endsWith('\0'));
                strict_1.default.deepEqual(lines(z.stdout, '\0'), [...odd].sort(byBytes).map((k) => `s3://${bucket}/${k}`));
                const bundled = await ls(['-r0', `s3://${bucket}/lvl/`]);
                strict_1.default.ok(bundled.stdout.equals(z.stdout), '-r0 is -r -0');
            });
            (0, node_test_1.it)('a key with a newline: printed whole with -0; without -0 a warning says to use -0', async () => {
                await putKeys(client, bucket, ['nl/one\ntwo']);
                const z = await ls(['-r', '-0', `s3://${bucket}/nl/`]);
                strict_1.default.equal(z.code, 0);
                strict_1.default.equal(z.stdout.toString(), `s3://${bucket}/nl/one\ntwo\0`);
                const r = await ls(['-r', `s3://${bucket}/nl/`]);
                strict_1.default.equal(r.code, 0);
                strict_1.default.match(r.stderr, /^s3ls: a key contains a newline; use -0/);
            });
            (0, node_test_1.it)('no argument lists buckets as s3://NAME/ (-l with creation time)', async () => {
                const r = await ls([]);
                strict_1.default.equal(r.code, 0, r.stderr);
                strict_1.default.ok(lines(r.stdout).includes(`s3://${bucket}/`));
                const l = lines((await ls(['-l'])).stdout);
                strict_1.default.ok(l.some((x) => new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\S+Z  s3://${bucket}/$`).test(x)), l.join('\n'));
            });
            (0, node_test_1.it)('the output of s3ls is input for s3ls: buckets | xargs s3ls', async () => {
                const r = await (0, run_1.runCommand)('bash', ['-c', `set -o pipefail; "$NODE" "$LS" | grep -F "s3://${bucket}/" | xargs "$NODE" "$LS" -r | grep -c /lvl/`], {
                    env: { ...env, NODE: process.execPath, LS: (0, run_1.filterPath)('s3ls') },
                });
                strict_1.default.equal(r.code, 0, r.stderr);
                strict_1.default.equal(r.stdout.toString().trim(), String(odd.length));
            });
        });
        (0, node_test_1.describe)('errors', () => {
            (0, node_test_1.it)('a missing bucket: one line, exit 1', async () => {
                const r = await ls([`s3://no-such-bucket-${Date.now()}/x`]);
                strict_1.default.equal(r.code, 1);
                strict_1.default.match(r.stderr, /^s3ls: cannot list s3:\/\/no-such-bucket-\d+\/x: NoSuchBucket \(404\)\n$/);
                strict_1.default.equal(r.stdout.length, 0);
            });
            (0, node_test_1.it)('usage errors exit 2: unknown option, bad page size, not an s3:// address', async () => {
                for (const args of [['--bogus'], ['--page-size', '0', `s3://${bucket}/`], ['--page-size', '1001', `s3://${bucket}/`], ['/tmp'], ['--sets']]) {
                    const r = await ls(args);
                    strict_1.default.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
                    strict_1.default.match((0, run_1.stderrLines)(r)[0], /^s3ls: /);
                }
            });
            (0, node_test_1.it)('-h means human sizes, --help prints the help; --version', async () => {
                const h = await ls(['--help']);
                strict_1.default.equal(h.code, 0);
                strict_1.default.match(h.stdout.toString(), /^Usage: s3ls /);
                strict_1.default.match(h.stdout.toString(), /-h, --human-readable/);
                const v = await ls(['--version']);
                strict_1.default.match(v.stdout.toString(), /^s3ls \d+\.\d+\.\d+\n$/);
            });
            (0, node_test_1.it)('a closed stdout ends the listing quietly', async () => {
                const r = await (0, run_1.runCommand)('bash', ['-c', 'set -o pipefail; "$NODE" "$LS" -r --page-size 100 "$URL" | head -n 3'], {
                    env: { ...env, NODE: process.execPath, LS: (0, run_1.filterPath)('s3ls'), URL: `s3://${bucket}/many/` },
                });
                strict_1.default.equal(r.code, 0, r.stderr);
                strict_1.default.equal(r.stderr, '');
                strict_1.default.equal(lines(r.stdout).length, 3);
            });
        });
        (0, node_test_1.describe)('through a proxy that breaks the page chain', () => {
            let proxy;
            let penv;
            (0, node_test_1.before)(async () => {
                proxy = await fault_proxy_1.FaultProxy.start(s.endpoint, 7);
                penv = (0, s3_1.s3Env)(s, proxy.endpoint);
            });
            (0, node_test_1.after)(() => proxy.close());
            const LIST = /list-type=2/;
            const TOKEN = /<NextContinuationToken>([^<]*)<\/NextContinuationToken>/;
            (0, node_test_1.it)('a truncated page without a token: one clear line, exit 1, no silent end', async () => {
                proxy.clear().add({ fault: 'rewrite', method: 'GET', url: LIST, nth: 2, rewrite: (b) => b.replace(TOKEN, '') });
                const r = await ls(['-r', '--page-size', '100', `s3://${bucket}/many/`], penv);
                strict_1.default.equal(r.code, 1);
                strict_1.default.deepEqual((0, run_1.stderrLines)(r), [`s3ls: cannot list s3://${bucket}/many/: listing truncated but the server sent no continuation token`]);
                strict_1.default.deepEqual(lines(r.stdout), MANY.slice(0, 200).map((k) => `s3://${bucket}/${k}`), 'the pages before the fault, then nothing');
                strict_1.default.equal(proxy.injected.rewrite >= 1, true);
            });
            (0, node_test_1.it)('a repeated token: one clear line, exit 1, no endless loop', async () => {
                let first;
                proxy.clear().add({
                    fault: 'rewrite',
                    method: 'GET',
                    url: LIST,
                    times: 1000,
                    rewrite: (b) => {
                        const t = TOKEN.exec(b)?.[1];
                        if (first === undefined)
                            first = t;
                        return t ? b.replace(TOKEN, `<NextContinuationToken>${first}</NextContinuationToken>`) : b;
                    },
                });
                const before = proxy.requests.GET ?? 0;
                const r = await ls(['-r', '--page-size', '100', `s3://${bucket}/many/`], penv);
                strict_1.default.equal(r.code, 1);
                strict_1.default.deepEqual((0, run_1.stderrLines)(r), [`s3ls: cannot list s3://${bucket}/many/: server repeated a continuation token; listing would loop`]);
                strict_1.default.equal((proxy.requests.GET ?? 0) - before, 2, 'stopped at the first repeat');
                strict_1.default.equal(lines(r.stdout).length, 200);
            });
            (0, node_test_1.it)('an earlier page resent under a fresh token: one clear line, exit 1, no key twice', async () => {
                let firstBody;
                let n = 0;
                proxy.clear().add({
                    fault: 'rewrite',
                    method: 'GET',
                    url: LIST,
                    times: 1000,
                    rewrite: (b) => {
                        n++;
                        firstBody ??= b;
                        return n === 3 ? firstBody.replace(TOKEN, '<NextContinuationToken>fresh-token</NextContinuationToken>') : b;
                    },
                });
                const r = await ls(['-r', '--page-size', '100', `s3://${bucket}/many/`], penv);
                strict_1.default.equal(r.code, 1);
                strict_1.default.match((0, run_1.stderrLines)(r)[0], /^s3ls: cannot list s3:\/\/\S+: server went back to "many\/k-00000" after "many\/k-00199"; listing would repeat keys$/);
                const out = lines(r.stdout);
                strict_1.default.equal(new Set(out).size, out.length);
            });
            (0, node_test_1.it)('a key listed twice in one page: one clear line, exit 1, no key twice', async () => {
                proxy.clear().add({ fault: 'rewrite', method: 'GET', url: LIST, nth: 2, rewrite: (b) => b.replace(/(<Contents>[\s\S]*?<\/Contents>)/, '$1$1') });
                const r = await ls(['-r', '--page-size', '100', `s3://${bucket}/many/`], penv);
                strict_1.default.equal(r.code, 1);
                strict_1.default.deepEqual((0, run_1.stderrLines)(r), [`s3ls: cannot list s3://${bucket}/many/: server listed "many/k-00100" twice in one page`]);
                strict_1.default.deepEqual(lines(r.stdout), MANY.slice(0, 100).map((k) => `s3://${bucket}/${k}`), 'the page before the fault, then nothing');
            });
            (0, node_test_1.it)('transient faults on list requests are retried: every key once', async () => {
                proxy.clear().add({ fault: 'error500', method: 'GET', url: LIST, nth: 2 }).add({ fault: 'reset', method: 'GET', url: LIST, nth: 5 }).add({ fault: 'slowdown', method: 'GET', url: LIST, nth: 9 });
                const r = await ls(['-r', '--page-size', '250', `s3://${bucket}/many/`], penv);
                strict_1.default.equal(r.code, 0, r.stderr);
                strict_1.default.deepEqual(lines(r.stdout), MANY.map((k) => `s3://${bucket}/${k}`));
                proxy.clear();
            });
        });
        (0, node_test_1.describe)('--sets', () => {
            async function storeSet(name, data, keep = 1) {
                await (0, promises_1.pipeline)(node_stream_1.Readable.from([data]), new sink_1.ChunkSetSink({ client, bucket, name, chunkSize: 1000, retention: { last: keep } }));
            }
            (0, node_test_1.before)(async () => {
                await storeSet('sets/www', Buffer.alloc(2500, 1), 2);
                await storeSet('sets/www', Buffer.alloc(3001, 2), 2);
                await storeSet('sets/db dump', Buffer.alloc(10, 3));
                await putKeys(client, bucket, ['sets/plain', 'sets/notes/MANIFEST.txt', 'broken/ok/x']);
                await storeSet('broken/good', Buffer.alloc(5, 4));
                await putKeys(client, bucket, ['broken/bad/MANIFEST'], () => '{"format": 1, "chunks": ');
            });
            (0, node_test_1.it)('lists each chunk set once (not its generations) with -l size, date and generation', async () => {
                const r = await ls(['--sets', `s3://${bucket}/sets/`]);
                strict_1.default.equal(r.code, 0, r.stderr);
                strict_1.default.deepEqual(lines(r.stdout), [`s3://${bucket}/sets/db dump`, `s3://${bucket}/sets/www`]);
                const l = lines((await ls(['--sets', '-l', `s3://${bucket}/sets/`])).stdout);
                strict_1.default.match(l[0], /^ {10}10  \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  \d{8}T\d{9}Z-[0-9a-f]{8}  s3:\/\/\S+\/sets\/db dump$/);
                strict_1.default.match(l[1], /^ +3001  \S+  \S+  s3:\/\/\S+\/sets\/www$/);
                const j = lines((await ls(['--sets', '--json', `s3://${bucket}/sets/w`])).stdout).map((x) => JSON.parse(x));
                strict_1.default.equal(j.length, 1);
                strict_1.default.equal(j[0].name, 'sets/www');
                strict_1.default.equal(j[0].size, 3001);
                strict_1.default.equal(j[0].chunks, 4);
            });
            (0, node_test_1.it)('an unreadable MANIFEST: the other sets are listed, one line names it, exit 1', async () => {
                const r = await ls(['--sets', `s3://${bucket}/broken/`]);
                strict_1.default.equal(r.code, 1);
                strict_1.default.deepEqual(lines(r.stdout), [`s3://${bucket}/broken/good`]);
                strict_1.default.deepEqual((0, run_1.stderrLines)(r), [`s3ls: cannot read s3://${bucket}/broken/bad/MANIFEST: MANIFEST is not valid JSON (truncated or corrupt)`]);
            });
            (0, node_test_1.it)('the library yields the same sets; set names are told from generation manifests', async () => {
                const names = [];
                for await (const set of (0, sets_1.listChunkSets)({ client, bucket, prefix: 'sets/', pageSize: 3, jobs: 2 }))
                    names.push(set.name);
                strict_1.default.deepEqual(names, ['sets/db dump', 'sets/www']);
                strict_1.default.equal((0, sets_1.setNameOfManifestKey)('a/b/MANIFEST'), 'a/b');
                strict_1.default.equal((0, sets_1.setNameOfManifestKey)('a/20261125T163012345Z-1a2b3c4d/MANIFEST'), null);
                strict_1.default.equal((0, sets_1.setNameOfManifestKey)('MANIFEST'), null);
                strict_1.default.equal((0, sets_1.setNameOfManifestKey)('a/MANIFEST.txt'), null);
            });
        });
        (0, node_test_1.it)('listPages keeps its contract for s3sink/s3source: pages of entries', async () => {
            let pages = 0;
            let entries = [];
            for await (const page of (0, lister_1.listPages)({ client, bucket, prefix: 'many/', pageSize: 1000 })) {
                pages++;
                entries = entries.concat(page);
            }
            strict_1.default.equal(pages, 3);
            strict_1.default.equal(entries.length, MANY.length);
        });
        // The man page's examples, on the same server, in a bucket of their own.
        (0, node_test_1.describe)('man page examples', () => {
            let bucket;
            let env;
            (0, node_test_1.before)(async () => {
                bucket = await (0, s3_1.freshBucket)(client, 'ex');
                env = (0, s3_1.s3Env)(s, s.endpoint, { PATH: `${docs_1.BIN}:${process.env.PATH ?? ''}` });
                await putKeys(client, bucket, ['old/a', 'old/b/c', 'tmp/x y', "tmp/it's", 'tmp/keep/z', 'big'], (k) => (k === 'big' ? 'x'.repeat(5000) : k));
                await (0, promises_1.pipeline)(node_stream_1.Readable.from([Buffer.alloc(3000, 7)]), new sink_1.ChunkSetSink({ client, bucket, name: 'www', chunkSize: 1000 }));
            });
            (0, node_test_1.it)('every example runs, with s3://b/ and s3://backup/ standing for a test bucket', async () => {
                const examples = (0, docs_1.manExamples)((0, docs_1.manPage)('s3ls')).flatMap((block) => block.split('\n'));
                strict_1.default.equal(examples.length, 6);
                const out = {};
                for (const line of examples) {
                    const cmd = line.replace(/s3:\/\/(b|backup)\//g, `s3://${bucket}/`);
                    const r = await (0, run_1.runCommand)('bash', ['-c', cmd], { env, timeout: 60_000 });
                    strict_1.default.equal(r.code, 0, `${cmd}: ${r.stderr}`);
                    strict_1.default.equal(r.stderr, '', cmd);
                    out[line] = r.stdout.toString();
                }
                strict_1.default.ok(out.s3ls.split('\n').includes(`s3://${bucket}/`));
                strict_1.default.match(out['s3ls -r -l s3://b/ | sort -n -r | head'].split('\n')[0], new RegExp(`^ +5000  \\S+  s3://${bucket}/big$`));
                strict_1.default.match(out['s3ls --sets -l -h s3://backup/'], new RegExp(`^ {2}2\\.9K  \\S+  \\S+  s3://${bucket}/www\\n$`));
                const left = lines((await (0, run_1.runFilter)('s3ls', ['-r', `s3://${bucket}/`], { env })).stdout);
                strict_1.default.deepEqual(left.filter((u) => !u.includes('/www/')), [`s3://${bucket}/big`, `s3://${bucket}/tmp/keep/z`]);
            });
        });
    });
}
