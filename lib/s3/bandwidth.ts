import { Readable, Transform, pipeline } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { NodeHttpHandler, type NodeHttpHandlerOptions } from '@smithy/node-http-handler';
import { rateAt, type BandwidthSchedule } from './bandwidth-schedule';

/**
 * `--bwlimit`: one token bucket for every byte a process sends or receives, over all
 * its connections, so `-j 8` shares the limit instead of multiplying it (rclone, restic
 * and the aws cli's max_bandwidth limit the total the same way).
 */

/**
 * Bytes taken at once: a twentieth of a second of the rate, within bounds. Small pieces,
 * each queued on its own, interleave the connections: with 64 KiB pieces at 10K/s and
 * -j 8 a connection waited 45 s for its turn, past the socket's idle timeout.
 */
const PIECE_SECONDS = 0.05;
const MIN_PIECE = 1024;
const MAX_PIECE = 64 * 1024;
/** Unused allowance kept while idle, in seconds of the rate: a burst after a pause stays short. */
const BURST_SECONDS = 0.1;
/** Longest single wait, so a timetable's next entry is noticed within a second. */
const MAX_WAIT_MS = 1000;
/** A token bucket at the rate of a schedule; waiters are served in order. */
export class BandwidthLimiter {
  /** Bytes that may pass now; negative while a piece larger than the allowance is paid off. */
  private tokens = 0;
  private last = Date.now();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly schedule: BandwidthSchedule) {}

  /** How many bytes a stream should ask for at a time now. */
  pieceSize(): number {
    const rate = rateAt(this.schedule, new Date());
    return Math.max(MIN_PIECE, Math.min(MAX_PIECE, Math.round(rate * PIECE_SECONDS)));
  }

  /** Resolves once `bytes` may pass. */
  take(bytes: number): Promise<void> {
    const turn = this.queue.then(() => this.waitFor(bytes));
    this.queue = turn;
    return turn;
  }

  private async waitFor(bytes: number): Promise<void> {
    for (;;) {
      const rate = rateAt(this.schedule, new Date());
      const now = Date.now();
      const elapsed = (now - this.last) / 1000;
      this.last = now;
      if (rate === Infinity) {
        this.tokens = 0;
        return;
      }
      this.tokens = Math.min(rate * BURST_SECONDS, this.tokens + elapsed * rate);
      // Pay as we go: a piece may overdraw the bucket, the next waiter pays the debt back.
      if (this.tokens >= 0) {
        this.tokens -= bytes;
        return;
      }
      await delay(Math.min(MAX_WAIT_MS, Math.ceil((-this.tokens / rate) * 1000)));
    }
  }

  /** Hand `chunk` on in pieces, each once the limit lets it pass. */
  private async pass(chunk: Buffer, push: (piece: Buffer) => void): Promise<void> {
    for (let offset = 0; offset < chunk.length; ) {
      const piece = chunk.subarray(offset, offset + this.pieceSize());
      offset += piece.length;
      await this.take(piece.length);
      push(piece);
    }
  }

  /** A request body sent no faster than the limit. */
  body(bytes: Uint8Array): Readable {
    let offset = 0;
    const limiter = this;
    return new Readable({
      read() {
        if (offset >= bytes.length) {
          this.push(null);
          return;
        }
        const piece = bytes.subarray(offset, offset + limiter.pieceSize());
        offset += piece.length;
        void limiter.take(piece.length).then(() => this.push(piece));
      },
    });
  }

  /** A response body read no faster than the limit; destroying it destroys `source`. */
  response(source: Readable): Readable {
    const throttle = new Transform({
      transform: (chunk: Buffer, _enc, cb) => {
        this.pass(chunk, (piece) => throttle.push(piece)).then(() => cb(), cb);
      },
    });
    pipeline(source, throttle, () => undefined);
    return throttle;
  }
}

/**
 * The SDK's Node handler with request and response bodies through a limiter. Bodies are
 * wrapped here, below signing: the payload hash was taken of the bytes, not the stream.
 */
export class LimitedHttpHandler extends NodeHttpHandler {
  constructor(
    options: NodeHttpHandlerOptions,
    private readonly limiter: BandwidthLimiter,
  ) {
    super(options);
  }

  override async handle(...[request, options]: Parameters<NodeHttpHandler['handle']>): ReturnType<NodeHttpHandler['handle']> {
    const body: unknown = request.body;
    const bytes = typeof body === 'string' ? Buffer.from(body) : body instanceof Uint8Array ? body : undefined;
    if (bytes?.length) request.body = this.limiter.body(bytes);
    const out = await super.handle(request, options);
    if (out.response.body instanceof Readable) out.response.body = this.limiter.response(out.response.body);
    return out;
  }
}
