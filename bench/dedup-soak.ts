/**
 * Soak of deduplicated sets: per run, two uploads of one name at once (each with a
 * retention that removes the other's base) and an `s3rm --prune`, one of the three
 * killed with SIGKILL at a random moment. After every run no generation may name a
 * missing chunk and `s3source --check --all-generations` must pass; after the last,
 * one collection round past the grace period must leave no unreferenced chunk.
 *
 *   node dist/bench/dedup-soak.js     # DEDUP_SOAK_RUNS=20, DEDUP_SOAK_SEED=…, SERVER=rgw
 *
 * Exits 1 when any run left a bad state.
 */
import { spawn } from 'node:child_process';
import type { S3Client } from '@aws-sdk/client-s3';
import { filterPath, runFilter } from '../test/helpers/run';
import { freshBucket, s3Env, startS3rver, testClient, type S3TestServer } from '../test/helpers/s3';
import { startRgw } from '../test/helpers/rgw';
import { mulberry32, seededBytes } from '../test/helpers/data';
import { listPages } from '../lib/s3/lister';
import { readManifest } from '../lib/s3/object-io';
import { chunkAreaPrefix, manifestKey, parseSetKey } from '../lib/s3/layout';

const RUNS = Number(process.env.DEDUP_SOAK_RUNS ?? 20);
const SEED = Number(process.env.DEDUP_SOAK_SEED ?? Date.now() % 1_000_000);
// Long enough that a loaded machine renews in time (at a load of 30 on 2 cores, 3 s lapsed
// every upload: cleanly, but then nothing was committed to collect).
const LEASE_MS = 10_000;
const DEDUP = ['--dedup', '--chunk-size', '16K', '--lease', `${LEASE_MS / 1000}s`];
const random = mulberry32(SEED);
const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

/** A party of one run: its child, and what it exited with. */
function start(filter: string, args: string[], env: NodeJS.ProcessEnv, input?: Buffer) {
  const child = spawn(process.execPath, [filterPath(filter), ...args], { env, stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c));
  child.stdin!.on('error', () => {});
  child.stdin!.end(input);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, exited };
}

/** Chunks stored, chunks referenced, and the references to missing chunks. */
async function state(client: S3Client, bucket: string, name: string) {
  const stored = new Set<string>();
  const manifests = [manifestKey(name)];
  for await (const page of listPages({ client, bucket, prefix: `${name}/` })) {
    for (const e of page) {
      if (!('key' in e)) continue;
      if (e.key.startsWith(chunkAreaPrefix(name))) stored.add(e.key);
      else if (parseSetKey(name, e.key)?.manifest) manifests.push(e.key);
    }
  }
  const referenced = new Set<string>();
  const missing: string[] = [];
  for (const key of manifests) {
    const m = await readManifest(client, bucket, key);
    for (const c of m?.chunks ?? []) {
      referenced.add(c.key);
      if (!stored.has(c.key)) missing.push(`${m!.generation}: ${c.key}`);
    }
  }
  return { garbage: [...stored].filter((k) => !referenced.has(k)), missing };
}

async function main(): Promise<number> {
  const server: S3TestServer = process.env.SERVER === 'rgw' ? await startRgw() : await startS3rver();
  let bad = 0;
  try {
    const client = testClient(server);
    const bucket = await freshBucket(client, 'dsoak');
    const env = s3Env(server);
    const url = `s3://${bucket}/soak`;
    const base = seededBytes(4 * 2 ** 20, SEED);
    const first = await runFilter('s3sink', [...DEDUP, url], { input: base, env });
    if (first.code !== 0) throw new Error(`first upload: ${first.stderr.trim()}`);
    process.stdout.write(`  seed ${SEED}, ${RUNS} runs on ${server.kind}\n`);
    const outcomes = { committed: 0, failed: 0, killed: 0 };
    const reasons = new Set<string>();
    for (let run = 0; run < RUNS; run++) {
      const edit = () => {
        const at = between(0, base.length - 1);
        return Buffer.concat([base.subarray(0, at), seededBytes(between(1, 200_000), SEED + run * 7 + at), base.subarray(at + between(0, 100_000))]);
      };
      const parties = [
        start('s3sink', ['-q', '--keep', String(between(1, 3)), url], env, edit()),
        start('s3sink', ['-q', '--keep', String(between(1, 3)), url], env, edit()),
        start('s3rm', ['--prune', '--keep', String(between(1, 3)), url], env),
      ];
      const victim = parties[between(0, 2)];
      const timer = setTimeout(() => victim.child.kill('SIGKILL'), between(20, 1500));
      const results = await Promise.all(parties.map((p) => p.exited));
      clearTimeout(timer);
      for (const r of results.slice(0, 2)) {
        if (r.signal) outcomes.killed++;
        else if (r.code === 0) outcomes.committed++;
        else {
          outcomes.failed++;
          reasons.add(r.stderr.trim().split('\n')[0].replace(/\d{8}T\d{9}Z-[0-9a-f]{8}/g, 'GEN'));
        }
      }
      const { missing } = await state(client, bucket, 'soak');
      const check = await runFilter('s3source', ['--check', '--all-generations', url], { env });
      if (missing.length || check.code !== 0) {
        bad++;
        process.stdout.write(`  run ${run}: BAD: ${missing.length} missing chunks (${missing[0] ?? ''}); --check exit ${check.code}: ${check.stderr.trim().split('\n')[0]}\n`);
      }
    }
    await new Promise((r) => setTimeout(r, LEASE_MS + 1500));
    const last = await runFilter('s3rm', ['--prune', '--keep', '1', url], { env });
    const { garbage, missing } = await state(client, bucket, 'soak');
    if (last.code !== 0 || garbage.length || missing.length) {
      bad++;
      process.stdout.write(`  after the last round: exit ${last.code} ${last.stderr.trim()}, ${garbage.length} unreferenced chunks, ${missing.length} missing\n`);
    }
    process.stdout.write(`  uploads: ${outcomes.committed} exited 0, ${outcomes.failed} failed cleanly, ${outcomes.killed} killed; bad runs: ${bad}\n`);
    for (const reason of reasons) process.stdout.write(`  a clean failure: ${reason}\n`);
  } finally {
    await server.stop();
  }
  return bad ? 1 : 0;
}

void main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`bench dedup-soak: ${err.message}\n`);
    process.exit(1);
  },
);
