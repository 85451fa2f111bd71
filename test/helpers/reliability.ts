import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { startHttpServer, type LoopbackHttpServer } from './http-server';
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { S3Client } from '@aws-sdk/client-s3';
import { filterPath, runFilter } from './run';
import { freshBucket, keysUnder, readSet, s3Env, startS3rver, storeSet, testClient, type S3TestServer } from './s3';
import { seededBytes } from './data';

/**
 * What the reliability suite's files (test/reliability-*.test.ts) share: a chunk set's
 * keys and generations, a filter to signal, a server that is not S3, and one s3rver per
 * file with the set operations its cases use. The suite is split in files so that CI's
 * runner spreads it over its workers instead of waiting on one long file.
 */

export const MiB = 2 ** 20;
export const CHUNK = 5 * MiB;
export const SMALL = ['--chunk-size', '5M'];
export const CHUNK_URL = /\/\d{10}(\?|$)/;
/** A deduplicated set's chunk, stored by content: `NAME/chunks/ab/<sha256>`. */
export const DEDUP_CHUNK_URL = /\/chunks\/[0-9a-f]{2}\/[0-9a-f]{64}(\?|$)/;
export const GEN_MANIFEST_URL = /\/\d{8}T\d{9}Z-[0-9a-f]{8}\/MANIFEST(\?|$)/;
export const DELETE_URL = /[?&]delete(=|&|$)/;
/** The cleanup's listing of every key of a set (no delimiter), not the one-level look for newer generations. */
export const CLEANUP_LIST_URL = /^(?!.*[?&]delimiter=).*[?&]list-type=2(&|$)/;
export const setManifest = (name: string) => new RegExp(`/${name}/MANIFEST(\\?|$)`);
export const STACK = /\n\s+at /;

export async function generations(client: S3Client, bucket: string, name: string): Promise<Set<string>> {
  return new Set((await keysUnder(client, bucket, `${name}/`)).map((k) => k.slice(name.length + 1).split('/')[0]).filter((g) => g !== 'MANIFEST'));
}

/** A child filter we can signal; `exited` resolves with its status and stderr. */
export function spawnFilter(name: string, args: string[], env: NodeJS.ProcessEnv, input?: Buffer | NodeJS.ReadableStream) {
  const child = spawn(process.execPath, [filterPath(name), ...args], { env, stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c));
  const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const exited = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stderr });
    }),
  );
  child.stdin!.on('error', () => undefined);
  if (Buffer.isBuffer(input)) child.stdin!.end(input);
  else if (input) input.pipe(child.stdin!).on('error', () => undefined);
  return { child: child as ChildProcess, exited };
}

export function openFds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return -1;
  }
}

/** An HTTP server that is not S3: every request gets a 200 HTML page, as a web server or captive portal would. */
export function startHtmlServer(): Promise<LoopbackHttpServer> {
  return startHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><html><head><title>Welcome</title></head><body><h1>It works!</h1></body></html>\n');
    });
  });
}

export interface RelServer {
  s: S3TestServer;
  client: S3Client;
  bucket: string;
  env: NodeJS.ProcessEnv;
}

/** The file's s3rver, a client for it and a fresh bucket. */
export async function startRelServer(): Promise<RelServer> {
  const s = await startS3rver();
  const client = testClient(s);
  return { s, client, bucket: await freshBucket(client, 'rel'), env: s3Env(s) };
}

/**
 * The file's s3rver, started before its cases and stopped after them (its fields are
 * set once `before` has run), with the set operations the cases use.
 */
export function relSuite() {
  const srv = {} as RelServer;
  before(async () => Object.assign(srv, await startRelServer()));
  after(() => srv.s.stop());
  return Object.assign(srv, setOps(() => srv));
}

/**
 * Set operations on a server (`get` reads it once it has started). `sink` and `source`
 * run the filters; `store` and `assertStored` do in the test process what they do
 * (storeSet and readSet), for a set a case only needs to exist and for checking what
 * another filter left.
 */
function setOps(get: () => RelServer) {
  let n = 0;
  const fresh = (hint = 'set') => `${hint}${++n}`;
  const sink = (name: string, input: Buffer, args: string[] = SMALL, e = get().env) => runFilter('s3sink', [...args, `s3://${get().bucket}/${name}`], { input, env: e });
  const source = (name: string, args: string[] = [], e = get().env) => runFilter('s3source', [...args, `s3://${get().bucket}/${name}`], { env: e });

  /** A new generation of `name` holding `data`, committed as s3sink with SMALL chunks would. */
  async function store(name: string, data: Buffer): Promise<void> {
    const { client, bucket } = get();
    await storeSet(client, bucket, name, data, { chunkSize: CHUNK });
  }

  /** s3source writes exactly `expected`, exit 0: for cases whose claim is what s3source returns. */
  async function assertRestores(name: string, expected: Buffer, what: string): Promise<void> {
    const r = await source(name);
    assert.equal(r.code, 0, `${what}: ${r.stderr}`);
    assert.ok(r.stdout.equals(expected), `${what}: s3source returned ${r.stdout.length} bytes, not the expected ${expected.length}`);
  }

  /** The current generation of `name` reads back, verified, as exactly `expected`. */
  async function assertStored(name: string, expected: Buffer, what: string): Promise<void> {
    const { client, bucket } = get();
    const got = await readSet(client, bucket, name);
    assert.ok(got.equals(expected), `${what}: the set reads back as ${got.length} bytes, not the expected ${expected.length}`);
  }

  /**
   * The next upload succeeds and leaves exactly one generation: orphans of the killed run
   * are gone. One chunk is enough: the orphans are whole generations, whatever their size.
   */
  async function assertNextRunCleans(name: string, seed: number): Promise<void> {
    const next = seededBytes(1003, seed);
    const w = await sink(name, next);
    assert.equal(w.code, 0, w.stderr);
    const gens = await generations(get().client, get().bucket, name);
    assert.equal(gens.size, 1, `orphans left: ${[...gens].join(' ')}`);
    await assertStored(name, next, 'after the cleaning run');
  }
  return { fresh, sink, source, store, assertRestores, assertStored, assertNextRunCleans };
}
