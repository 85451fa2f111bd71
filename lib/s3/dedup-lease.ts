import type { S3Client } from '@aws-sdk/client-s3';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { leaseKey, leasePrefix, parseLeaseKey, type LeaseKind } from './layout';
import { listPages } from './lister';
import { writeObject } from './object-io';
import { deleteKeys } from './delete-objects';

/**
 * Leases of a deduplicated set: an upload in progress and a garbage collection in
 * progress each keep an object under NAME/leases/, rewritten every quarter of its time
 * to live. Its LastModified is the server's clock, so every party judges liveness by the
 * same clock: a lease is live while LastModified + TTL is later than the reader's own
 * lease's LastModified, read in the same listing. A kill -9 stops the rewrites; the
 * lease then expires by itself.
 */

/** One lease as listed. */
export interface LeaseEntry {
  key: string;
  kind: LeaseKind;
  id: string;
  ttlMs: number;
  lastModified: Date;
}

/** Whether `lease` still holds at server time `now`. */
export function isLive(lease: LeaseEntry, now: Date): boolean {
  return lease.lastModified.getTime() + lease.ttlMs > now.getTime();
}

/** Every lease of set `name`, from one listing. */
export async function listLeases(client: S3Client, bucket: string, name: string, signal?: AbortSignal): Promise<LeaseEntry[]> {
  const out: LeaseEntry[] = [];
  for await (const page of listPages({ client, bucket, prefix: leasePrefix(name), signal })) {
    for (const e of page) {
      if (!('key' in e)) continue;
      const parsed = parseLeaseKey(name, e.key);
      if (parsed && e.lastModified) out.push({ key: e.key, ...parsed, lastModified: e.lastModified });
    }
  }
  return out;
}

/** The lease may have expired while its holder still ran: what it protected is no longer safe to rely on. */
export class LeaseLapsed extends Error {}

/**
 * A lease this process holds: written at once, rewritten every TTL/4 until release().
 * A write's LastModified lies between its start and its end, so the lease held without
 * a gap as long as each successful write ended less than TTL after the previous one
 * started. It counts as lapsed past 3/4 of TTL: the last quarter is margin for clocks
 * that run at slightly different rates, and for the caller's next request.
 */
export class Lease {
  private lastStart: number;
  private lapsedFor = 0;
  private refreshing = false;
  private released = false;
  private readonly stop = new AbortController();
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    readonly key: string,
    readonly ttlMs: number,
    started: number,
  ) {
    this.lastStart = started;
    this.timer = setInterval(() => void this.refresh(), ttlMs / 4);
    this.timer.unref();
  }

  /** Write the lease `NAME/leases/KIND-ID-TTL` and keep it fresh. */
  static async acquire(client: S3Client, bucket: string, name: string, kind: LeaseKind, id: string, ttlMs: number, signal?: AbortSignal): Promise<Lease> {
    const key = leaseKey(name, kind, id, ttlMs);
    const started = performance.now();
    await writeObject(client, bucket, key, Buffer.from(`${kind} ${id}\n`), { contentType: 'text/plain', signal });
    return new Lease(client, bucket, key, ttlMs, started);
  }

  /** Throws LeaseLapsed unless the lease has held without a gap since it was written (and holds a while yet). */
  assertHeld(): void {
    const gap = Math.max(this.lapsedFor, performance.now() - this.lastStart);
    if (gap > (this.ttlMs * 3) / 4) {
      throw new LeaseLapsed(`the lease ${this.key} may have expired (not renewed for ${Math.round(gap / 1000)} s of its ${this.ttlMs / 1000} s)`);
    }
  }

  /** Stop renewing and delete the lease (best effort: an expired one is as good as gone). */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    this.stop.abort();
    try {
      await deleteKeys(this.client, this.bucket, [this.key], AbortSignal.timeout(5000));
    } catch {
      // It expires by itself.
    }
  }

  private async refresh(): Promise<void> {
    if (this.refreshing || this.released) return;
    this.refreshing = true;
    const started = performance.now();
    try {
      await writeObject(this.client, this.bucket, this.key, Buffer.from('lease\n'), { contentType: 'text/plain', signal: this.stop.signal, attempts: 2 });
      this.lapsedFor = Math.max(this.lapsedFor, performance.now() - this.lastStart);
      this.lastStart = started;
    } catch {
      // A missed renewal shows as a gap in assertHeld().
    } finally {
      this.refreshing = false;
    }
  }
}

/**
 * Wait until no collector of set `name` holds a live lease: an upload holding `own`
 * starts reading manifests only then (the handshake in dedup-gc.ts). Each side writes
 * its lease before it lists the other's, so at least one of them sees the other.
 */
export async function waitForCollectors(client: S3Client, bucket: string, name: string, own: Lease, signal?: AbortSignal): Promise<void> {
  for (let round = 0; ; round++) {
    const leases = await listLeases(client, bucket, name, signal);
    const now = leases.find((l) => l.key === own.key)?.lastModified;
    if (!now) throw new Error(`the listing of s3://${bucket}/${name}/leases/ does not show the lease just written; is the endpoint S3?`);
    if (!leases.some((l) => l.kind === 'gc' && isLive(l, now))) return;
    await delay(Math.min(2000, 50 * 2 ** round), undefined, { signal });
  }
}
