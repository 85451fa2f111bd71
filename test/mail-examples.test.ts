import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { filterPath, runCommand } from './helpers/run';
import { startExampleMail, type ExampleMail } from './helpers/example-mail';
import { manExamples, manPage } from './helpers/docs';

// Every EXAMPLES block of man/mxprobe.1 and man/etrn.1 runs as written, in bash, with
// PIPEKIT_NAMESERVER and PIPEKIT_SMTP_PORT pointing the example names at local servers.

let mail: ExampleMail;
let work: string;

before(async () => {
  mail = await startExampleMail();
  work = mkdtempSync(join(tmpdir(), 'pipekit-mail-examples-'));
  mkdirSync(join(work, 'bin'));
  for (const name of ['mxprobe', 'etrn']) {
    const bin = join(work, 'bin', name);
    writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" "${filterPath(name)}" "$@"\n`);
    chmodSync(bin, 0o755);
  }
  writeFileSync(join(work, 'domains'), 'example.org\nexample.net\n');
});
after(async () => {
  await mail?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

function shell(script: string, port: number) {
  const env = {
    ...process.env,
    PATH: `${join(work, 'bin')}:${process.env.PATH}`,
    PIPEKIT_NAMESERVER: mail.nameserver,
    PIPEKIT_SMTP_PORT: String(port),
  };
  return runCommand('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd: work, env, timeout: 60_000 });
}

describe('man page examples run as written', () => {
  it('mxprobe(1) has examples, including a shell loop', () => {
    const examples = manExamples(manPage('mxprobe'));
    assert.ok(examples.length >= 3);
    assert.ok(examples.some((e) => /^for .*; do .*mxprobe/.test(e)));
  });

  it('etrn(1) has examples, including a shell loop and ETRN to a named server', () => {
    const examples = manExamples(manPage('etrn'));
    assert.ok(examples.some((e) => /^for .*; do .*etrn/.test(e)));
    assert.ok(examples.includes('etrn mx2.example.net example.org example.com'));
  });

  // Examples are read at load time so each gets its own test name.
  for (const example of manExamples(manPage('mxprobe'))) {
    it(`mxprobe(1): ${example}`, async () => {
      const r = await shell(example, mail.smtpPort);
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      for (const line of r.stdout.toString().split('\n').filter(Boolean)) assert.match(line, /\tok\t25\d\t(data|rcpt)\t/);
    });
  }

  for (const example of manExamples(manPage('etrn'))) {
    it(`etrn(1): ${example}`, async () => {
      const r = await shell(example, mail.postfixPort);
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      const lines = r.stdout.toString().split('\n').filter(Boolean);
      assert.ok(lines.length > 0 || example.includes('-q'));
      for (const line of lines) assert.match(line, /^mx2\.example\.net\texample\.(org|com)\t250\tQueuing started$/);
    });
  }
});
