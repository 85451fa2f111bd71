"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const args_1 = require("../lib/cli/args");
const flags_1 = require("../lib/cli/flags");
const units_1 = require("../lib/units");
const MiB = 2 ** 20;
const GiB = 2 ** 30;
function assertUsage(fn, message) {
    strict_1.default.throws(fn, (err) => {
        strict_1.default.ok(err instanceof args_1.UsageError, String(err));
        strict_1.default.equal(err.message, message);
        return true;
    });
}
(0, node_test_1.describe)('intFlag', () => {
    // [flags, fallback, bounds, result]
    const valid = [
        [{ jobs: '4' }, 2, undefined, 4],
        [{ jobs: '1' }, 2, undefined, 1],
        [{ jobs: '007' }, 2, undefined, 7],
        [{}, 2, undefined, 2],
        [{ jobs: undefined }, 2, undefined, 2],
        [{}, undefined, undefined, undefined],
        [{ jobs: '0' }, 4, { min: 0 }, 0],
        [{ jobs: '10' }, 4, { max: 10 }, 10],
        [{ jobs: '65535' }, 25, { min: 1, max: 65535 }, 65535],
        [{ jobs: String(Number.MAX_SAFE_INTEGER) }, 1, undefined, Number.MAX_SAFE_INTEGER],
    ];
    for (const [flags, fallback, bounds, expected] of valid) {
        (0, node_test_1.it)(`${JSON.stringify(flags)} fallback ${fallback} ${JSON.stringify(bounds)} -> ${expected}`, () => {
            strict_1.default.equal((0, flags_1.intFlag)(flags, 'jobs', fallback, bounds), expected);
        });
    }
    const invalid = [
        ['0', undefined, "invalid --jobs '0' (a whole number of at least 1)"],
        ['-1', undefined, "invalid --jobs '-1' (a whole number of at least 1)"],
        ['+3', undefined, "invalid --jobs '+3' (a whole number of at least 1)"],
        ['1.5', undefined, "invalid --jobs '1.5' (a whole number of at least 1)"],
        ['4k', undefined, "invalid --jobs '4k' (a whole number of at least 1)"],
        ['0x10', undefined, "invalid --jobs '0x10' (a whole number of at least 1)"],
        ['1e3', undefined, "invalid --jobs '1e3' (a whole number of at least 1)"],
        [' 4', undefined, "invalid --jobs ' 4' (a whole number of at least 1)"],
        ['many', undefined, "invalid --jobs 'many' (a whole number of at least 1)"],
        ['', undefined, "invalid --jobs '' (a whole number of at least 1)"],
        ['9007199254740993', undefined, "invalid --jobs '9007199254740993' (a whole number of at least 1)"],
        ['11', { max: 10 }, "invalid --jobs '11' (a whole number from 1 to 10)"],
        ['0', { max: 10 }, "invalid --jobs '0' (a whole number from 1 to 10)"],
        ['-1', { min: 0 }, "invalid --jobs '-1' (a whole number of at least 0)"],
        ['2', { min: 3, max: 5 }, "invalid --jobs '2' (a whole number from 3 to 5)"],
        ['65536', { min: 1, max: 65535 }, "invalid --jobs '65536' (a whole number from 1 to 65535)"],
        [true, undefined, "invalid --jobs 'true' (a whole number of at least 1)"],
    ];
    for (const [value, bounds, message] of invalid) {
        (0, node_test_1.it)(`rejects ${JSON.stringify(value)} ${JSON.stringify(bounds ?? {})}`, () => {
            assertUsage(() => (0, flags_1.intFlag)({ jobs: value }, 'jobs', 1, bounds), message);
        });
    }
});
(0, node_test_1.describe)('sizeFlag', () => {
    const CHUNK = { min: 5 * MiB, max: 5 * GiB };
    const valid = [
        ['8M', 1, undefined, 8 * MiB],
        ['8MiB', 1, undefined, 8 * MiB],
        ['512K', 1, undefined, 512 * 1024],
        ['1048576', 1, undefined, MiB],
        ['1', 5, undefined, 1],
        ['1.5K', 1, undefined, 1536],
        [undefined, 8 * MiB, undefined, 8 * MiB],
        [undefined, undefined, undefined, undefined],
        ['0', 1, { min: 0 }, 0],
        ['5M', 1, CHUNK, 5 * MiB],
        ['5G', 1, CHUNK, 5 * GiB],
    ];
    for (const [value, fallback, bounds, expected] of valid) {
        (0, node_test_1.it)(`${JSON.stringify(value)} fallback ${fallback} -> ${expected}`, () => {
            strict_1.default.equal((0, flags_1.sizeFlag)({ 'chunk-size': value }, 'chunk-size', fallback, bounds), expected);
        });
    }
    const invalid = [
        ['0', undefined, "invalid --chunk-size '0' (a size of at least 1, such as 8M)"],
        ['big', undefined, "invalid --chunk-size 'big' (a size of at least 1, such as 8M)"],
        ['-1M', undefined, "invalid --chunk-size '-1M' (a size of at least 1, such as 8M)"],
        ['8P', undefined, "invalid --chunk-size '8P' (a size of at least 1, such as 8M)"],
        ['0.1', undefined, "invalid --chunk-size '0.1' (a size of at least 1, such as 8M)"],
        // s3sink's bounds, as test/s3sink.test.ts expects them on the command line.
        ['1K', CHUNK, "invalid --chunk-size '1K' (a size from 5M to 5G, such as 8M)"],
        ['6G', CHUNK, "invalid --chunk-size '6G' (a size from 5M to 5G, such as 8M)"],
        ['4M', { min: 5 * MiB }, "invalid --chunk-size '4M' (a size of at least 5M, such as 8M)"],
    ];
    for (const [value, bounds, message] of invalid) {
        (0, node_test_1.it)(`rejects ${JSON.stringify(value)} ${JSON.stringify(bounds ?? {})}`, () => {
            assertUsage(() => (0, flags_1.sizeFlag)({ 'chunk-size': value }, 'chunk-size', 1, bounds), message);
        });
    }
});
(0, node_test_1.describe)('durationFlag', () => {
    const valid = [
        ['30s', 1, 30_000],
        ['30', 1, 30_000],
        ['500ms', 1, 500],
        ['2m', 1, 120_000],
        ['1.5s', 1, 1500],
        ['0.5ms', 1, 1],
        [undefined, 5000, 5000],
        [undefined, undefined, undefined],
    ];
    for (const [value, fallback, expected] of valid) {
        (0, node_test_1.it)(`${JSON.stringify(value)} fallback ${fallback} -> ${expected}`, () => {
            strict_1.default.equal((0, flags_1.durationFlag)({ timeout: value }, 'timeout', fallback), expected);
        });
    }
    for (const value of ['0', '0s', '0ms', '0.1ms', '-1s', '1w', '5 s', '30S', 'soon', '']) {
        (0, node_test_1.it)(`rejects ${JSON.stringify(value)}`, () => {
            assertUsage(() => (0, flags_1.durationFlag)({ timeout: value }, 'timeout', 1), `invalid --timeout '${value}' (a duration such as 30s, 500ms or 2m)`);
        });
    }
});
(0, node_test_1.describe)('parseSize', () => {
    const table = [
        ['0', 0],
        ['1', 1],
        ['1048576', MiB],
        ['1K', 1024],
        ['1k', 1024],
        ['512K', 512 * 1024],
        ['8M', 8 * MiB],
        ['8m', 8 * MiB],
        ['8MB', 8 * MiB],
        ['8MiB', 8 * MiB],
        ['8mib', 8 * MiB],
        ['5G', 5 * GiB],
        ['2T', 2 * 2 ** 40],
        ['1.5K', 1536],
        ['0.5M', 512 * 1024],
        ['1.5', 2],
        [' 4K ', 4096],
        ['4 K', 4096],
        ['', NaN],
        ['K', NaN],
        ['-1', NaN],
        ['-1K', NaN],
        ['1P', NaN],
        ['1KK', NaN],
        ['0x10', NaN],
        ['1e3', NaN],
        ['.5K', NaN],
        ['1,024', NaN],
    ];
    for (const [text, expected] of table)
        (0, node_test_1.it)(`${JSON.stringify(text)} -> ${expected}`, () => strict_1.default.equal((0, units_1.parseSize)(text), expected));
});
(0, node_test_1.describe)('parseDuration', () => {
    const table = [
        ['0', 0],
        ['30', 30_000],
        ['30s', 30_000],
        ['500ms', 500],
        ['2m', 120_000],
        ['1.5s', 1500],
        ['1.5ms', 2],
        ['0.25m', 15_000],
        [' 2m ', 120_000],
        ['', NaN],
        ['s', NaN],
        ['ms', NaN],
        ['1h', 3_600_000],
        ['1d', 86_400_000],
        ['1.5d', 129_600_000],
        ['1w', NaN],
        ['-1', NaN],
        ['30S', NaN],
        ['5 s', NaN],
        ['1m30s', NaN],
    ];
    for (const [text, expected] of table)
        (0, node_test_1.it)(`${JSON.stringify(text)} -> ${expected}`, () => strict_1.default.equal((0, units_1.parseDuration)(text), expected));
});
(0, node_test_1.describe)('humanSize', () => {
    const table = [
        [0, '0'],
        [1, '1'],
        [1023, '1023'],
        [1024, '1.0K'],
        [1536, '1.5K'],
        [10 * 1024, '10K'],
        [10 * 1024 + 511, '10K'],
        [100 * 1024, '100K'],
        [MiB, '1.0M'],
        [5 * MiB, '5.0M'],
        [8 * MiB, '8.0M'],
        [1.5 * MiB, '1.5M'],
        [5 * GiB, '5.0G'],
        [2 ** 40, '1.0T'],
        [2 ** 50, '1.0P'],
        [2 ** 60, '1024P'],
        // Rounding that reaches the next step: 9.999K prints as 10K, 1023.999K as 1.0M (as du -h does).
        [10 * 1024 - 1, '10K'],
        [MiB - 1, '1.0M'],
    ];
    for (const [bytes, expected] of table)
        (0, node_test_1.it)(`${bytes} -> ${expected}`, () => strict_1.default.equal((0, units_1.humanSize)(bytes), expected));
});
(0, node_test_1.describe)('humanRate', () => {
    const table = [
        [1e6, 1000, '1.0 MB/s'],
        [123_456_789, 1000, '123.5 MB/s'],
        [50e6, 500, '100.0 MB/s'],
        [1, 1000, '0.0 MB/s'],
        [0, 1000, '0.0 MB/s'],
        [5e6, 0, '0.0 MB/s'],
        [2 ** 30, 1000, '1073.7 MB/s'],
    ];
    for (const [bytes, ms, expected] of table)
        (0, node_test_1.it)(`${bytes} bytes in ${ms} ms -> ${expected}`, () => strict_1.default.equal((0, units_1.humanRate)(bytes, ms), expected));
});
(0, node_test_1.describe)('humanDuration', () => {
    const table = [
        [0, '0s'],
        [1000, '1s'],
        [30_000, '30s'],
        [120_000, '120s'],
        [1500, '1500ms'],
        [500, '500ms'],
        [1, '1ms'],
    ];
    for (const [ms, expected] of table)
        (0, node_test_1.it)(`${ms} -> ${expected}`, () => strict_1.default.equal((0, units_1.humanDuration)(ms), expected));
    (0, node_test_1.it)('spells what parseDuration reads back', () => {
        for (const ms of [1, 250, 999, 1000, 1001, 5000, 60_000, 3_600_000])
            strict_1.default.equal((0, units_1.parseDuration)((0, units_1.humanDuration)(ms)), ms);
    });
});
