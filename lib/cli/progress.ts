import { humanBytes, humanRate } from '../units';

/**
 * Progress on stderr: redrawn in place on a terminal, one line a second otherwise
 * (so `--progress 2>log` stays readable). Never writes to stdout.
 */
export class Progress {
  private readonly started = Date.now();
  private last = 0;
  private readonly tty = process.stderr.isTTY === true;

  constructor(
    private readonly name: string,
    private readonly enabled: boolean,
  ) {}

  update(bytes: number, detail = ''): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < (this.tty ? 200 : 1000)) return;
    this.last = now;
    this.draw(bytes, detail);
  }

  done(bytes: number, detail = ''): void {
    if (!this.enabled) return;
    this.draw(bytes, detail);
    if (this.tty) process.stderr.write('\n');
  }

  private draw(bytes: number, detail: string): void {
    const line = `${this.name}: ${humanBytes(bytes)} ${humanRate(bytes, Date.now() - this.started)}${detail ? ` ${detail}` : ''}`;
    process.stderr.write(this.tty ? `\r\x1b[K${line}` : `${line}\n`);
  }
}
