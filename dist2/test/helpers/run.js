"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.filterPath = filterPath;
exports.runFilter = runFilter;
exports.runCommand = runCommand;
exports.stderrLines = stderrLines;
const node_child_process_1 = require("node:child_process");
const node_path_1 = require("node:path");
/** Absolute path of a compiled filter, as `make build` leaves it. */
function filterPath(name) {
    return (0, node_path_1.join)(__dirname, '..', '..', 'filters', `${name}.js`);
}
/** Run a compiled filter as a child process, the way a shell does. */
function runFilter(name, args, opts = {}) {
    return runCommand(process.execPath, [filterPath(name), ...args], opts);
}
/** Run any command (`sh -c`, `tar`, …) with stdin, collecting stdout bytes and stderr text. */
function runCommand(cmd, args, opts = {}) {
    const spawnOpts = {
        env: opts.env ?? process.env,
        cwd: opts.cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
    };
    return new Promise((resolve, reject) => {
        const child = (0, node_child_process_1.spawn)(cmd, args, spawnOpts);
        const out = [];
        const err = [];
        child.stdout.on('data', (c) => out.push(c));
        child.stderr.on('data', (c) => err.push(c));
        const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeout ?? 120_000);
        child.on('error', reject);
        child.on('close', (code, signal) => {
            clearTimeout(timer);
            resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') });
        });
        child.stdin.on('error', () => { });
        const input = opts.input;
        if (input === undefined)
            child.stdin.end();
        else if (typeof input === 'string' || Buffer.isBuffer(input))
            child.stdin.end(input);
        else
            input.pipe(child.stdin);
    });
}
/** Lines of stderr, without the trailing empty one. */
function stderrLines(r) {
    return r.stderr.split('\n').filter((l) => l !== '');
}
