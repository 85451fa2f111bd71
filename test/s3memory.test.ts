import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { filterPath, runFilter } from './helpers/run';
import { NullS3 } from './helpers/null-s3';
import { freshBucket, s3Env, startS3rver, testClient, type S3TestServer } from './helpers/s3';
import { repeatingStream } from './helpers/data';

const MiB = 2 ** 20;

/** Peak resident memory (VmHWM) of a running process, in bytes; 0 once it is gone. */
async function peakRss(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Run a filter child to its end, sampling its peak RSS (monotonic, so the last sample before exit is the peak). */
async function runMeasured(args: string[], env: NodeJS.ProcessEnv, stdin: NodeJS.ReadableStream | null, onStdout?: (c: Buffer) => Promise<void>) {
  // Started by its #! line, as a shell starts it (the line carries the heap settings).
  const [file, ...rest] = args;
  const child = spawn(file, rest, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  if (stdin) stdin.pipe(child.stdin).on('error', () => undefined);
  else child.stdin.end();
  let bytesOut = 0;
  const drained = (async () => {
    for await (const c of child.stdout) {
      bytesOut += (c as Buffer).length;
      if (onStdout) await onStdout(c as Buffer);
    }
  })();
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  let peak = 0;
  let done = false;
  void exited.then(() => (done = true));
  while (!done) {
    peak = Math.max(peak, await peakRss(child.pid!));
    await delay(50);
  }
  await drained;
  return { code: await exited, peak, stderr, bytesOut };
}

describe('memory stays bounded by (jobs + 1) × chunk size, whatever the stream length', () => {
  let sink: NullS3;
  let s3: S3TestServer;
  before(async () => {
    sink = await NullS3.start();
    s3 = await startS3rver();
  });
  after(async () => {
    await sink.close();
    await s3.stop();
  });

  it('s3sink: a 1 GiB stream (5× the bound) peaks below (j+1) × chunk + 150 MiB', async () => {
    const jobs = 4;
    const chunk = 8 * MiB;
    const total = 1024 * MiB;
    const r = await runMeasured(
      [filterPath('s3sink'), '-j', String(jobs), '--chunk-size', '8M', 's3://null/big'],
      s3Env(s3, sink.endpoint),
      repeatingStream(total),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.ok(sink.bytes >= total, `the sink received ${sink.bytes} bytes`);
    const limit = (jobs + 1) * chunk + 150 * MiB;
    assert.ok(r.peak > 0 && r.peak < limit, `peak RSS ${(r.peak / MiB).toFixed(0)} MiB, limit ${limit / MiB} MiB`);
  });

  it('s3source with a slow reader: prefetch stops at j chunks', async () => {
    const client = testClient(s3);
    const bucket = await freshBucket(client, 'mem');
    const env = s3Env(s3);
    const size = 160 * MiB;
    const w = await runFilter('s3sink', ['--chunk-size', '5M', `s3://${bucket}/set`], { input: repeatingStream(size), env });
    assert.equal(w.code, 0, w.stderr);
    const jobs = 3;
    // The reader takes a pause on every piece, so s3source always has output waiting.
    const r = await runMeasured([filterPath('s3source'), '-j', String(jobs), `s3://${bucket}/set`], env, null, () => delay(2));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.bytesOut, size);
    const limit = (jobs + 1) * 5 * MiB + 150 * MiB;
    assert.ok(r.peak < limit, `peak RSS ${(r.peak / MiB).toFixed(0)} MiB, limit ${limit / MiB} MiB (stream ${size / MiB} MiB)`);
  });
});
