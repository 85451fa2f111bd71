import type { S3TestServer } from './s3';
export interface RgwOptions {
    /** Whole bring-up deadline in ms (default 90 s, or PIPEKIT_RGW_TIMEOUT). */
    timeoutMs?: number;
    /** memstore capacity in bytes (default 512 MiB): objects live in the OSD's RAM. */
    memstoreBytes?: number;
    /** Keep the temp dir (logs, config) after stop() or a failed start; also PIPEKIT_KEEP_RGW=1. */
    keepDir?: boolean;
    /** Fixed ports instead of free ones chosen at random (no retry if one is taken). */
    ports?: RgwServer['ports'];
}
export interface RgwServer extends S3TestServer {
    kind: 'rgw';
    /** The temp dir holding ceph.conf, the stores and log/. */
    dir: string;
    /** Ports in use: mon (msgr2), radosgw (HTTP), and the OSD's bind range. */
    ports: {
        mon: number;
        rgw: number;
        osdMin: number;
        osdMax: number;
    };
    /** Milliseconds from startRgw() to a server that has created and deleted a bucket. */
    startupMs: number;
    /** Milliseconds spent in each bring-up step. */
    timings: Record<string, number>;
    /** Pids of the running daemons. */
    pids(): {
        mon?: number;
        osd?: number;
        rgw?: number;
    };
    /** Resident memory of each daemon in KiB (from /proc), and the total. */
    rss(): Promise<{
        mon: number;
        osd: number;
        rgw: number;
        total: number;
    }>;
    /** The last `lines` lines of every log in the temp dir, headed by file name. */
    logs(lines?: number): Promise<string>;
}
/** Start a fresh RGW; resolves once it serves S3 (a probe bucket was created and deleted). */
export declare function startRgw(opts?: RgwOptions): Promise<RgwServer>;
