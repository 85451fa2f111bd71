import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { runCommand, runFilter, stderrLines, type RunResult } from './helpers/run';
import { readSet, s3Env, startS3rver, storeSet, testClient, type S3TestServer } from './helpers/s3';
import { startExampleMail, type ExampleMail } from './helpers/example-mail';
import { seededBytes } from './helpers/data';
import { MANIFEST_FORMAT, chunkKey, generationManifestKey, manifestKey, newGeneration, type Manifest } from '../lib/s3/layout';
import { parseAwsIni } from '../lib/s3/aws-config';
import { listGenerations } from '../lib/s3/generations';
import { parseS3storeConfig } from '../lib/s3/client';
import { BIN, ROOT, comparableOutput, filterNames, helpOptions, manExamples, manOptions, manPage, manSections, markdownBlocks, markdownFiles, readNote } from './helpers/docs';

const REQUIRED = ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'EXIT STATUS', 'ENVIRONMENT', 'EXAMPLES', 'SEE ALSO'];
const FILTERS = filterNames();

describe('every filter is documented the same way', () => {
  it('package.json lists the nine filters, each with a man page', () => {
    assert.deepEqual(FILTERS, ['etrn', 'mxprobe', 'randfs', 's3ls', 's3mb', 's3put', 's3rm', 's3sink', 's3source']);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { man: string[] };
    assert.deepEqual([...pkg.man].sort(), FILTERS.map((n) => `man/${n}.1`));
  });

  for (const name of FILTERS) {
    describe(name, () => {
      // One --help run for the two checks of its output.
      let helpRun: Promise<RunResult> | undefined;
      const help = () => (helpRun ??= runFilter(name, ['--help']));

      it(`${name}(1) has ${REQUIRED.join(', ')} in that order`, () => {
        const sections = manSections(manPage(name)).filter((s) => REQUIRED.includes(s));
        assert.deepEqual(sections, REQUIRED);
      });

      it(`${name}(1) lints clean (groff -ww -z -man) and renders with man -l`, async () => {
        const page = join(ROOT, 'man', `${name}.1`);
        const lint = await runCommand('groff', ['-ww', '-z', '-man', page]);
        assert.equal(lint.code, 0, lint.stderr);
        assert.equal(lint.stderr, '');
        const shown = await runCommand('man', ['-l', page], { env: { ...process.env, MANPAGER: 'cat', MANWIDTH: '80' } });
        assert.equal(shown.code, 0, shown.stderr);
        assert.match(shown.stdout.toString(), new RegExp(`^${name.toUpperCase()}\\(1\\)`));
      });

      it(`${name} --help lists exactly the options of ${name}(1)`, async () => {
        const r = await help();
        assert.equal(r.code, 0);
        assert.equal(r.stderr, '');
        const options = helpOptions(r.stdout.toString());
        assert.ok(options.includes('help') && options.includes('version'));
        assert.deepEqual(manOptions(manPage(name)), options);
      });

      it(`${name} --help synopsis matches the man page SYNOPSIS`, async () => {
        assert.match((await help()).stdout.toString(), new RegExp(`^Usage: ${name} `));
        assert.ok(manPage(name).includes(`.B ${name}`), 'SYNOPSIS names the filter');
      });

      it(`${name} --version prints its name and the package version`, async () => {
        const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
        const r = await runFilter(name, ['--version']);
        assert.equal(r.code, 0);
        assert.equal(r.stdout.toString(), `${name} ${pkg.version}\n`);
      });

      it(`${name} rejects an unknown option with exit 2 and one line`, async () => {
        const r = await runFilter(name, ['--no-such-option'], { input: '' });
        assert.equal(r.code, 2);
        assert.equal(r.stderr, `${name}: unknown option --no-such-option; see ${name} --help\n`);
      });
    });
  }
});

/**
 * The README's examples, and those of s3sink(1) and s3source(1), run as written in bash
 * against local servers: s3rver for s3://backup, a dns2 server and SMTP servers for the
 * example.* domains (PIPEKIT_NAMESERVER, PIPEKIT_SMTP_PORT), Postfix for ETRN, FUSE for
 * randfs, and an `ssh` that runs the remote command here.
 */
describe('documentation examples run as written', () => {
  let s3: S3TestServer;
  let mail: ExampleMail;
  let work: string;
  let env: NodeJS.ProcessEnv;
  let awsFilesEnv: NodeJS.ProcessEnv;

  before(async () => {
    s3 = await startS3rver();
    const client = testClient(s3);
    for (const bucket of ['backup']) await client.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const key of ['old/a', 'old/b/c', 'tmp/x', 'tmp/y z']) {
      await client.send(new PutObjectCommand({ Bucket: 'backup', Key: key, Body: key }));
    }
    mail = await startExampleMail();

    work = mkdtempSync(join(tmpdir(), 'pipekit-docs-'));
    for (let i = 0; i < 6; i++) {
      mkdirSync(join(work, 'www', `d${i % 2}`), { recursive: true });
      writeFileSync(join(work, 'www', `d${i % 2}`, `page ${i}.html`), seededBytes(1000 * i + 1, i));
    }
    mkdirSync(join(work, 'home', 'ann'), { recursive: true });
    writeFileSync(join(work, 'home', 'ann', 'notes.txt'), 'notes\n');
    writeFileSync(join(work, 'domains'), 'example.org\nexample.net\n');
    writeFileSync(join(work, 'db.dump'), seededBytes(64 * 1024 + 5, 99));
    // The files the README shows (~/.aws/config, ~/.aws/credentials, s3store.ini), as it
    // shows them but with this server's keys, and in ~/.aws/config its endpoint_url: the
    // README's profile names AWS, which the suite cannot reach. ~ is the work directory.
    for (const [path, text] of markdownFiles(blocks)) {
      let body = text
        .replace(/^(aws_access_key_id\s*[:=]\s*).*$/gm, `$1${s3.accessKeyId}`)
        .replace(/^(aws_secret_access_key\s*[:=]\s*).*$/gm, `$1${s3.secretAccessKey}`);
      if (path === '~/.aws/config') {
        body = body.replace(/^endpoint_url\s*=.*\n/gm, '').replace(/^\[.*\]\n/gm, (head) => `${head}endpoint_url = ${s3.endpoint}\n`);
      }
      const file = join(work, path.replace(/^~\//, ''));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, body);
      chmodSync(file, 0o600);
    }
    // `require('pipekit')` from the example resolves to this repository.
    mkdirSync(join(work, 'node_modules'));
    symlinkSync(ROOT, join(work, 'node_modules', 'pipekit'));
    const shims = join(work, '.shims');
    mkdirSync(shims);
    writeFileSync(join(shims, 'ssh'), '#!/bin/sh\n# ssh HOST COMMAND: run COMMAND here\nshift\nexec sh -c "$*"\n', { mode: 0o755 });
    env = s3Env(s3, s3.endpoint, {
      PATH: `${BIN}:${shims}:${process.env.PATH ?? ''}`,
      PIPEKIT_NAMESERVER: mail.nameserver,
    });
    // For blocks noted `as ~/.aws`: the profile alone says where and who, as on a desk
    // with only ~/.aws set up.
    const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, AWS_ENDPOINT_URL: _endpoint, AWS_REGION: _region, ...rest } = env;
    awsFilesEnv = {
      ...rest,
      HOME: work,
      AWS_CONFIG_FILE: join(work, '.aws', 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(work, '.aws', 'credentials'),
    };
  });

  after(async () => {
    if (work) await runCommand('fusermount', ['-u', '-z', join(work, 'tmp', 'rand')]);
    await mail?.close();
    await s3?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  function shell(script: string, base: NodeJS.ProcessEnv = env) {
    // The SMTP port stands in for 25: Postfix for ETRN examples, smtp-server for the rest.
    const port = /\betrn\b/.test(script) ? mail.postfixPort : mail.smtpPort;
    // /tmp/… in an example is this suite's own: CI runs two suites at once, and two
    // mounts of /tmp/rand collide.
    mkdirSync(join(work, 'tmp'), { recursive: true });
    const local = script.replace(/(?<![\w./])\/tmp\//g, `${work}/tmp/`);
    return runCommand('bash', ['-e', '-c', `${local}\nwait`], {
      cwd: work,
      env: { ...base, PIPEKIT_SMTP_PORT: String(port) },
      timeout: 90_000,
    });
  }

  /** A block written for MinIO (its default address and keys), pointed at this suite's server. */
  function onLocalServer(script: string): string {
    return script
      .replaceAll('http://127.0.0.1:9000', s3.endpoint)
      .replaceAll('AWS_SECRET_ACCESS_KEY=minioadmin', `AWS_SECRET_ACCESS_KEY=${s3.secretAccessKey}`)
      .replaceAll('minioadmin', s3.accessKeyId);
  }

  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const blocks = markdownBlocks(readme);

  it('the README has a shell example for every filter', () => {
    const shellCode = blocks.filter((b) => b.lang === 'sh').map((b) => b.code).join('\n');
    for (const name of FILTERS) assert.match(shellCode, new RegExp(`\\b${name}\\b`), `README has no example of ${name}`);
  });

  it('README: the files it shows parse as the filters read them (~/.aws/config, ~/.aws/credentials, s3store.ini)', () => {
    const files = markdownFiles(blocks);
    assert.deepEqual([...files.keys()].sort(), ['s3store.ini', '~/.aws/config', '~/.aws/credentials']);
    const profile = parseAwsIni(files.get('~/.aws/config')!, true).get('backup');
    assert.ok(profile?.region, 'profile backup with a region');
    const keys = parseAwsIni(files.get('~/.aws/credentials')!, false).get('backup');
    assert.ok(keys?.aws_access_key_id && keys.aws_secret_access_key, 'keys of profile backup');
    const ini = parseS3storeConfig(files.get('s3store.ini')!);
    assert.ok(ini.accessKeyId && ini.secretAccessKey, 's3store.ini has both keys');
    assert.equal(ini.bucket, 'backup');
  });

  it('README: every output it shows follows the block that prints it', () => {
    blocks.forEach((b, i) => {
      if (b.lang === 'text' && readNote(b.note).isOutput) assert.equal(blocks[i - 1]?.lang, 'sh', b.code.split('\n')[0]);
    });
  });

  blocks.forEach((block, i) => {
    if (block.lang !== 'sh' || block.code.includes('make demo')) return;
    const note = readNote(block.note);
    const title = block.code.split('\n')[0];
    if (!note.run) {
      // It needs AWS or a tool make test does not install: only its shell syntax is checked here.
      it(`README (not run: ${note.why}): ${title}`, async () => {
        const r = await runCommand('bash', ['-n', '-c', block.code]);
        assert.equal(r.code, 0, r.stderr);
      });
      return;
    }
    const next = blocks[i + 1];
    const output = next?.lang === 'text' && readNote(next.note).isOutput ? next.code : undefined;
    it(`README: ${title}`, async () => {
      const r = await shell(note.substitute ? onLocalServer(block.code) : block.code, note.awsFiles ? awsFilesEnv : env);
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      if (output !== undefined) assert.equal(comparableOutput(r.stdout.toString()), comparableOutput(output), 'the output the README shows');
    });
  });

  for (const server of ['s3rver', 'rgw']) {
    it(`README: SERVER=${server} make demo (its script, test/demo.sh, on a small directory)`, async () => {
      const r = await runCommand('bash', ['test/demo.sh'], { cwd: ROOT, env: { ...process.env, DEMO_DIR: 'lib', SERVER: server }, timeout: 180_000 });
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout.toString(), /identical: the round trip is byte-for-byte/);
    });
  }

  it('README: the library example stores and restores db.dump', async () => {
    const js = blocks.find((b) => b.lang === 'js');
    assert.ok(js, 'README has a js example');
    writeFileSync(join(work, 'example.js'), js.code);
    const r = await runCommand(process.execPath, ['example.js'], { cwd: work, env });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.equals(readFileSync(join(work, 'db.dump'))), 'restored bytes differ');
  });

  it('README: examples/nightly-backup.sh, shown verbatim, backs up, keeps its policy, checks and restores last Tuesday', async () => {
    const scriptPath = join(ROOT, 'examples', 'nightly-backup.sh');
    const script = readFileSync(scriptPath, 'utf8');
    assert.ok(blocks.some((b) => b.lang === 'bash' && b.code === script), 'the README shows examples/nightly-backup.sh verbatim');
    const client = testClient(s3);
    const name = 'nightly';
    const url = `s3://backup/${name}`;
    const src = join(work, 'nightly-src');
    mkdirSync(join(src, 'sub'), { recursive: true });
    writeFileSync(join(src, 'index.html'), seededBytes(4000, 7));
    writeFileSync(join(src, 'sub', 'notes.txt'), 'nightly\n');

    // Earlier nights, stored as s3sink stores them but dated then (GEN id and manifest):
    // each holds a one-file archive naming its night.
    const earlierNight = async (when: Date, label: string): Promise<string> => {
      const dir = mkdtempSync(join(work, 'night-'));
      writeFileSync(join(dir, 'night.txt'), `${label}\n`);
      const body = (await runCommand('tar', ['czf', '-', '-C', dir, '.'])).stdout;
      const generation = newGeneration(when, randomBytes(4).toString('hex'));
      const sha256 = createHash('sha256').update(body).digest('hex');
      const key = chunkKey(name, generation, 0);
      const manifest: Manifest = {
        format: MANIFEST_FORMAT,
        name,
        generation,
        chunkSize: 8 * 2 ** 20,
        chunks: [{ key, size: body.length, sha256 }],
        size: body.length,
        sha256,
        created: new Date(when.getTime() + 40_000).toISOString(),
      };
      await client.send(new PutObjectCommand({ Bucket: 'backup', Key: key, Body: body }));
      for (const k of [generationManifestKey(name, generation), manifestKey(name)]) {
        await client.send(new PutObjectCommand({ Bucket: 'backup', Key: k, Body: JSON.stringify(manifest), ContentType: 'application/json' }));
      }
      return generation;
    };
    const DAY = 86_400_000;
    const midnight = Math.floor(Date.now() / DAY) * DAY; // UTC, as retention and `date -u` count days
    const toTuesday = (new Date(midnight).getUTCDay() + 5) % 7 || 7; // as `date -d 'last tuesday'`: 1 to 7 days back
    const at = (days: number, hours: number) => new Date(midnight - days * DAY + hours * 3_600_000);
    const fortyDays = await earlierNight(at(40, 2.5), 'forty days ago');
    const tenDaysFirst = await earlierNight(at(10, 1), 'ten days ago, first');
    const tenDaysAgain = await earlierNight(at(10, 3), 'ten days ago, again');
    const tuesday = await earlierNight(at(toTuesday, 2.5), 'last Tuesday');

    const nightly = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
      runCommand('bash', [scriptPath, ...args], { cwd: work, env: { ...env, BACKUP_URL: url, BACKUP_DIR: src, ...extra }, timeout: 90_000 });
    // s3ls --generations's columns (GEN CREATED SIZE CHUNKS SHA256 current|-), from the
    // manifests as the library lists them: the script runs s3ls --generations itself.
    const generations = async () =>
      (await listGenerations(client, 'backup', name)).map(({ manifest: m, current }) => [m.generation, m.created, String(m.size), String(m.chunks.length), m.sha256, current ? 'current' : '-']);
    const today = String(new Date().getDay() || 7); // the script's `date +%u`
    const notToday = String((Number(today) % 7) + 1);

    // Tonight, not the check day: silent. The daily rule keeps one per day, so the earlier
    // of the two generations ten days ago goes; the oldest stays (a rule with counts left).
    const first = await nightly([], { BACKUP_CHECK_DAY: notToday });
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(stderrLines(first), []);
    const afterFirst = await generations();
    assert.deepEqual(afterFirst.slice(1).map((g) => g[0]), [tuesday, tenDaysAgain, fortyDays]);
    assert.equal(afterFirst[0][5], 'current');
    assert.ok(!afterFirst.some((g) => g[0] === tenDaysFirst));

    // Again tonight, on the check day: the day's newest replaces the first, and every kept
    // generation is read back, one `ok` line each.
    const second = await nightly([], { BACKUP_CHECK_DAY: today });
    assert.equal(second.code, 0, second.stderr);
    const gens = await generations();
    assert.equal(gens.length, 4);
    assert.notEqual(gens[0][0], afterFirst[0][0]);
    assert.deepEqual(gens.slice(1).map((g) => g[0]), [tuesday, tenDaysAgain, fortyDays]);
    assert.deepEqual(second.stderr.trim().split('\n'), gens.map((g) => `ok ${g[0]} ${g[2]} ${g[3]}`));

    // A failed night commits nothing and keeps every copy: a missing directory (tar exits 2),
    // an empty one (an unmounted disk: shorter than BACKUP_MIN_SIZE).
    const missing = await nightly([], { BACKUP_DIR: join(work, 'nightly-missing'), BACKUP_CHECK_DAY: notToday });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^s3sink: not committed: tar exited 2$/m);
    mkdirSync(join(work, 'nightly-empty'));
    const empty = await nightly([], { BACKUP_DIR: join(work, 'nightly-empty'), BACKUP_CHECK_DAY: notToday });
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /^s3sink: not committed: the stream is \d+ bytes, shorter than the minimum of 1024$/m);
    assert.deepEqual(await generations(), gens);

    // The newest holds byte for byte the tar of the directory, compressed (read with the
    // library s3source runs: the script's restores below run s3source itself).
    const newest = await readSet(client, 'backup', name);
    const tar = await runCommand('tar', ['cf', '-', '-C', src, '.']);
    assert.ok(gunzipSync(newest).equals(tar.stdout), 'the stored archive differs from tar of the directory');
    const restored = join(work, 'nightly-today');
    const r = await nightly(['restore', 'today', restored]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(stderrLines(r), [`nightly-backup: restoring ${gens[0][0]} into ${restored}`]);
    for (const f of ['index.html', 'sub/notes.txt']) assert.ok(readFileSync(join(restored, f)).equals(readFileSync(join(src, f))), f);

    // Last Tuesday's copy, found by its date in s3ls --generations.
    const tue = join(work, 'nightly-tuesday');
    const t = await nightly(['restore', 'last tuesday', tue]);
    assert.equal(t.code, 0, t.stderr);
    assert.deepEqual(stderrLines(t), [`nightly-backup: restoring ${tuesday} into ${tue}`]);
    assert.equal(readFileSync(join(tue, 'night.txt'), 'utf8'), 'last Tuesday\n');
    const before = await nightly(['restore', '60 days ago', join(work, 'nightly-none')]);
    assert.equal(before.code, 1);
    assert.match(before.stderr, /^nightly-backup: no generation of s3:\/\/backup\/nightly from \d{4}-\d\d-\d\d or before$/m);
  });

  describe('the examples of s3sink(1) and s3source(1)', () => {
    // They read s3://backup/www and the s3store tag bob, as s3sink(1)'s examples write them
    // (`tar czf - www | s3sink ...`): stored once, here, by the library s3sink runs. No
    // example removes either (s3rm --prune keeps one), so each starts with both committed,
    // as the check before it says.
    let client: S3Client;
    before(async () => {
      client = testClient(s3);
      const tar = await runCommand('tar', ['czf', '-', 'www'], { cwd: work });
      assert.equal(tar.code, 0, tar.stderr);
      for (const name of ['www', 'bob']) await storeSet(client, 'backup', name, tar.stdout);
    });
    beforeEach(async () => {
      for (const key of ['www/MANIFEST', 'bob/MANIFEST']) {
        await client.send(new HeadObjectCommand({ Bucket: 'backup', Key: key })).catch((err: Error) => assert.fail(`s3://backup/${key} before the example: ${err.name}`));
      }
    });

    for (const name of ['s3sink', 's3source']) {
      for (const example of manExamples(manPage(name))) {
        it(`${name}(1): ${example.split('\n').at(-1)}`, async () => {
          const r = await shell(example);
          assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
        });
      }
    }
  });
});
