"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Progress = void 0;
const units_1 = require("../units");
/**
 * Progress on stderr: redrawn in place on a terminal, one line a second otherwise
 * (so `--progress 2>log` stays readable). Never writes to stdout.
 */
class Progress {
    name;
    enabled;
    started = Date.now();
    last = 0;
    tty = process.stderr.isTTY === true;
    constructor(name, enabled) {
        this.name = name;
        this.enabled = enabled;
    }
    update(bytes, detail = '') {
        if (!this.enabled)
            return;
        const now = Date.now();
        if (now - this.last < (this.tty ? 200 : 1000))
            return;
        this.last = now;
        this.draw(bytes, detail);
    }
    done(bytes, detail = '') {
        if (!this.enabled)
            return;
        this.draw(bytes, detail);
        if (this.tty)
            process.stderr.write('\n');
    }
    draw(bytes, detail) {
        const line = `${this.name}: ${(0, units_1.humanSize)(bytes)}B ${(0, units_1.humanRate)(bytes, Date.now() - this.started)}${detail ? ` ${detail}` : ''}`;
        process.stderr.write(this.tty ? `\r\x1b[K${line}` : `${line}\n`);
    }
}
exports.Progress = Progress;
