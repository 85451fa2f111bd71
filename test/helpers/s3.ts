import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../../lib/s3/client';
import { withRetry } from '../../lib/s3/retry';
import { listPages } from '../../lib/s3/lister';

/** A real S3 server the tests talk to over loopback. */
export interface S3TestServer {
  kind: string;
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** s3rver only: its store on disk, where a test may lay down many objects at once. */
  dataDir?: string;
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
