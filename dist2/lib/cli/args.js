"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.UsageError = void 0;
exports.parseArgs = parseArgs;
exports.splitBundles = splitBundles;
exports.helpText = helpText;
const minimist_1 = __importDefault(require("minimist"));
/** A mistake in how the command was called: exit 2 with a usage hint. */
class UsageError extends Error {
    exitCode = 2;
}
exports.UsageError = UsageError;
function parseArgs(spec, argv) {
    argv = splitBundles(spec, argv);
    const strings = spec.options.filter((o) => o.arg).map((o) => o.name);
    const booleans = spec.options.filter((o) => !o.arg).map((o) => o.name);
    const alias = {};
    for (const o of spec.options) {
        if (o.short)
            alias[o.short] = o.name;
        if (o.alias)
            alias[o.alias] = o.name;
    }
    const defaults = {};
    for (const o of spec.options)
        if (o.negatable)
            defaults[o.name] = true;
    const unknown = [];
    const parsed = (0, minimist_1.default)(argv, {
        // `_` too: operands stay as typed (minimist would make `0010` the number 10).
        string: [...strings, '_'],
        boolean: booleans,
        alias,
        default: defaults,
        stopEarly: false,
        '--': true,
        unknown: (arg) => {
            if (arg.startsWith('-') && arg !== '-') {
                unknown.push(arg);
                return false;
            }
            return true;
        },
    });
    if (unknown.length)
        throw new UsageError(`unknown option ${unknown[0].split('=')[0]}`);
    const flags = {};
    for (const o of spec.options) {
        let value = parsed[o.name];
        if (o.arg) {
            if (Array.isArray(value) && !o.repeatable)
                value = value[value.length - 1];
            if (o.repeatable && typeof value === 'string')
                value = [value];
            if (value === '' || (Array.isArray(value) && value.includes(''))) {
                throw new UsageError(`option --${o.name} needs a value (${o.arg})`);
            }
        }
        else if (typeof value !== 'boolean') {
            value = Boolean(value);
        }
        flags[o.name] = value;
    }
    const dashed = argv.includes('--') ? (parsed['--'] ?? []) : undefined;
    return { flags, args: [...parsed._.map(String), ...(dashed ?? [])], ...(dashed ? { dashed } : {}) };
}
/**
 * `-r0` as `-r -0`, as getopt reads it; minimist would take it as `-r` with the value 0.
 * Only bundles of boolean short options are split, and nothing after `--`.
 */
function splitBundles(spec, argv) {
    const booleans = new Set(spec.options.filter((o) => o.short && !o.arg).map((o) => o.short));
    const end = argv.indexOf('--');
    return argv.flatMap((a, i) => (end < 0 || i < end) && /^-[^-]{2,}$/.test(a) && [...a.slice(1)].every((c) => booleans.has(c))
        ? [...a.slice(1)].map((c) => `-${c}`)
        : [a]);
}
function optionLabel(o) {
    const long = o.negatable ? `--no-${o.name}` : `--${o.name}`;
    const short = o.short ? `-${o.short}, ` : '    ';
    return `${short}${long}${o.arg ? ` ${o.arg}` : ''}`;
}
/** The --help text: synopsis, summary and the option table. */
function helpText(spec) {
    const usage = spec.synopsis.map((s, i) => `${i === 0 ? 'Usage:' : '   or:'} ${spec.name} ${s}`);
    const labels = spec.options.map(optionLabel);
    const width = Math.max(...labels.map((l) => l.length)) + 2;
    const rows = spec.options.map((o, i) => `  ${labels[i].padEnd(width)}${o.help}${o.alias ? ` (also --${o.alias})` : ''}`);
    return [...usage, '', spec.summary, '', 'Options:', ...rows, '', `See man ${spec.name} for exit status and examples.`, ''].join('\n');
}
