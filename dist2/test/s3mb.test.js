"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const node_child_process_1 = require("node:child_process");
const node_crypto_1 = require("node:crypto");
const node_fs_1 = require("node:fs");
const node_http_1 = require("node:http");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
const node_util_1 = require("node:util");
const client_s3_1 = require("@aws-sdk/client-s3");
const run_1 = require("./helpers/run");
const s3_1 = require("./helpers/s3");
const fault_proxy_1 = require("./helpers/fault-proxy");
const s3servers_1 = require("./helpers/s3servers");
const docs_1 = require("./helpers/docs");
const buckets_1 = require("../lib/s3/buckets");
const options_1 = require("../lib/s3/options");
const client_1 = require("../lib/s3/client");
const lister_1 = require("../lib/s3/lister");
/** The servers this file runs against (s3rver, Ceph RGW): every assertion below holds on each unless it says otherwise. */
const SERVERS = s3servers_1.S3_SERVERS;
const lines = (r, sep = '\n') => r.stdout.toString('utf8').split(sep).filter((l) => l !== '');
const newName = (hint = 'mb') => `${hint}-${(0, node_crypto_1.randomBytes)(5).toString('hex')}`;
async function bucketNames(client) {
    return (await (0, lister_1.listBuckets)(client)).map((b) => b.name);
}
async function keysUnder(client, bucket) {
    const keys = [];
    for await (const page of (0, lister_1.listPages)({ client, bucket, prefix: '' }))
        for (const e of page)
            if ('key' in e)
                keys.push(e.key);
    return keys.sort();
}
for (const server of SERVERS) {
    (0, node_test_1.describe)(`s3mb on ${server.kind}`, () => {
        let s;
        let client;
        let env;
        let work;
        (0, node_test_1.before)(async () => {
            s = await server.start();
            client = (0, s3_1.testClient)(s);
            env = (0, s3_1.s3Env)(s, s.endpoint, { PATH: `${docs_1.BIN}:${process.env.PATH ?? ''}` });
            work = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'pipekit-s3mb-'));
            (0, node_fs_1.mkdirSync)((0, node_path_1.join)(work, 'www/sub'), { recursive: true });
            (0, node_fs_1.writeFileSync)((0, node_path_1.join)(work, 'www/index.html'), '<h1>hi</h1>\n');
            (0, node_fs_1.writeFileSync)((0, node_path_1.join)(work, 'www/sub/page 2.html'), 'two\n');
        });
        (0, node_test_1.after)(async () => {
            (0, node_fs_1.rmSync)(work, { recursive: true, force: true });
            await s.stop();
        });
        const mb = (args, input, e = env) => (0, run_1.runFilter)('s3mb', args, { env: e, input, cwd: work, timeout: 60_000 });
        const put = (args, input, e = env) => (0, run_1.runFilter)('s3put', args, { env: e, input, cwd: work, timeout: 60_000 });
        (0, node_test_1.it)('makes a bucket: exit 0, nothing printed; -v prints its URL', async () => {
            const name = newName();
            const r = await mb([`s3://${name}`]);
            strict_1.default.equal(r.code, 0, r.stderr);
            strict_1.default.equal(r.stderr, '');
            strict_1.default.equal(r.stdout.length, 0);
            strict_1.default.ok((await bucketNames(client)).includes(name));
            const other = newName();
            const v = await mb(['-v', `s3://${other}/`]);
            strict_1.default.equal(v.code, 0, v.stderr);
            strict_1.default.deepEqual(lines(v), [`s3://${other}/`]);
        });
        (0, node_test_1.it)('a bucket that is already yours is not an error (mkdir -p): exit 0, silent, and its keys stay', async () => {
            const name = await (0, s3_1.freshBucket)(client, 'mb');
            await client.send(new client_s3_1.PutObjectCommand({ Bucket: name, Key: 'k', Body: 'kept' }));
            for (const args of [[`s3://${name}`], [`s3://${name}/`], ['-v', `s3://${name}`]]) {
                const r = await mb(args);
                strict_1.default.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
                strict_1.default.equal(r.stderr, '');
                strict_1.default.deepEqual(lines(r), args[0] === '-v' ? [`s3://${name}/`] : []);
            }
            strict_1.default.deepEqual(await keysUnder(client, name), ['k']);
        });
        (0, node_test_1.it)('several at once, in order; -0 ends each URL with NUL', async () => {
            const names = [newName(), newName(), newName()];
            const r = await mb(['-v', ...names.map((n) => `s3://${n}`)]);
            strict_1.default.equal(r.code, 0, r.stderr);
            strict_1.default.deepEqual(lines(r), names.map((n) => `s3://${n}/`));
            const listed = await bucketNames(client);
            for (const n of names)
                strict_1.default.ok(listed.includes(n), n);
            const z = await mb(['-v', '-0', `s3://${names[0]}`, `s3://${names[1]}`]);
            strict_1.default.equal(z.stdout.toString(), `s3://${names[0]}/\0s3://${names[1]}/\0`);
        });
        (0, node_test_1.it)('a name the server refuses: one line, exit 1, and the buckets after it are still made', async () => {
            const [a, b] = [newName(), newName()];
            const r = await mb(['-v', `s3://${a}`, 's3://x', 's3://Not_Valid', `s3://${b}`]);
            strict_1.default.equal(r.code, 1);
            strict_1.default.deepEqual((0, run_1.stderrLines)(r), ['s3mb: cannot create bucket s3://x/: InvalidBucketName (400)', 's3mb: cannot create bucket s3://Not_Valid/: InvalidBucketName (400)']);
            strict_1.default.deepEqual(lines(r), [`s3://${a}/`, `s3://${b}/`]);
            const listed = await bucketNames(client);
            strict_1.default.ok(listed.includes(a) && listed.includes(b));
            strict_1.default.ok(!listed.includes('x') && !listed.includes('Not_Valid'));
        });
        (0, node_test_1.it)('buckets from standard input: lines, NUL-separated with -0, s3ls output; an empty list is exit 0', async () => {
            const [a, b, c] = [newName(), newName(), newName()];
            const r = await mb(['-v'], `s3://${a}\ns3://${b}/\n\n`);
            strict_1.default.equal(r.code, 0, r.stderr);
            strict_1.default.deepEqual(lines(r), [`s3://${a}/`, `s3://${b}/`]);
            const z = await mb(['-0'], `s3://${c}\0`);
            strict_1.default.equal(z.code, 0, z.stderr);
            strict_1.default.ok((await bucketNames(client)).includes(c));
            // s3ls prints the buckets as s3://NAME/: fed back, every one is already there.
            const again = await (0, run_1.runCommand)('bash', ['-c', 'set -o pipefail; s3ls | s3mb'], { env, timeout: 60_000 });
            strict_1.default.equal(again.code, 0, again.stderr);
            strict_1.default.equal(again.stderr, '');
            const e = await mb([], '');
            strict_1.default.equal(e.code, 0, e.stderr);
            strict_1.default.equal(e.stderr, '');
            strict_1.default.equal(e.stdout.length, 0);
        });
        (0, node_test_1.it)('usage: a bare name, a key, no bucket, an unknown option: exit 2 and no bucket made, even the good ones', async () => {
            const good = newName();
            for (const [args, message] of [
                [[`s3://${good}`, good], `not an s3:// address: "${good}" (give s3://BUCKET)`],
                [[`s3://${good}`, `s3://${good}/key`], `give s3://BUCKET, not a key: s3://${good}/key`],
                [[`s3://${good}`, 's3://'], 'not an s3:// address: "s3://" (give s3://BUCKET)'],
                [['--bogus', `s3://${good}`], 'unknown option --bogus'],
            ]) {
                const r = await mb([...args]);
                strict_1.default.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
                strict_1.default.deepEqual((0, run_1.stderrLines)(r), [`s3mb: ${message}; see s3mb --help`]);
            }
            const stdin = await mb([], `s3://${good}\ns3://${good}/k\n`);
            strict_1.default.equal(stdin.code, 2);
            strict_1.default.ok(!(await bucketNames(client)).includes(good));
        });
        (0, node_test_1.it)('--region: the zonegroup name every server here accepts goes as the constraint, and the bucket is made', async () => {
            const name = newName();
            const r = await mb(['--region', 'default', `s3://${name}`]);
            strict_1.default.equal(r.code, 0, r.stderr);
            strict_1.default.ok((await bucketNames(client)).includes(name));
        });
        (0, node_test_1.it)('a CreateBucket whose answer is lost is retried; the retry finds the bucket made, and that is success', async () => {
            const proxy = await fault_proxy_1.FaultProxy.start(s.endpoint, 7);
            try {
                const name = newName();
                proxy.add({ fault: 'hold', method: 'PUT', url: new RegExp(`^/${name}/?$`), nth: 1 });
                const r = await mb(['--timeout', '1s', `s3://${name}`], undefined, (0, s3_1.s3Env)(s, proxy.endpoint, { PATH: env.PATH }));
                strict_1.default.equal(r.code, 0, r.stderr);
                strict_1.default.equal(proxy.held, 1, 'the first CreateBucket did reach the server');
                strict_1.default.ok((await bucketNames(client)).includes(name));
            }
            finally {
                await proxy.close();
            }
        });
        // s3rver has no owners (every bucket is everyone's): the case exists on RGW only.
        if (server.kind === 'rgw')
            (0, node_test_1.it)("someone else's bucket: one line, exit 1 (a second RGW user's)", async () => {
                const rgw = s;
                const [accessKeyId, secretAccessKey] = [`OT${(0, node_crypto_1.randomBytes)(9).toString('hex').toUpperCase()}`, (0, node_crypto_1.randomBytes)(24).toString('base64url')];
                await (0, node_util_1.promisify)(node_child_process_1.execFile)('radosgw-admin', [
                    '-c', (0, node_path_1.join)(rgw.dir, 'ceph.conf'), '-n', 'client.rgw', '--log-file', (0, node_path_1.join)(rgw.dir, 'log', 'radosgw-admin-other.log'),
                    'user', 'create', '--uid', 'other', '--display-name', 'someone else', '--access-key', accessKeyId, '--secret', secretAccessKey,
                ]);
                const theirs = newName('theirs');
                const otherEnv = (0, s3_1.s3Env)({ ...s, accessKeyId, secretAccessKey }, s.endpoint, { PATH: env.PATH });
                strict_1.default.equal((await mb([`s3://${theirs}`], undefined, otherEnv)).code, 0);
                const mine = newName();
                const r = await mb(['-v', `s3://${theirs}`, `s3://${mine}`]);
                strict_1.default.equal(r.code, 1);
                strict_1.default.deepEqual((0, run_1.stderrLines)(r), [`s3mb: cannot create bucket s3://${theirs}/: BucketAlreadyExists (409)`]);
                strict_1.default.deepEqual(lines(r), [`s3://${mine}/`]);
                const p = await put(['--create-bucket', `s3://${theirs}/p/`, 'www/index.html']);
                strict_1.default.equal(p.code, 1);
                strict_1.default.deepEqual((0, run_1.stderrLines)(p), [`s3put: cannot create bucket s3://${theirs}/: BucketAlreadyExists (409)`]);
            });
        (0, node_test_1.it)('s3put into a missing bucket: NoSuchBucket without --create-bucket; with it the bucket is made, then the files go', async () => {
            const name = newName('put');
            const without = await put(['-q', `s3://${name}/p/`, 'www/index.html']);
            strict_1.default.equal(without.code, 1);
            strict_1.default.deepEqual((0, run_1.stderrLines)(without), [`s3put: cannot write s3://${name}/p/www/index.html: NoSuchBucket (404)`]);
            const r = await put(['-q', '--create-bucket', `s3://${name}/p/`, 'www']);
            strict_1.default.equal(r.code, 0, r.stderr);
            strict_1.default.equal(r.stderr, '');
            strict_1.default.deepEqual(lines(r).sort(), [`s3://${name}/p/www/index.html`, `s3://${name}/p/www/sub/page 2.html`]);
            strict_1.default.equal((await (0, s3_1.getObjectBytes)(client, name, 'p/www/index.html')).toString(), '<h1>hi</h1>\n');
        });
        (0, node_test_1.it)('s3put --create-bucket into a bucket that is there sends no CreateBucket; a refused name is one line before any file', async () => {
            const name = await (0, s3_1.freshBucket)(client, 'put');
            const proxy = await fault_proxy_1.FaultProxy.start(s.endpoint, 9);
            let creates = 0;
            proxy.add({ fault: 'rewrite', method: 'PUT', url: new RegExp(`^/${name}/?(\\?|$)`), times: 1e9, rewrite: (b) => (creates++, b) });
            try {
                const penv = (0, s3_1.s3Env)(s, proxy.endpoint, { PATH: env.PATH });
                const r = await put(['-q', '--create-bucket', `s3://${name}/`, 'www/index.html'], undefined, penv);
                strict_1.default.equal(r.code, 0, r.stderr);
                strict_1.default.equal(creates, 0);
                strict_1.default.deepEqual(await keysUnder(client, name), ['www/index.html']);
            }
            finally {
                await proxy.close();
            }
            const bad = await put(['--create-bucket', 's3://x/p/', 'www/index.html']);
            strict_1.default.equal(bad.code, 1);
            strict_1.default.deepEqual((0, run_1.stderrLines)(bad), ['s3put: cannot create bucket s3://x/: InvalidBucketName (400)']);
            strict_1.default.equal(bad.stdout.length, 0);
        });
        (0, node_test_1.it)('library: createBucket says created, then exists (RGW answers 200 to a bucket you own, as AWS does in us-east-1); ensureBucket says exists', async () => {
            const name = newName('lib');
            strict_1.default.equal(await (0, buckets_1.createBucket)(client, name), 'created');
            const again = await (0, buckets_1.createBucket)(client, name);
            strict_1.default.equal(again, server.kind === 'rgw' ? 'created' : 'exists');
            strict_1.default.equal(await (0, buckets_1.ensureBucket)(client, name), 'exists');
            const fresh = newName('lib');
            strict_1.default.equal(await (0, buckets_1.ensureBucket)(client, fresh), 'created');
            await strict_1.default.rejects((0, buckets_1.createBucket)(client, 'x'), { name: 'S3OperationError', message: 'cannot create bucket s3://x/: InvalidBucketName (400)' });
        });
        // The man page's examples, on this server, as written.
        (0, node_test_1.it)('every example runs as written', async () => {
            (0, node_fs_1.writeFileSync)((0, node_path_1.join)(work, 'buckets'), 's3://list-one\ns3://list-two\n');
            const examples = (0, docs_1.manExamples)((0, docs_1.manPage)('s3mb'));
            strict_1.default.equal(examples.length, 4);
            const out = [];
            for (const script of examples) {
                const r = await (0, run_1.runCommand)('bash', ['-e', '-c', script], { env, cwd: work, timeout: 60_000 });
                strict_1.default.equal(r.code, 0, `${script}: ${r.stderr}`);
                // s3sink's summary is its informational line; anything else on stderr is a failure.
                strict_1.default.deepEqual((0, run_1.stderrLines)(r).filter((l) => !/^s3sink: stored \d+B in 1 chunks at s3:\/\/backup\/www /.test(l)), [], script);
                out.push(...lines(r));
            }
            strict_1.default.deepEqual(out, ['s3://logs-2026/', 's3://logs-2027/']);
            const listed = await bucketNames(client);
            for (const n of ['backup', 'logs-2026', 'logs-2027', 'list-one', 'list-two'])
                strict_1.default.ok(listed.includes(n), n);
            const restored = await (0, run_1.runCommand)('bash', ['-c', 'set -o pipefail; s3source s3://backup/www | tar tzf - | sort'], { env, cwd: work });
            strict_1.default.equal(restored.code, 0, restored.stderr);
            strict_1.default.deepEqual(lines(restored), ['www/', 'www/index.html', 'www/sub/', 'www/sub/page 2.html']);
        });
    });
}
/**
 * A scripted S3 endpoint: answers CreateBucket, HeadBucket and ListBuckets as told, and
 * records each request, so every answer a server can give is tried, AWS's included.
 */
class ScriptedS3 {
    server;
    requests = [];
    create = { status: 200 };
    head = 404;
    owned = [];
    constructor(server) {
        this.server = server;
    }
    get endpoint() {
        return `http://127.0.0.1:${this.server.address().port}`;
    }
    static async start() {
        const self = new ScriptedS3((0, node_http_1.createServer)((req, res) => self.answer(req, res)));
        await new Promise((resolve) => self.server.listen(0, '127.0.0.1', resolve));
        return self;
    }
    close() {
        this.server.closeAllConnections();
        return new Promise((resolve) => this.server.close(() => resolve()));
    }
    answer(req, res) {
        let body = '';
        req.on('data', (c) => (body += c.toString()));
        req.on('end', () => {
            this.requests.push({ method: req.method ?? '', url: req.url ?? '', body });
            const xml = (status, text) => {
                res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(text) });
                res.end(text);
            };
            if (req.method === 'HEAD') {
                res.writeHead(this.head, { 'content-length': 0 });
                res.end();
            }
            else if (req.method === 'GET') {
                const buckets = this.owned.map((n) => `<Bucket><Name>${n}</Name><CreationDate>2026-12-01T00:00:00.000Z</CreationDate></Bucket>`).join('');
                xml(200, `<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Owner><ID>me</ID></Owner><Buckets>${buckets}</Buckets></ListAllMyBucketsResult>`);
            }
            else if (this.create.code) {
                xml(this.create.status, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${this.create.code}</Code><Message>as scripted</Message></Error>`);
            }
            else {
                res.writeHead(this.create.status, { location: req.url ?? '/', 'content-length': 0 });
                res.end();
            }
        });
    }
    /** The LocationConstraint of the last CreateBucket, or undefined when it had none. */
    lastConstraint() {
        const put = this.requests.filter((r) => r.method === 'PUT').at(-1);
        strict_1.default.ok(put, 'a CreateBucket was sent');
        return /<LocationConstraint>([^<]*)<\/LocationConstraint>/.exec(put.body)?.[1];
    }
}
(0, node_test_1.describe)('s3mb: every answer a server gives, and the LocationConstraint sent (a scripted endpoint)', () => {
    let fake;
    const credentials = { accessKeyId: 'AK', secretAccessKey: 'SK' };
    (0, node_test_1.before)(async () => {
        fake = await ScriptedS3.start();
    });
    (0, node_test_1.after)(() => fake.close());
    const fakeEnv = (extra = {}) => (0, s3_1.s3Env)({ kind: 'scripted', endpoint: fake.endpoint, accessKeyId: 'AK', secretAccessKey: 'SK', stop: async () => { } }, fake.endpoint, extra);
    for (const [what, create, owned, expected] of [
        ['200', { status: 200 }, [], 'created'],
        ['409 BucketAlreadyOwnedByYou (AWS outside us-east-1)', { status: 409, code: 'BucketAlreadyOwnedByYou' }, [], 'exists'],
        ['409 BucketAlreadyExists, and the bucket is in your list (s3rver)', { status: 409, code: 'BucketAlreadyExists' }, ['b-1'], 'exists'],
        ['409 BucketAlreadyExists, and it is not yours (AWS)', { status: 409, code: 'BucketAlreadyExists' }, ['other'], 'cannot create bucket s3://b-1/: BucketAlreadyExists (409)'],
        ['403 AccessDenied', { status: 403, code: 'AccessDenied' }, [], 'cannot create bucket s3://b-1/: AccessDenied (403)'],
    ]) {
        (0, node_test_1.it)(`createBucket: ${what} is ${expected}`, async () => {
            fake.create = create;
            fake.owned = [...owned];
            const client = (0, client_1.createS3Client)({ endpoint: fake.endpoint, credentials });
            const outcome = await (0, buckets_1.createBucket)(client, 'b-1').catch((err) => err.message);
            strict_1.default.equal(outcome, expected);
        });
    }
    (0, node_test_1.it)('ensureBucket: HEAD 200 is exists with no CreateBucket; HEAD 404 or 403 goes on to CreateBucket', async () => {
        const client = (0, client_1.createS3Client)({ endpoint: fake.endpoint, credentials });
        fake.create = { status: 200 };
        fake.head = 200;
        fake.requests = [];
        strict_1.default.equal(await (0, buckets_1.ensureBucket)(client, 'b-2'), 'exists');
        strict_1.default.deepEqual(fake.requests.map((r) => r.method), ['HEAD']);
        for (const head of [404, 403]) {
            fake.head = head;
            fake.requests = [];
            strict_1.default.equal(await (0, buckets_1.ensureBucket)(client, 'b-2'), 'created');
            strict_1.default.deepEqual(fake.requests.map((r) => r.method), ['HEAD', 'PUT']);
        }
    });
    (0, node_test_1.it)('custom endpoint: a constraint only with --region (none for us-east-1), whatever AWS_REGION says', async () => {
        fake.create = { status: 200 };
        for (const [args, extra, constraint] of [
            [[], { AWS_REGION: 'eu-west-1' }, undefined],
            [['--region', 'eu-west-1'], {}, 'eu-west-1'],
            [['--region', 'us-east-1'], { AWS_REGION: 'eu-west-1' }, undefined],
            [['--region', 'default'], {}, 'default'],
        ]) {
            const r = await (0, run_1.runFilter)('s3mb', [...args, 's3://b-3'], { env: fakeEnv(extra) });
            strict_1.default.equal(r.code, 0, r.stderr);
            strict_1.default.equal(fake.lastConstraint(), constraint, `${args.join(' ')} ${JSON.stringify(extra)}`);
        }
    });
    (0, node_test_1.it)("AWS (no custom endpoint): the client's region is the constraint, except us-east-1; an explicit region wins", async () => {
        // An AWS client whose requests reach the scripted endpoint: only the handler is swapped.
        const awsClient = (region) => {
            const client = new client_s3_1.S3Client({ region, credentials, requestChecksumCalculation: 'WHEN_REQUIRED', maxAttempts: 1 });
            client.middlewareStack.add((next) => async (args) => {
                const request = args.request;
                const url = new URL(fake.endpoint);
                request.headers.host = url.host;
                Object.assign(request, { hostname: url.hostname, port: Number(url.port), protocol: 'http:', path: `/b-4${request.path === '/' ? '' : request.path}` });
                return next(args);
            }, { step: 'finalizeRequest', priority: 'low', name: 'toScripted' });
            strict_1.default.equal(client.config.isCustomEndpoint, false);
            return client;
        };
        fake.create = { status: 200 };
        for (const [clientRegion, region, constraint] of [
            ['eu-west-1', undefined, 'eu-west-1'],
            ['us-east-1', undefined, undefined],
            ['eu-west-1', 'us-east-1', undefined],
            ['us-east-1', 'ap-south-1', 'ap-south-1'],
        ]) {
            strict_1.default.equal(await (0, buckets_1.createBucket)(awsClient(clientRegion), 'b-4', { region }), 'created');
            strict_1.default.equal(fake.lastConstraint(), constraint, `client ${clientRegion}, region ${region}`);
        }
    });
    (0, node_test_1.it)('pure: locationConstraint and bucketArgument', () => {
        strict_1.default.equal((0, buckets_1.locationConstraint)(undefined), undefined);
        strict_1.default.equal((0, buckets_1.locationConstraint)('us-east-1'), undefined);
        strict_1.default.equal((0, buckets_1.locationConstraint)('eu-west-1'), 'eu-west-1');
        strict_1.default.equal((0, options_1.bucketArgument)('s3://b'), 'b');
        strict_1.default.equal((0, options_1.bucketArgument)('s3://b/'), 'b');
        strict_1.default.throws(() => (0, options_1.bucketArgument)('b'), { message: 'not an s3:// address: "b" (give s3://BUCKET)' });
        strict_1.default.throws(() => (0, options_1.bucketArgument)('s3://b/k'), { message: 'give s3://BUCKET, not a key: s3://b/k' });
        strict_1.default.throws(() => (0, options_1.bucketArgument)('s3://b//'), { message: 'give s3://BUCKET, not a key: s3://b//' });
    });
});
