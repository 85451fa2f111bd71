"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.startProducer = startProducer;
const node_child_process_1 = require("node:child_process");
const upload_sink_1 = require("./s3/upload-sink");
/**
 * Run `argv` directly (no shell), its stderr passed through. An abort of `signal` is
 * forwarded to it, as the signal the reason names (`reason.signal`, as the filters'
 * SIGINT/SIGTERM reasons carry it), else SIGTERM. A command that cannot be started
 * fails with exit code 2, as a usage error.
 */
function startProducer(argv, signal) {
    const child = (0, node_child_process_1.spawn)(argv[0], argv.slice(1), { stdio: ['inherit', 'pipe', 'inherit'] });
    const forward = () => child.kill((signal?.reason?.signal) ?? 'SIGTERM');
    signal?.addEventListener('abort', forward, { once: true });
    const finished = new Promise((resolve, reject) => {
        child.once('error', (err) => {
            reject(new upload_sink_1.NotCommitted(`cannot run ${argv[0]}: ${err.code === 'ENOENT' ? 'command not found' : (err.code ?? err.message)}`, 2));
        });
        child.once('close', (code, killedBy) => {
            if (code === 0)
                resolve();
            else
                reject(new upload_sink_1.NotCommitted(`${argv[0]} ${killedBy ? `killed by ${killedBy}` : `exited ${code}`}`));
        });
    }).finally(() => signal?.removeEventListener('abort', forward));
    finished.catch(() => { }); // awaited by the sink's approve(); a spawn error may come first
    return { stdout: child.stdout, finished };
}
