"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const node_fs_1 = require("node:fs");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
const run_1 = require("./helpers/run");
const docs_1 = require("./helpers/docs");
/**
 * `make install PREFIX=...` as a user runs it (with the build already done: `-o build`,
 * so the suite's own dist/ is not rewritten under the other test files), then every
 * filter from the installed bin/ in another directory, its man page through MANPATH,
 * and `make uninstall`.
 */
(0, node_test_1.describe)('make install PREFIX=', () => {
    const prefix = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'pipekit-prefix-'));
    const elsewhere = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'pipekit-elsewhere-'));
    (0, node_test_1.after)(() => {
        (0, node_fs_1.rmSync)(prefix, { recursive: true, force: true });
        (0, node_fs_1.rmSync)(elsewhere, { recursive: true, force: true });
    });
    (0, node_test_1.it)('installs every filter, with its dependencies and man page, and uninstalls them', async () => {
        const pkg = require((0, node_path_1.join)(docs_1.ROOT, 'package.json'));
        const install = await (0, run_1.runCommand)('make', ['-o', 'build', 'install', `PREFIX=${prefix}`], { cwd: docs_1.ROOT, timeout: 300_000 });
        strict_1.default.equal(install.code, 0, install.stderr);
        strict_1.default.doesNotMatch(install.stdout.toString(), /tsc/, 'the build was not redone');
        const env = { ...process.env, PATH: `${(0, node_path_1.join)(prefix, 'bin')}:${process.env.PATH}`, MANPATH: (0, node_path_1.join)(prefix, 'share', 'man'), MANPAGER: 'cat' };
        for (const name of (0, docs_1.filterNames)()) {
            const v = await (0, run_1.runCommand)(name, ['--version'], { cwd: elsewhere, env });
            strict_1.default.equal(v.stdout.toString(), `${name} ${pkg.version}\n`, `${name}: ${v.stderr}`);
            const man = await (0, run_1.runCommand)('man', [name], { cwd: elsewhere, env: { ...env, MANWIDTH: '80' } });
            strict_1.default.equal(man.code, 0, man.stderr);
            strict_1.default.match(man.stdout.toString(), new RegExp(`^${name.toUpperCase()}\\(1\\)`));
        }
        strict_1.default.ok(!(0, node_fs_1.existsSync)((0, node_path_1.join)(prefix, 'lib', 'pipekit', 'node_modules', 'typescript')), 'no dev dependencies installed');
        const uninstall = await (0, run_1.runCommand)('make', ['-o', 'build', 'uninstall', `PREFIX=${prefix}`], { cwd: docs_1.ROOT });
        strict_1.default.equal(uninstall.code, 0, uninstall.stderr);
        for (const name of (0, docs_1.filterNames)())
            strict_1.default.ok(!(0, node_fs_1.existsSync)((0, node_path_1.join)(prefix, 'bin', name)));
        strict_1.default.ok(!(0, node_fs_1.existsSync)((0, node_path_1.join)(prefix, 'lib', 'pipekit')));
    });
});
