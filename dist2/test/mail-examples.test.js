"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_fs_1 = require("node:fs");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
const node_test_1 = require("node:test");
const run_1 = require("./helpers/run");
const example_mail_1 = require("./helpers/example-mail");
const docs_1 = require("./helpers/docs");
// Every EXAMPLES block of man/mxprobe.1 and man/etrn.1 runs as written, in bash, with
// PIPEKIT_NAMESERVER and PIPEKIT_SMTP_PORT pointing the example names at local servers.
let mail;
let work;
(0, node_test_1.before)(async () => {
    mail = await (0, example_mail_1.startExampleMail)();
    work = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'pipekit-mail-examples-'));
    (0, node_fs_1.mkdirSync)((0, node_path_1.join)(work, 'bin'));
    for (const name of ['mxprobe', 'etrn']) {
        const bin = (0, node_path_1.join)(work, 'bin', name);
        (0, node_fs_1.writeFileSync)(bin, `#!/bin/sh\nexec "${process.execPath}" "${(0, run_1.filterPath)(name)}" "$@"\n`);
        (0, node_fs_1.chmodSync)(bin, 0o755);
    }
    (0, node_fs_1.writeFileSync)((0, node_path_1.join)(work, 'domains'), 'example.org\nexample.net\n');
});
(0, node_test_1.after)(async () => {
    await mail?.close();
    if (work)
        (0, node_fs_1.rmSync)(work, { recursive: true, force: true });
});
function shell(script, port) {
    const env = {
        ...process.env,
        PATH: `${(0, node_path_1.join)(work, 'bin')}:${process.env.PATH}`,
        PIPEKIT_NAMESERVER: mail.nameserver,
        PIPEKIT_SMTP_PORT: String(port),
    };
    return (0, run_1.runCommand)('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd: work, env, timeout: 60_000 });
}
(0, node_test_1.describe)('man page examples run as written', () => {
    (0, node_test_1.it)('mxprobe(1) has examples, including a shell loop', () => {
        const examples = (0, docs_1.manExamples)((0, docs_1.manPage)('mxprobe'));
        strict_1.default.ok(examples.length >= 3);
        strict_1.default.ok(examples.some((e) => /^for .*; do .*mxprobe/.test(e)));
    });
    (0, node_test_1.it)('etrn(1) has examples, including a shell loop and ETRN to a named server', () => {
        const examples = (0, docs_1.manExamples)((0, docs_1.manPage)('etrn'));
        strict_1.default.ok(examples.some((e) => /^for .*; do .*etrn/.test(e)));
        strict_1.default.ok(examples.includes('etrn mx2.example.net example.org example.com'));
    });
    // Examples are read at load time so each gets its own test name.
    for (const example of (0, docs_1.manExamples)((0, docs_1.manPage)('mxprobe'))) {
        (0, node_test_1.it)(`mxprobe(1): ${example}`, async () => {
            const r = await shell(example, mail.smtpPort);
            strict_1.default.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
            for (const line of r.stdout.toString().split('\n').filter(Boolean))
                strict_1.default.match(line, /\tok\t25\d\t(data|rcpt)\t/);
        });
    }
    for (const example of (0, docs_1.manExamples)((0, docs_1.manPage)('etrn'))) {
        (0, node_test_1.it)(`etrn(1): ${example}`, async () => {
            const r = await shell(example, mail.postfixPort);
            strict_1.default.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
            const lines = r.stdout.toString().split('\n').filter(Boolean);
            strict_1.default.ok(lines.length > 0 || example.includes('-q'));
            for (const line of lines)
                strict_1.default.match(line, /^mx2\.example\.net\texample\.(org|com)\t250\tQueuing started$/);
        });
    }
});
