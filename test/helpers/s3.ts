import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CreateBucketCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { createS3Client } from '../../lib/s3/client';
import { withRetry } from '../../lib/s3/retry';
import { listPages } from '../../lib/s3/lister';
import { answerError, keyPath } from '../../lib/s3/route';
import { mapOrdered } from '../../lib/slots';
import { ChunkSetSink } from '../../lib/s3/sink';
import { ChunkSetSource } from '../../lib/s3/source';
import type { RetentionPolicy } from '../../lib/s3/retention';

/** A real S3 server the tests talk to over loopback. */
export interface S3TestServer {
  kind: string;
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** s3rver only: its store on disk, where a test may lay down many objects at once. */
  dataDir?: string;
  /** Pids of the server's processes, for benchmarks that count the server's CPU too. */
  pids?(): Record<string, number | undefined>;
  stop(): Promise<void>;
}

/** Start s3rver in a child process on a random port with a fresh data directory. */
export async function startS3rver(): Promise<S3TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'pipekit-s3rver-'));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', join(__dirname, 's3rver-main.js'), dir], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await firstLine(child, 15_000);
  return {
    kind: 's3rver',
    endpoint: `http://127.0.0.1:${port}`,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    dataDir: dir,
    pids: () => ({ s3rver: child.pid }),
    stop: async () => {
      const closed = new Promise((resolve) => child.once('close', resolve));
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await closed;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('test server did not start in time'));
    }, timeoutMs);
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(buf.slice(0, nl).trim());
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`test server exited with ${code} before listening`));
    });
  });
}

/** The environment a filter child process gets: these credentials and endpoint, nothing from the host. */
export function s3Env(server: S3TestServer, endpoint = server.endpoint, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
  return {
    ...env,
    AWS_ACCESS_KEY_ID: server.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    ...extra,
  };
}

export function testClient(server: S3TestServer, endpoint = server.endpoint): S3Client {
  const client = createS3Client({
    endpoint,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  });
  // Setup and checks go through the filters' retry policy too: a keep-alive socket the
  // server closes as it is reused (ECONNRESET) must not fail a test's own bookkeeping.
  const send = client.send.bind(client) as (...args: unknown[]) => Promise<unknown>;
  (client as { send: unknown }).send = (...args: unknown[]) => withRetry(() => send(...args));
  return client;
}

/** A fresh bucket with a unique name (3–63 lowercase characters, as every server accepts). */
export async function freshBucket(client: S3Client, hint = 'b'): Promise<string> {
  const name = `${hint}-${randomBytes(5).toString('hex')}`;
  await client.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

export async function getObjectBytes(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

/** Every key under `prefix`, in the order the server lists them. */
export async function keysUnder(client: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of listPages({ client, bucket, prefix })) for (const e of page) if ('key' in e) keys.push(e.key);
  return keys;
}

/** Every key under `prefix`, in JavaScript's string order: whatever order the server lists them in (s3rver: its files'). */
export async function sortedKeysUnder(client: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  return (await keysUnder(client, bucket, prefix)).sort();
}

/**
 * Store `keys`, each object's body its key unless `body` says otherwise, for tests that
 * need a population to exist (more than a listing page, more than a DeleteObjects batch,
 * keys no shell or xargs gets right) and cheaply. On s3rver straight into its store,
 * laid out as its FilesystemStore.getResourcePath does (it computes an object's ETag
 * when first asked). Elsewhere by PUTs signed here and sent without the SDK's
 * middleware, 32 at a time: measured on RGW, 0.9 ms of the test's CPU and about 3 ms of
 * the daemons' a key, against 3.9 ms and 4.8 ms through client.send.
 */
export async function storeKeys(
  server: S3TestServer,
  client: S3Client,
  bucket: string,
  keys: string[],
  body: (key: string) => string | Buffer = (key) => key,
): Promise<void> {
  const dir = server.dataDir;
  if (dir) {
    for (const key of keys) {
      const parts = key.split('/');
      const path = join(dir, bucket, ...parts.slice(0, -1), `${parts[parts.length - 1]}._S3rver_object`);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, body(key));
    }
    return;
  }
  const endpoint = new URL(server.endpoint);
  const signer = new SignatureV4({
    credentials: client.config.credentials,
    region: await client.config.region(),
    service: 's3',
    sha256: client.config.sha256,
    uriEscapePath: client.config.signingEscapePath,
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const put = async (key: string) => {
    const bytes = Buffer.from(body(key));
    const unsigned = {
      method: 'PUT',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      port: Number(endpoint.port),
      path: `/${bucket}/${keyPath(key)}`,
      query: {},
      headers: { host: endpoint.host, 'content-length': String(bytes.length), 'x-amz-content-sha256': createHash('sha256').update(bytes).digest('hex') },
    };
    const signed = await signer.sign(unsigned);
    const answer = await new Promise<{ statusCode: number; headers: Record<string, string>; body: Buffer }>((resolve, reject) => {
      const req = request({ host: endpoint.hostname, port: endpoint.port, method: 'PUT', path: signed.path, headers: signed.headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, headers: res.headers as Record<string, string>, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(bytes);
    });
    if (answer.statusCode !== 200) throw answerError({ ...answer, filled: 0 });
  };
  try {
    const stored = mapOrdered(keys, 32, (key) => withRetry(() => put(key), { what: `s3://${bucket}/${key}` }));
    for await (const _ of stored); // a failure surfaces here, after the PUTs before it
  } finally {
    agent.destroy();
  }
}

/*
 * A test's starting state and its checks of what a filter stored go through the library
 * the filters wrap, in this process: a filter child costs about 0.35 s of CPU to start,
 * an in-process set a few milliseconds. A test spawns the filters its claim is about.
 */

/** A new generation of set `name` holding `data`, committed as s3sink would with these options. */
export async function storeSet(
  client: S3Client,
  bucket: string,
  name: string,
  data: Buffer,
  opts: { chunkSize?: number; retention?: RetentionPolicy } = {},
): Promise<void> {
  await pipeline(Readable.from([data]), new ChunkSetSink({ client, bucket, name, ...opts }));
}

/** The current generation of `name`, each chunk verified against its manifest (size, SHA-256) as s3source does. */
export async function readSet(client: S3Client, bucket: string, name: string): Promise<Buffer> {
  return Buffer.concat(await new ChunkSetSource({ client, bucket, name }).toArray());
}
