import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { runCommand, runFilter, stderrLines, stdoutLines } from './helpers/run';
import { s3Env, testClient, freshBucket, getObjectBytes, sortedKeysUnder, type S3TestServer } from './helpers/s3';
import { FaultProxy } from './helpers/fault-proxy';
import { S3_SERVERS } from './helpers/s3servers';
import type { RgwServer } from './helpers/rgw';
import { BIN, manExamples, manPage } from './helpers/docs';
import { createBucket, ensureBucket, locationConstraint, type BucketOutcome } from '../lib/s3/buckets';
import { bucketArgument } from '../lib/s3/options';
import { createS3Client } from '../lib/s3/client';
import { listBuckets } from '../lib/s3/lister';

/** The servers this file runs against (s3rver, Ceph RGW): every assertion below holds on each unless it says otherwise. */
const SERVERS = S3_SERVERS;

const newName = (hint = 'mb') => `${hint}-${randomBytes(5).toString('hex')}`;

async function bucketNames(client: S3Client): Promise<string[]> {
  return (await listBuckets(client)).map((b) => b.name);
}

for (const server of SERVERS) {
  describe(`s3mb on ${server.kind}`, () => {
    let s: S3TestServer;
    let client: S3Client;
    let env: NodeJS.ProcessEnv;
    let work: string;

    before(async () => {
      s = await server.start();
      client = testClient(s);
      env = s3Env(s, s.endpoint, { PATH: `${BIN}:${process.env.PATH ?? ''}` });
      work = mkdtempSync(join(tmpdir(), 'pipekit-s3mb-'));
      mkdirSync(join(work, 'www/sub'), { recursive: true });
      writeFileSync(join(work, 'www/index.html'), '<h1>hi</h1>\n');
      writeFileSync(join(work, 'www/sub/page 2.html'), 'two\n');
    });
    after(async () => {
      rmSync(work, { recursive: true, force: true });
      await s.stop();
    });

    const mb = (args: string[], input?: string, e = env) => runFilter('s3mb', args, { env: e, input, cwd: work, timeout: 60_000 });
    const put = (args: string[], input?: string, e = env) => runFilter('s3put', args, { env: e, input, cwd: work, timeout: 60_000 });

    it('makes a bucket: exit 0, nothing printed; -v prints its URL', async () => {
      const name = newName();
      const r = await mb([`s3://${name}`]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(stderrLines(r), []);
      assert.equal(r.stdout.length, 0);
      assert.ok((await bucketNames(client)).includes(name));
      const other = newName();
      const v = await mb(['-v', `s3://${other}/`]);
      assert.equal(v.code, 0, v.stderr);
      assert.deepEqual(stdoutLines(v), [`s3://${other}/`]);
    });

    it('a bucket that is already yours is not an error (mkdir -p): exit 0, silent, and its keys stay', async () => {
      const name = await freshBucket(client, 'mb');
      await client.send(new PutObjectCommand({ Bucket: name, Key: 'k', Body: 'kept' }));
      for (const args of [[`s3://${name}`], [`s3://${name}/`], ['-v', `s3://${name}`]]) {
        const r = await mb(args);
        assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
        assert.deepEqual(stderrLines(r), []);
        assert.deepEqual(stdoutLines(r), args[0] === '-v' ? [`s3://${name}/`] : []);
      }
      assert.deepEqual(await sortedKeysUnder(client, name), ['k']);
    });

    it('several at once, in order; -0 ends each URL with NUL', async () => {
      const names = [newName(), newName(), newName()];
      const r = await mb(['-v', ...names.map((n) => `s3://${n}`)]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(stdoutLines(r), names.map((n) => `s3://${n}/`));
      const listed = await bucketNames(client);
      for (const n of names) assert.ok(listed.includes(n), n);
      const z = await mb(['-v', '-0', `s3://${names[0]}`, `s3://${names[1]}`]);
      assert.equal(z.stdout.toString(), `s3://${names[0]}/\0s3://${names[1]}/\0`);
    });

    it('a name the server refuses: one line, exit 1, and the buckets after it are still made', async () => {
      const [a, b] = [newName(), newName()];
      const r = await mb(['-v', `s3://${a}`, 's3://x', 's3://Not_Valid', `s3://${b}`]);
      assert.equal(r.code, 1);
      assert.deepEqual(stderrLines(r), ['s3mb: cannot create bucket s3://x/: InvalidBucketName (400)', 's3mb: cannot create bucket s3://Not_Valid/: InvalidBucketName (400)']);
      assert.deepEqual(stdoutLines(r), [`s3://${a}/`, `s3://${b}/`]);
      const listed = await bucketNames(client);
      assert.ok(listed.includes(a) && listed.includes(b));
      assert.ok(!listed.includes('x') && !listed.includes('Not_Valid'));
    });

    it('buckets from standard input: lines, NUL-separated with -0, s3ls output; an empty list is exit 0', async () => {
      const [a, b, c] = [newName(), newName(), newName()];
      const r = await mb(['-v'], `s3://${a}\ns3://${b}/\n\n`);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(stdoutLines(r), [`s3://${a}/`, `s3://${b}/`]);
      const z = await mb(['-0'], `s3://${c}\0`);
      assert.equal(z.code, 0, z.stderr);
      assert.ok((await bucketNames(client)).includes(c));
      // s3ls prints the buckets as s3://NAME/: fed back, every one is already there.
      const again = await runCommand('bash', ['-c', 'set -o pipefail; s3ls | s3mb'], { env, timeout: 60_000 });
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(stderrLines(again), []);
      const e = await mb([], '');
      assert.equal(e.code, 0, e.stderr);
      assert.deepEqual(stderrLines(e), []);
      assert.equal(e.stdout.length, 0);
    });

    it('usage: a bare name, a key, no bucket, an unknown option: exit 2 and no bucket made, even the good ones', async () => {
      const good = newName();
      for (const [args, message] of [
        [[`s3://${good}`, good], `not an s3:// address: "${good}" (give s3://BUCKET)`],
        [[`s3://${good}`, `s3://${good}/key`], `give s3://BUCKET, not a key: s3://${good}/key`],
        [[`s3://${good}`, 's3://'], 'not an s3:// address: "s3://" (give s3://BUCKET)'],
        [['--bogus', `s3://${good}`], 'unknown option --bogus'],
      ] as const) {
        const r = await mb([...args]);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.deepEqual(stderrLines(r), [`s3mb: ${message}; see s3mb --help`]);
      }
      const stdin = await mb([], `s3://${good}\ns3://${good}/k\n`);
      assert.equal(stdin.code, 2);
      assert.ok(!(await bucketNames(client)).includes(good));
    });

    it('--region: the zonegroup name every server here accepts goes as the constraint, and the bucket is made', async () => {
      const name = newName();
      const r = await mb(['--region', 'default', `s3://${name}`]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok((await bucketNames(client)).includes(name));
    });

    it('a CreateBucket whose answer is lost is retried; the retry finds the bucket made, and that is success', async () => {
      const proxy = await FaultProxy.start(s.endpoint, 7);
      try {
        const name = newName();
        proxy.add({ fault: 'hold', method: 'PUT', url: new RegExp(`^/${name}/?$`), nth: 1 });
        const r = await mb(['--timeout', '1s', `s3://${name}`], undefined, s3Env(s, proxy.endpoint, { PATH: env.PATH }));
        assert.equal(r.code, 0, r.stderr);
        assert.equal(proxy.held, 1, 'the first CreateBucket did reach the server');
        assert.ok((await bucketNames(client)).includes(name));
      } finally {
        await proxy.close();
      }
    });

    // s3rver has no owners (every bucket is everyone's): the case exists on RGW only.
    if (server.kind === 'rgw') it("someone else's bucket: one line, exit 1 (a second RGW user's)", async () => {
      const rgw = s as RgwServer;
      const [accessKeyId, secretAccessKey] = [`OT${randomBytes(9).toString('hex').toUpperCase()}`, randomBytes(24).toString('base64url')];
      await promisify(execFile)('radosgw-admin', [
        '-c', join(rgw.dir, 'ceph.conf'), '-n', 'client.rgw', '--log-file', join(rgw.dir, 'log', 'radosgw-admin-other.log'),
        'user', 'create', '--uid', 'other', '--display-name', 'someone else', '--access-key', accessKeyId, '--secret', secretAccessKey,
      ]);
      const theirs = newName('theirs');
      const otherEnv = s3Env({ ...s, accessKeyId, secretAccessKey }, s.endpoint, { PATH: env.PATH });
      assert.equal((await mb([`s3://${theirs}`], undefined, otherEnv)).code, 0);
      const mine = newName();
      const r = await mb(['-v', `s3://${theirs}`, `s3://${mine}`]);
      assert.equal(r.code, 1);
      assert.deepEqual(stderrLines(r), [`s3mb: cannot create bucket s3://${theirs}/: BucketAlreadyExists (409)`]);
      assert.deepEqual(stdoutLines(r), [`s3://${mine}/`]);
      const p = await put(['--create-bucket', `s3://${theirs}/p/`, 'www/index.html']);
      assert.equal(p.code, 1);
      assert.deepEqual(stderrLines(p), [`s3put: cannot create bucket s3://${theirs}/: BucketAlreadyExists (409)`]);
    });

    it('s3put into a missing bucket: NoSuchBucket without --create-bucket; with it the bucket is made, then the files go', async () => {
      const name = newName('put');
      const without = await put(['-q', `s3://${name}/p/`, 'www/index.html']);
      assert.equal(without.code, 1);
      assert.deepEqual(stderrLines(without), [`s3put: cannot write s3://${name}/p/www/index.html: NoSuchBucket (404)`]);
      const r = await put(['-q', '--create-bucket', `s3://${name}/p/`, 'www']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(stderrLines(r), []);
      assert.deepEqual(stdoutLines(r).sort(), [`s3://${name}/p/www/index.html`, `s3://${name}/p/www/sub/page\\ 2.html`]);
      assert.equal((await getObjectBytes(client, name, 'p/www/index.html')).toString(), '<h1>hi</h1>\n');
    });

    it('s3put --create-bucket into a bucket that is there sends no CreateBucket; a refused name is one line before any file', async () => {
      const name = await freshBucket(client, 'put');
      const proxy = await FaultProxy.start(s.endpoint, 9);
      let creates = 0;
      proxy.add({ fault: 'rewrite', method: 'PUT', url: new RegExp(`^/${name}/?(\\?|$)`), times: 1e9, rewrite: (b) => (creates++, b) });
      try {
        const penv = s3Env(s, proxy.endpoint, { PATH: env.PATH });
        const r = await put(['-q', '--create-bucket', `s3://${name}/`, 'www/index.html'], undefined, penv);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(creates, 0);
        assert.deepEqual(await sortedKeysUnder(client, name), ['www/index.html']);
      } finally {
        await proxy.close();
      }
      const bad = await put(['--create-bucket', 's3://x/p/', 'www/index.html']);
      assert.equal(bad.code, 1);
      assert.deepEqual(stderrLines(bad), ['s3put: cannot create bucket s3://x/: InvalidBucketName (400)']);
      assert.equal(bad.stdout.length, 0);
    });

    it('library: createBucket says created, then exists (RGW answers 200 to a bucket you own, as AWS does in us-east-1); ensureBucket says exists', async () => {
      const name = newName('lib');
      assert.equal(await createBucket(client, name), 'created');
      const again: BucketOutcome = await createBucket(client, name);
      assert.equal(again, server.kind === 'rgw' ? 'created' : 'exists');
      assert.equal(await ensureBucket(client, name), 'exists');
      const fresh = newName('lib');
      assert.equal(await ensureBucket(client, fresh), 'created');
      await assert.rejects(createBucket(client, 'x'), { name: 'S3OperationError', message: 'cannot create bucket s3://x/: InvalidBucketName (400)' });
    });

    // The man page's examples, on this server, as written.
    it('every example runs as written', async () => {
      writeFileSync(join(work, 'buckets'), 's3://list-one\ns3://list-two\n');
      const examples = manExamples(manPage('s3mb'));
      assert.equal(examples.length, 4);
      const out: string[] = [];
      for (const script of examples) {
        const r = await runCommand('bash', ['-e', '-c', script], { env, cwd: work, timeout: 60_000 });
        assert.equal(r.code, 0, `${script}: ${r.stderr}`);
        // s3sink's summary is its informational line; anything else on stderr is a failure.
        assert.deepEqual(stderrLines(r).filter((l) => !/^s3sink: stored [\d.]+ (B|[KMG]iB) in 1 chunk at s3:\/\/backup\/www /.test(l)), [], script);
        out.push(...stdoutLines(r));
      }
      assert.deepEqual(out, ['s3://logs-2026/', 's3://logs-2027/']);
      const listed = await bucketNames(client);
      for (const n of ['backup', 'logs-2026', 'logs-2027', 'list-one', 'list-two']) assert.ok(listed.includes(n), n);
      const restored = await runCommand('bash', ['-c', 'set -o pipefail; s3source s3://backup/www | tar tzf - | sort'], { env, cwd: work });
      assert.equal(restored.code, 0, restored.stderr);
      assert.deepEqual(stdoutLines(restored), ['www/', 'www/index.html', 'www/sub/', 'www/sub/page 2.html']);
    });
  });
}

/**
 * A scripted S3 endpoint: answers CreateBucket, HeadBucket and ListBuckets as told, and
 * records each request, so every answer a server can give is tried, AWS's included.
 */
class ScriptedS3 {
  requests: { method: string; url: string; body: string }[] = [];
  create: { status: number; code?: string } = { status: 200 };
  head = 404;
  owned: string[] = [];
  private constructor(private readonly server: Server) {}
  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  static async start(): Promise<ScriptedS3> {
    const self: ScriptedS3 = new ScriptedS3(createServer((req, res) => self.answer(req, res)));
    await new Promise<void>((resolve) => self.server.listen(0, '127.0.0.1', resolve));
    return self;
  }
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
  private answer(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      this.requests.push({ method: req.method ?? '', url: req.url ?? '', body });
      const xml = (status: number, text: string) => {
        res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      };
      if (req.method === 'HEAD') {
        res.writeHead(this.head, { 'content-length': 0 });
        res.end();
      } else if (req.method === 'GET') {
        const buckets = this.owned.map((n) => `<Bucket><Name>${n}</Name><CreationDate>2026-12-01T00:00:00.000Z</CreationDate></Bucket>`).join('');
        xml(200, `<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Owner><ID>me</ID></Owner><Buckets>${buckets}</Buckets></ListAllMyBucketsResult>`);
      } else if (this.create.code) {
        xml(this.create.status, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${this.create.code}</Code><Message>as scripted</Message></Error>`);
      } else {
        res.writeHead(this.create.status, { location: req.url ?? '/', 'content-length': 0 });
        res.end();
      }
    });
  }
  /** The LocationConstraint of the last CreateBucket, or undefined when it had none. */
  lastConstraint(): string | undefined {
    const put = this.requests.filter((r) => r.method === 'PUT').at(-1);
    assert.ok(put, 'a CreateBucket was sent');
    return /<LocationConstraint>([^<]*)<\/LocationConstraint>/.exec(put.body)?.[1];
  }
}

describe('s3mb: every answer a server gives, and the LocationConstraint sent (a scripted endpoint)', () => {
  let fake: ScriptedS3;
  const credentials = { accessKeyId: 'AK', secretAccessKey: 'SK' };
  before(async () => {
    fake = await ScriptedS3.start();
  });
  after(() => fake.close());

  const fakeEnv = (extra: NodeJS.ProcessEnv = {}) =>
    s3Env({ kind: 'scripted', endpoint: fake.endpoint, accessKeyId: 'AK', secretAccessKey: 'SK', stop: async () => {} }, fake.endpoint, extra);

  for (const [what, create, owned, expected] of [
    ['200', { status: 200 }, [], 'created'],
    ['409 BucketAlreadyOwnedByYou (AWS outside us-east-1)', { status: 409, code: 'BucketAlreadyOwnedByYou' }, [], 'exists'],
    ['409 BucketAlreadyExists, and the bucket is in your list (s3rver)', { status: 409, code: 'BucketAlreadyExists' }, ['b-1'], 'exists'],
    ['409 BucketAlreadyExists, and it is not yours (AWS)', { status: 409, code: 'BucketAlreadyExists' }, ['other'], 'cannot create bucket s3://b-1/: BucketAlreadyExists (409)'],
    ['403 AccessDenied', { status: 403, code: 'AccessDenied' }, [], 'cannot create bucket s3://b-1/: AccessDenied (403)'],
  ] as const) {
    it(`createBucket: ${what} is ${expected}`, async () => {
      fake.create = create;
      fake.owned = [...owned];
      const client = createS3Client({ endpoint: fake.endpoint, credentials });
      const outcome = await createBucket(client, 'b-1').catch((err: Error) => err.message);
      assert.equal(outcome, expected);
    });
  }

  it('ensureBucket: HEAD 200 is exists with no CreateBucket; HEAD 404 or 403 goes on to CreateBucket', async () => {
    const client = createS3Client({ endpoint: fake.endpoint, credentials });
    fake.create = { status: 200 };
    fake.head = 200;
    fake.requests = [];
    assert.equal(await ensureBucket(client, 'b-2'), 'exists');
    assert.deepEqual(fake.requests.map((r) => r.method), ['HEAD']);
    for (const head of [404, 403]) {
      fake.head = head;
      fake.requests = [];
      assert.equal(await ensureBucket(client, 'b-2'), 'created');
      assert.deepEqual(fake.requests.map((r) => r.method), ['HEAD', 'PUT']);
    }
  });

  it('custom endpoint: a constraint only with --region (none for us-east-1), whatever AWS_REGION says', async () => {
    fake.create = { status: 200 };
    for (const [args, extra, constraint] of [
      [[], { AWS_REGION: 'eu-west-1' }, undefined],
      [['--region', 'eu-west-1'], {}, 'eu-west-1'],
      [['--region', 'us-east-1'], { AWS_REGION: 'eu-west-1' }, undefined],
      [['--region', 'default'], {}, 'default'],
    ] as const) {
      const r = await runFilter('s3mb', [...args, 's3://b-3'], { env: fakeEnv(extra) });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(fake.lastConstraint(), constraint, `${args.join(' ')} ${JSON.stringify(extra)}`);
    }
  });

  it("AWS (no custom endpoint): the client's region is the constraint, except us-east-1; an explicit region wins", async () => {
    // An AWS client whose requests reach the scripted endpoint: only the handler is swapped.
    const awsClient = (region: string) => {
      const client = new S3Client({ region, credentials, requestChecksumCalculation: 'WHEN_REQUIRED', maxAttempts: 1 });
      client.middlewareStack.add(
        (next) => async (args) => {
          const request = args.request as { hostname: string; port?: number; protocol: string; path: string; headers: Record<string, string> };
          const url = new URL(fake.endpoint);
          request.headers.host = url.host;
          Object.assign(request, { hostname: url.hostname, port: Number(url.port), protocol: 'http:', path: `/b-4${request.path === '/' ? '' : request.path}` });
          return next(args);
        },
        { step: 'finalizeRequest', priority: 'low', name: 'toScripted' },
      );
      assert.equal(client.config.isCustomEndpoint, false);
      return client;
    };
    fake.create = { status: 200 };
    for (const [clientRegion, region, constraint] of [
      ['eu-west-1', undefined, 'eu-west-1'],
      ['us-east-1', undefined, undefined],
      ['eu-west-1', 'us-east-1', undefined],
      ['us-east-1', 'ap-south-1', 'ap-south-1'],
    ] as const) {
      assert.equal(await createBucket(awsClient(clientRegion), 'b-4', { region }), 'created');
      assert.equal(fake.lastConstraint(), constraint, `client ${clientRegion}, region ${region}`);
    }
  });

  it('pure: locationConstraint and bucketArgument', () => {
    assert.equal(locationConstraint(undefined), undefined);
    assert.equal(locationConstraint('us-east-1'), undefined);
    assert.equal(locationConstraint('eu-west-1'), 'eu-west-1');
    assert.equal(bucketArgument('s3://b'), 'b');
    assert.equal(bucketArgument('s3://b/'), 'b');
    assert.throws(() => bucketArgument('b'), { message: 'not an s3:// address: "b" (give s3://BUCKET)' });
    assert.throws(() => bucketArgument('s3://b/k'), { message: 'give s3://BUCKET, not a key: s3://b/k' });
    assert.throws(() => bucketArgument('s3://b//'), { message: 'give s3://BUCKET, not a key: s3://b//' });
  });
});
