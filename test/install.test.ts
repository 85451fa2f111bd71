import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from './helpers/run';
import { ROOT, filterNames } from './helpers/docs';

/**
 * `make install PREFIX=...` as a user runs it (with the build already done: `-o build`,
 * so the suite's own dist/ is not rewritten under the other test files), then every
 * filter from the installed bin/ in another directory, its man page through MANPATH,
 * and `make uninstall`.
 */
describe('make install PREFIX=', () => {
  const prefix = mkdtempSync(join(tmpdir(), 'pipekit-prefix-'));
  const elsewhere = mkdtempSync(join(tmpdir(), 'pipekit-elsewhere-'));
  after(() => {
    rmSync(prefix, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  });

  it('installs every filter, with its dependencies and man page, and uninstalls them', async () => {
    const pkg = require(join(ROOT, 'package.json')) as { version: string };
    const install = await runCommand('make', ['-o', 'build', 'install', `PREFIX=${prefix}`], { cwd: ROOT, timeout: 300_000 });
    assert.equal(install.code, 0, install.stderr);
    assert.doesNotMatch(install.stdout.toString(), /tsc/, 'the build was not redone');
    const env = { ...process.env, PATH: `${join(prefix, 'bin')}:${process.env.PATH}`, MANPATH: join(prefix, 'share', 'man'), MANPAGER: 'cat' };
    for (const name of filterNames()) {
      const v = await runCommand(name, ['--version'], { cwd: elsewhere, env });
      assert.equal(v.stdout.toString(), `${name} ${pkg.version}\n`, `${name}: ${v.stderr}`);
      const man = await runCommand('man', [name], { cwd: elsewhere, env: { ...env, MANWIDTH: '80' } });
      assert.equal(man.code, 0, man.stderr);
      assert.match(man.stdout.toString(), new RegExp(`^${name.toUpperCase()}\\(1\\)`));
    }
    assert.ok(!existsSync(join(prefix, 'lib', 'pipekit', 'node_modules', 'typescript')), 'no dev dependencies installed');
    const uninstall = await runCommand('make', ['-o', 'build', 'uninstall', `PREFIX=${prefix}`], { cwd: ROOT });
    assert.equal(uninstall.code, 0, uninstall.stderr);
    for (const name of filterNames()) assert.ok(!existsSync(join(prefix, 'bin', name)));
    assert.ok(!existsSync(join(prefix, 'lib', 'pipekit')));
  });
});
