"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.COMMON_OPTIONS = exports.NUL = exports.DEBUG = exports.PROGRESS = exports.QUIET = exports.VERSION = exports.HELP = void 0;
exports.jobsOption = jobsOption;
exports.invalidFlag = invalidFlag;
exports.intFlag = intFlag;
exports.sizeFlag = sizeFlag;
exports.durationFlag = durationFlag;
const units_1 = require("../units");
const args_1 = require("./args");
/**
 * The flag vocabulary every filter shares: the options that mean the same everywhere,
 * declared once, and one parser per kind of value (whole number, size, duration) with
 * one message style: `invalid --NAME 'VALUE' (what is expected)`.
 */
exports.HELP = { name: 'help', short: 'h', help: 'print this help and exit' };
exports.VERSION = { name: 'version', help: 'print the version and exit' };
exports.QUIET = { name: 'quiet', short: 'q', help: 'print no informational lines, only errors' };
exports.PROGRESS = {
    name: 'progress',
    help: 'print progress on stderr even when it is not a terminal',
};
exports.DEBUG = { name: 'debug', help: 'print error details (stack, server response) on stderr' };
exports.NUL = { name: 'null', short: '0', help: 'NUL-separated lists, not lines (for find -print0, xargs -0)' };
/** Options every filter has, in help order after its own. */
exports.COMMON_OPTIONS = [exports.QUIET, exports.DEBUG, exports.HELP, exports.VERSION];
/** `-j, --jobs N`: what runs at once, its default, and what else a user should know. */
function jobsOption(what, fallback, note) {
    return { name: 'jobs', short: 'j', arg: 'N', help: `${what} at once (default ${fallback})${note ? `; ${note}` : ''}` };
}
/** The one message style for a bad flag value: `invalid --NAME 'VALUE' (what is expected)`. */
function invalidFlag(name, value, expected) {
    return new args_1.UsageError(`invalid --${name} '${String(value)}' (${expected})`);
}
function range(min, max, show) {
    if (max === undefined)
        return `of at least ${show(min)}`;
    return `from ${show(min)} to ${show(max)}`;
}
/** A flag value checked against bounds; `expected` says what was wanted, given the bounds as `show` prints them. */
function bounded(flags, name, fallback, { min = 1, max }, parse, expected, show) {
    const v = flags[name];
    if (v === undefined)
        return fallback;
    const n = parse(String(v));
    if (!(n >= min && n <= (max ?? Number.MAX_SAFE_INTEGER)))
        throw invalidFlag(name, v, expected(range(min, max, show)));
    return n;
}
/** A bound as a user would type it: `5M`, `5G`, `1536`. */
function exactSize(bytes) {
    for (const [unit, n] of [['T', 2 ** 40], ['G', 2 ** 30], ['M', 2 ** 20], ['K', 2 ** 10]]) {
        if (bytes >= n && bytes % n === 0)
            return `${bytes / n}${unit}`;
    }
    return String(bytes);
}
const wholeNumber = (text) => (/^\d+$/.test(text) ? Number(text) : NaN);
function intFlag(flags, name, fallback, bounds = {}) {
    return bounded(flags, name, fallback, bounds, wholeNumber, (r) => `a whole number ${r}`, String);
}
function sizeFlag(flags, name, fallback, bounds = {}) {
    return bounded(flags, name, fallback, bounds, units_1.parseSize, (r) => `a size ${r}, such as 8M`, exactSize);
}
function durationFlag(flags, name, fallback) {
    const v = flags[name];
    if (v === undefined)
        return fallback;
    const ms = (0, units_1.parseDuration)(String(v));
    if (!(ms > 0))
        throw invalidFlag(name, v, 'a duration such as 30s, 500ms or 2m');
    return ms;
}
