"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const args_1 = require("../lib/cli/args");
const spec = {
    name: 'demo',
    synopsis: ['[OPTION]... s3://BUCKET/NAME', '--all --yes'],
    summary: 'Do one thing to a chunk set.',
    options: [
        { name: 'recursive', short: 'r', help: 'everything under the prefix' },
        { name: 'null', short: '0', help: 'NUL-separated lists' },
        { name: 'quiet', short: 'q', help: 'no informational lines' },
        { name: 'jobs', short: 'j', arg: 'N', help: 'requests at once (default 4)' },
        { name: 'endpoint', arg: 'URL', help: 'the S3 endpoint' },
        { name: 'chunk-size', alias: 'part-size', arg: 'SIZE', help: 'bytes per chunk' },
        { name: 'keep', arg: 'N', repeatable: true, help: 'generations to keep' },
        { name: 'verify', negatable: true, help: 'do not check sha256 sums' },
    ],
};
/** Every option absent: booleans false, negatables true, values undefined. */
const NONE = {
    recursive: false,
    null: false,
    quiet: false,
    jobs: undefined,
    endpoint: undefined,
    'chunk-size': undefined,
    keep: undefined,
    verify: true,
};
(0, node_test_1.describe)('parseArgs', () => {
    const cases = [
        ['nothing', [], {}, []],
        ['operands only', ['s3://b/a', 's3://b/b'], {}, ['s3://b/a', 's3://b/b']],
        ['a long boolean', ['--recursive', 's3://b/'], { recursive: true }, ['s3://b/']],
        ['a short boolean', ['-r', 's3://b/'], { recursive: true }, ['s3://b/']],
        ['options after operands (GNU order)', ['s3://b/', '-q'], { quiet: true }, ['s3://b/']],
        ['a string, separate', ['--endpoint', 'http://127.0.0.1:9000'], { endpoint: 'http://127.0.0.1:9000' }, []],
        ['a string, with =', ['--endpoint=http://h:1/?a=b'], { endpoint: 'http://h:1/?a=b' }, []],
        ['a short string, separate', ['-j', '8'], { jobs: '8' }, []],
        ['a short string, attached (-j4 is not a bundle)', ['-j4'], { jobs: '4' }, []],
        ['a value with leading zeros stays text', ['--jobs', '007'], { jobs: '007' }, []],
        ['a string given twice: the last wins', ['-j', '2', '--jobs', '3'], { jobs: '3' }, []],
        ['a repeatable option once', ['--keep', '3'], { keep: ['3'] }, []],
        ['a repeatable option thrice', ['--keep', '3', '--keep=7', '--keep', '1'], { keep: ['3', '7', '1'] }, []],
        ['a negatable option off', ['--no-verify'], { verify: false }, []],
        ['a negatable option named plainly', ['--verify'], { verify: true }, []],
        ['a long alias parses to the primary name', ['--part-size', '8M'], { 'chunk-size': '8M' }, []],
        ['a long alias with =', ['--part-size=16M'], { 'chunk-size': '16M' }, []],
        ['the primary name', ['--chunk-size', '5M'], { 'chunk-size': '5M' }, []],
        ['primary then alias: the last wins', ['--chunk-size', '5M', '--part-size', '6M'], { 'chunk-size': '6M' }, []],
        ['a bundle split as getopt does', ['-r0'], { recursive: true, null: true }, []],
        ['a bundle of three', ['-0qr', 's3://b/'], { recursive: true, null: true, quiet: true }, ['s3://b/']],
        ['-- ends options', ['-r', '--', '-q', '--jobs', '-r0'], { recursive: true }, ['-q', '--jobs', '-r0']],
        ['-- after an operand', ['a', '--', '--no-verify'], {}, ['a', '--no-verify']],
        ['a lone - is an operand (stdin)', ['-'], {}, ['-']],
        ['operands that look like numbers stay text', ['0010', '1e3', '0x1f', '1.50', '-0'], { null: true }, ['0010', '1e3', '0x1f', '1.50']],
        ['an operand after -- that looks like a number', ['--', '007'], {}, ['007']],
        ['-- with nothing after it', ['s3://b/n', '--'], {}, ['s3://b/n']],
    ];
    for (const [what, argv, flags, args] of cases) {
        (0, node_test_1.it)(`${what}: ${JSON.stringify(argv)}`, () => {
            const end = argv.indexOf('--');
            const dashed = end < 0 ? {} : { dashed: argv.slice(end + 1) };
            strict_1.default.deepEqual((0, args_1.parseArgs)(spec, argv), { flags: { ...NONE, ...flags }, args, ...dashed });
        });
    }
    const errors = [
        ['an unknown long option', ['--bogus'], 'unknown option --bogus'],
        ['an unknown long option with a value', ['--bogus=3', 'x'], 'unknown option --bogus'],
        ['an unknown short option', ['-x'], 'unknown option -x'],
        ['the first of two unknown options', ['--one', '--two'], 'unknown option --one'],
        ['--no- of an unknown option', ['--no-bogus'], 'unknown option --no-bogus'],
        ['a string option at the end', ['s3://b/', '--endpoint'], 'option --endpoint needs a value (URL)'],
        ['a string option with an empty value', ['--endpoint='], 'option --endpoint needs a value (URL)'],
        ['a short string option at the end', ['-j'], 'option --jobs needs a value (N)'],
        ['an alias at the end', ['--part-size'], 'option --chunk-size needs a value (SIZE)'],
        ['a repeatable option once without a value', ['--keep', '2', '--keep'], 'option --keep needs a value (N)'],
    ];
    for (const [what, argv, message] of errors) {
        (0, node_test_1.it)(`usage error for ${what}: "${message}"`, () => {
            strict_1.default.throws(() => (0, args_1.parseArgs)(spec, argv), (err) => {
                strict_1.default.ok(err instanceof args_1.UsageError, String(err));
                strict_1.default.equal(err.message, message);
                strict_1.default.equal(err.exitCode, 2);
                return true;
            });
        });
    }
});
(0, node_test_1.describe)('splitBundles', () => {
    const cases = [
        [['-r0'], ['-r', '-0']],
        [['-rq0', 'x'], ['-r', '-q', '-0', 'x']],
        [['-r'], ['-r']],
        [['-j4'], ['-j4']],
        [['-rj'], ['-rj']],
        [['-rx'], ['-rx']],
        [['--r0'], ['--r0']],
        [['-'], ['-']],
        [['-r0', '--', '-r0'], ['-r', '-0', '--', '-r0']],
        [['--', '-r0'], ['--', '-r0']],
        [['a', '-0r'], ['a', '-0', '-r']],
    ];
    for (const [argv, expected] of cases) {
        (0, node_test_1.it)(`${JSON.stringify(argv)} -> ${JSON.stringify(expected)}`, () => strict_1.default.deepEqual((0, args_1.splitBundles)(spec, argv), expected));
    }
});
(0, node_test_1.describe)('helpText', () => {
    (0, node_test_1.it)('prints usage, summary and aligned options; an alias shown as "(also --X)"', () => {
        strict_1.default.equal((0, args_1.helpText)(spec), [
            'Usage: demo [OPTION]... s3://BUCKET/NAME',
            '   or: demo --all --yes',
            '',
            'Do one thing to a chunk set.',
            '',
            'Options:',
            '  -r, --recursive        everything under the prefix',
            '  -0, --null             NUL-separated lists',
            '  -q, --quiet            no informational lines',
            '  -j, --jobs N           requests at once (default 4)',
            '      --endpoint URL     the S3 endpoint',
            '      --chunk-size SIZE  bytes per chunk (also --part-size)',
            '      --keep N           generations to keep',
            '      --no-verify        do not check sha256 sums',
            '',
            'See man demo for exit status and examples.',
            '',
        ].join('\n'));
    });
    (0, node_test_1.it)('starts every option help in one column, two spaces after the longest label', () => {
        const lines = (0, args_1.helpText)(spec).split('\n');
        const rows = lines.slice(lines.indexOf('Options:') + 1, lines.indexOf('Options:') + 1 + spec.options.length);
        const column = 2 + '    --chunk-size SIZE'.length + 2;
        for (const [i, row] of rows.entries()) {
            const o = spec.options[i];
            strict_1.default.equal(row.slice(column), o.help + (o.alias ? ` (also --${o.alias})` : ''), row);
            strict_1.default.match(row.slice(0, column), /^ {2}(-\S, | {4})--\S+( [A-Z]+)? +$/, row);
        }
    });
    (0, node_test_1.it)('one synopsis line has no "or:"', () => {
        const text = (0, args_1.helpText)({ name: 'one', synopsis: ['FILE'], summary: 'S.', options: [{ name: 'help', short: 'h', help: 'help' }] });
        strict_1.default.equal(text, 'Usage: one FILE\n\nS.\n\nOptions:\n  -h, --help  help\n\nSee man one for exit status and examples.\n');
    });
});
