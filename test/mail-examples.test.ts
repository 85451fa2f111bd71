import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDnsServer, type DnsServer } from './helpers/dns-server';
import { startPostfix, type Postfix } from './helpers/postfix';
import { filterPath, runCommand, runFilter } from './helpers/run';
import { startSmtpServers, type TestSmtpServer } from './helpers/smtp-servers';

// Every EXAMPLES block of man/mxprobe.1 and man/etrn.1 runs as written, in bash, with
// PIPEKIT_NAMESERVER and PIPEKIT_SMTP_PORT pointing the example names at local servers.
const MAN = join(__dirname, '..', '..', 'man');

/** The .EX/.EE blocks after .SH EXAMPLES, roff escapes undone. */
function manExamples(page: string): string[] {
  const text = readFileSync(join(MAN, page), 'utf8');
  const section = text.slice(text.indexOf('.SH EXAMPLES'), text.indexOf('.SH SEE ALSO'));
  return [...section.matchAll(/^\.EX\n([\s\S]*?)^\.EE$/gm)].map((m) =>
    m[1]
      .replace(/\\-/g, '-')
      .replace(/\\\(aq/g, "'")
      .replace(/\\\(dq/g, '"')
      .replace(/\\e/g, '\\')
      .trimEnd(),
  );
}

let dns: DnsServer;
let postfix: Postfix;
let smtp: TestSmtpServer[];
let smtpPort: number;
let work: string;

before(async () => {
  postfix = await startPostfix(['example.org', 'example.com']);
  // accepting exchanges on 127.0.0.1 (mx2.example.net), .2 (mx1.example.org), .3 (example.net)
  ({ port: smtpPort, servers: smtp } = await startSmtpServers([{ behaviour: 'accept' }, { behaviour: 'accept' }, { behaviour: 'accept' }], 1));
  dns = await startDnsServer({
    'example.org': { mx: [[10, 'mx1.example.org'], [20, 'mx2.example.net']] },
    'example.com': { mx: [[10, 'mx1.example.org'], [20, 'mx2.example.net']] },
    'example.net': { a: ['127.0.0.3'] },
    'mx1.example.org': { a: ['127.0.0.2'] },
    'mx2.example.net': { a: ['127.0.0.1'] },
  });
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
  await Promise.all((smtp ?? []).map((s) => s.close()));
  await dns?.close();
  await postfix?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

function shell(script: string, port: number) {
  const env = {
    ...process.env,
    PATH: `${join(work, 'bin')}:${process.env.PATH}`,
    PIPEKIT_NAMESERVER: dns.nameserver,
    PIPEKIT_SMTP_PORT: String(port),
  };
  return runCommand('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd: work, env, timeout: 60_000 });
}

describe('man pages document every option --help lists', () => {
  for (const name of ['mxprobe', 'etrn']) {
    it(`${name}(1) OPTIONS has every option of ${name} --help`, async () => {
      const help = (await runFilter(name, ['--help'])).stdout.toString();
      const options = [...help.matchAll(/^\s+(?:-(\w), )?\s*--([\w-]+)/gm)];
      assert.ok(options.length >= 10);
      const page = readFileSync(join(MAN, `${name}.1`), 'utf8');
      const section = page.slice(page.indexOf('.SH OPTIONS'), page.indexOf('.SH EXIT STATUS'));
      for (const [, short, long] of options) {
        assert.ok(section.includes(`\\-\\-${long.replace(/-/g, '\\-')}`), `--${long} missing from ${name}(1)`);
        if (short) assert.ok(section.includes(`\\-${short}`), `-${short} missing from ${name}(1)`);
      }
    });
  }
});

describe('man page examples run as written', () => {
  it('mxprobe(1) has examples, including a shell loop', () => {
    const examples = manExamples('mxprobe.1');
    assert.ok(examples.length >= 3);
    assert.ok(examples.some((e) => /^for .*; do .*mxprobe/.test(e)));
  });

  it('etrn(1) has examples, including a shell loop and ETRN to a named server', () => {
    const examples = manExamples('etrn.1');
    assert.ok(examples.some((e) => /^for .*; do .*etrn/.test(e)));
    assert.ok(examples.includes('etrn mx2.example.net example.org example.com'));
  });

  // Examples are read at load time so each gets its own test name.
  for (const example of manExamples('mxprobe.1')) {
    it(`mxprobe(1): ${example}`, async () => {
      const r = await shell(example, smtpPort);
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      for (const line of r.stdout.toString().split('\n').filter(Boolean)) assert.match(line, /\tok\t25\d\t(data|rcpt)\t/);
    });
  }

  for (const example of manExamples('etrn.1')) {
    it(`etrn(1): ${example}`, async () => {
      const r = await shell(example, postfix.port);
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      const lines = r.stdout.toString().split('\n').filter(Boolean);
      assert.ok(lines.length > 0 || example.includes('-q'));
      for (const line of lines) assert.match(line, /^mx2\.example\.net\texample\.(org|com)\t250\tQueuing started$/);
    });
  }
});
