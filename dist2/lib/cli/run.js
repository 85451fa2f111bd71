"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.errorLine = exports.Interrupted = exports.FilterError = exports.EXIT_SIGTERM = exports.EXIT_SIGINT = exports.EXIT_USAGE = exports.EXIT_FAILURE = exports.EXIT_OK = void 0;
exports.packageVersion = packageVersion;
exports.runFilter = runFilter;
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const error_line_1 = require("../error-line");
Object.defineProperty(exports, "errorLine", { enumerable: true, get: function () { return error_line_1.errorLine; } });
const args_1 = require("./args");
/**
 * The process lifecycle every filter shares: exit codes, one-line errors, quiet EPIPE,
 * SIGINT/SIGTERM turned into an AbortSignal, stdout flushed before exit.
 */
exports.EXIT_OK = 0;
exports.EXIT_FAILURE = 1;
exports.EXIT_USAGE = 2;
exports.EXIT_SIGINT = 130;
exports.EXIT_SIGTERM = 143;
/** A failure with a one-line message meant for the user and a chosen exit code. */
class FilterError extends Error {
    exitCode;
    constructor(message, exitCode = exports.EXIT_FAILURE, options) {
        super(message, options);
        this.exitCode = exitCode;
    }
}
exports.FilterError = FilterError;
/** The reason the filter's signal aborts with on SIGINT/SIGTERM; `signal` names it, so it can be forwarded. */
class Interrupted extends FilterError {
    signal;
    constructor(signal) {
        super(`interrupted by ${signal}`, signal === 'SIGINT' ? exports.EXIT_SIGINT : exports.EXIT_SIGTERM);
        this.signal = signal;
    }
}
exports.Interrupted = Interrupted;
/** Wait until everything written to stdout has been handed to the OS (pipes may be asynchronous). */
function flushStdout() {
    return new Promise((resolve) => process.stdout.write('', () => resolve()));
}
function packageVersion() {
    const pkg = JSON.parse((0, node_fs_1.readFileSync)((0, node_path_1.join)(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
    return pkg.version;
}
function isEpipe(err) {
    return err?.code === 'EPIPE';
}
/**
 * Run a filter: parse argv, handle --help/--version, run `main`, map the outcome to an
 * exit status. Never returns.
 */
async function runFilter(spec, main, argv = process.argv.slice(2)) {
    const name = spec.name;
    const controller = new AbortController();
    let signalExit = 0;
    const onSignal = (sig) => {
        if (signalExit)
            process.exit(signalExit);
        const reason = new Interrupted(sig);
        signalExit = reason.exitCode;
        controller.abort(reason);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.stdout.on('error', (err) => {
        // A closed stdout (`| head`) is the reader saying it has enough: end quietly.
        if (isEpipe(err))
            process.exit(exports.EXIT_OK);
    });
    let debug = false;
    let code;
    try {
        const parsed = (0, args_1.parseArgs)(spec, argv);
        debug = parsed.flags.debug === true;
        if (parsed.flags.help) {
            process.stdout.write((0, args_1.helpText)(spec));
            process.exit(exports.EXIT_OK);
        }
        if (parsed.flags.version) {
            process.stdout.write(`${name} ${packageVersion()}\n`);
            process.exit(exports.EXIT_OK);
        }
        const quiet = parsed.flags.quiet === true;
        const ctx = {
            ...parsed,
            signal: controller.signal,
            info: (line) => {
                if (!quiet)
                    process.stderr.write(`${name}: ${line}\n`);
            },
            warn: (line) => process.stderr.write(`${name}: ${line}\n`),
            progress: !quiet && (parsed.flags.progress === true || process.stderr.isTTY === true),
            debug,
        };
        code = (await main(ctx)) ?? exports.EXIT_OK;
    }
    catch (err) {
        if (isEpipe(err))
            process.exit(exports.EXIT_OK);
        if (signalExit && !spec.signalEndsRun) {
            process.stderr.write(`${name}: interrupted\n`);
            process.exit(signalExit);
        }
        // One line, always: a usage error carries its pointer to --help on the same line.
        const hint = err instanceof args_1.UsageError ? `; see ${name} --help` : '';
        process.stderr.write(`${name}: ${(0, error_line_1.errorLine)(err)}${hint}\n`);
        if (debug)
            process.stderr.write(`${debugDetail(err)}\n`);
        code = err.exitCode ?? exports.EXIT_FAILURE;
    }
    await flushStdout();
    process.exit(signalExit && !spec.signalEndsRun ? signalExit : code);
}
/** Detail printed under --debug: stack and cause chain, never request headers. */
function debugDetail(err) {
    const parts = [];
    let e = err;
    while (e) {
        parts.push(e instanceof Error ? (e.stack ?? e.message) : String(e));
        e = e instanceof Error ? e.cause : undefined;
    }
    return parts.join('\ncaused by: ');
}
