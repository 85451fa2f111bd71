import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readContent, RandTree } from '../lib/fuse/randfs';
import { filterPath, runCommand, runFilter, stderrLines, type RunResult } from './helpers/run';
import { cleanup, isMounted, serves, startRandfs, tempDir, type RandfsProcess } from './helpers/mount';
import { waitFor } from './helpers/wait';
import { manExamples, manPage } from './helpers/docs';

// Every touch of a mount is a child process; the test process only reads /proc/mounts.
const sh = (script: string, cwd?: string) => runCommand('sh', ['-c', script], { cwd, timeout: 60_000 });
const out = (r: RunResult) => r.stdout.toString();

async function mountpoint(name: string): Promise<string> {
  const dir = join(await tempDir(), name);
  await mkdir(dir);
  return dir;
}

after(cleanup);

/** A node script in a child that mounts `dir` itself (the test process never touches a mount), its output gathered as it comes. */
function spawnMountScript(script: string, dir: string, cwd?: string) {
  const child = spawn(process.execPath, ['-e', script, dir], { stdio: ['ignore', 'pipe', 'pipe'], cwd });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (c: Buffer) => (output.stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output.stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, output, exited };
}

describe('randfs mounted: determinism', () => {
  const shape = ['--fanout', '3', '--files', '2', '--max-depth', '3', '--file-size', '0-20K'];
  let a: RandfsProcess;
  let b: RandfsProcess;
  let c: RandfsProcess;

  before(async () => {
    [a, b, c] = await Promise.all([
      startRandfs(await mountpoint('a'), ['--seed', 'same', ...shape]),
      startRandfs(await mountpoint('b'), ['--seed', 'same', ...shape]),
      startRandfs(await mountpoint('c'), ['--seed', 'other', ...shape]),
    ]);
  });
  after(async () => {
    for (const p of [a, b, c]) if (p) assert.equal((await p.stop()).code, 0);
  });

  // Each command runs inside the mount so outputs name no mountpoint.
  const commands: Record<string, string> = {
    ls: 'ls -la --time-style=+%s "$(ls | head -1)"',
    stat: 'stat -c "%n %i %s %b %Y %h %f" * */*',
    find: 'find . -maxdepth 3 -printf "%p %y %i %s %T@\\n"',
    du: 'du --max-depth=2 . && du -s -b .',
    tar: 'tar cf - . | tar tvf -',
    sha256sum: 'find . -maxdepth 2 -type f -exec sha256sum {} +',
  };

  for (const [name, script] of Object.entries(commands)) {
    it(`${name}: same output for the same seed, different for another`, async () => {
      const [ra, rb, rc] = await Promise.all([a, b, c].map((p) => sh(script, p.mountpoint)));
      for (const r of [ra, rb, rc]) assert.equal(r.code, 0, r.stderr);
      assert.ok(out(ra).length > 0);
      assert.equal(out(ra), out(rb));
      assert.notEqual(out(ra), out(rc));
    });
  }

  it('find sees the whole shape: 3 + 9 + 27 directories, 2 files in each of 40', async () => {
    const dirs = await sh('find . -mindepth 1 -type d | wc -l', a.mountpoint);
    const files = await sh('find . -type f | wc -l', a.mountpoint);
    assert.equal(out(dirs).trim(), '39');
    assert.equal(out(files).trim(), '80');
  });

  it('lists . and .. in every directory', async () => {
    const root = await runCommand('ls', ['-a', a.mountpoint]);
    assert.deepEqual(out(root).split('\n').slice(0, 2), ['.', '..']);
    const sub = await sh('ls -a "$(ls -p | grep / | head -1)"', a.mountpoint);
    assert.deepEqual(out(sub).split('\n').slice(0, 2), ['.', '..']);
    const inodes = await sh('d=$(ls -p | grep / | head -1); stat -c %i . "$d/.." "$d" "$d/."', a.mountpoint);
    const [rootIno, parentIno, dIno, dotIno] = out(inodes).trim().split('\n');
    assert.equal(rootIno, '1');
    assert.equal(parentIno, rootIno);
    assert.equal(dotIno, dIno);
  });

  it('serves the bytes of the tree model, the same at odd offsets as whole', async () => {
    const tree = new RandTree({ seed: 'same', fanout: 3, files: 2, maxDepth: 3, fileSize: { min: 0, max: 20 * 1024 } });
    const file = tree
      .list('/')!
      .map((l) => l.entry)
      .find((e) => e.kind === 'file' && e.size > 9000)!;
    assert.ok(file, 'a file over 9000 bytes at the root');
    const path = a.mountpoint + file.path;
    const whole = (await runCommand('cat', [path])).stdout;
    assert.equal(whole.length, file.size);
    assert.deepEqual(whole, readContent('same', file.path, file.size, 0, file.size));
    for (const [offset, count] of [[1, 1], [7, 4096], [4095, 3], [4097, 5000], [file.size - 3, 10]]) {
      const r = await runCommand('dd', [`if=${path}`, 'bs=65536', `skip=${offset}`, `count=${count}`, 'iflag=skip_bytes,count_bytes', 'status=none']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.stdout, whole.subarray(offset, offset + count), `offset ${offset}`);
    }
    const direct = await runCommand('dd', [`if=${path}`, 'bs=4096', 'skip=1', 'count=1', 'iflag=direct', 'status=none']);
    if (direct.code === 0) assert.deepEqual(direct.stdout, whole.subarray(4096, 8192));
  });
});

describe('randfs mounted: read-only', () => {
  let fs: RandfsProcess;
  let log: string;
  before(async () => {
    log = join(await tempDir(), 'faults.log');
    fs = await startRandfs(await mountpoint('ro'), ['--max-depth', '2', '--log', log]);
  });
  after(async () => assert.equal((await fs.stop()).code, 0));

  const attempts: Record<string, string> = {
    write: 'echo x > "$(ls -p | grep -v / | head -1)"',
    append: 'echo x >> "$(ls -p | grep -v / | head -1)"',
    create: 'touch newfile',
    truncate: 'truncate -s 0 "$(ls -p | grep -v / | head -1)"',
    mkdir: 'mkdir newdir',
    rmdir: 'rmdir "$(ls -p | grep / | head -1)"',
    unlink: 'rm -f "$(ls -p | grep -v / | head -1)"',
    rename: 'mv "$(ls | head -1)" renamed',
    chmod: 'chmod 777 "$(ls | head -1)"',
    symlink: 'ln -s x link',
    utimens: 'touch -d 2001-01-01 "$(ls | head -1)"',
  };
  for (const [op, script] of Object.entries(attempts)) {
    it(`${op} fails with EROFS and the mount keeps serving`, async () => {
      const r = await sh(script, fs.mountpoint);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /Read-only file system/);
      assert.ok(await serves(fs.mountpoint));
      assert.equal((await sh('ls | wc -l', fs.mountpoint)).stdout.toString().trim(), '8');
    });
  }

  it('logged nothing: EROFS is an answer, not a fault', async () => {
    assert.equal(await readFile(log, 'utf8'), '');
  });
});

describe('randfs mounted: injected errors', () => {
  it('--inject-errors 0.2 (= --fault *=EIO@0.2) keeps serving a find over 11,110 entries; one log record per fault', async () => {
    const log = join(await tempDir(), 'faults.log');
    // 10 + 100 + 1000 + 10000 directories.
    const fs = await startRandfs(await mountpoint('faulty'), ['--fanout', '10', '--files', '0', '--max-depth', '4', '--inject-errors', '0.2', '--log', log]);
    // One operation in five fails (and with caching off, every stat is one), so a find
    // often dies near the root: run it again (as a crawler would; each run meets other
    // occurrences) until the runs together have seen 1000 entries.
    const seen = new Set<string>();
    let runs = 0;
    let eio = 0;
    while (seen.size < 1000 && runs < 300) {
      const find = await runCommand('find', [fs.mountpoint], { timeout: 120_000 });
      runs++;
      assert.equal(find.code, 1, 'every find meets a fault');
      if (/Input\/output error/.test(find.stderr)) eio++;
      for (const line of out(find).split('\n')) if (line) seen.add(line);
    }
    assert.ok(seen.size >= 1000, `${runs} finds saw ${seen.size} entries`);
    assert.equal(eio, runs, 'every find reported EIO');
    // Still mounted, still answering (each try fails with probability 0.2).
    assert.ok(await isMounted(fs.mountpoint));
    await waitFor(() => serves(fs.mountpoint), 10_000, 'a stat to get through');
    const exit = await fs.stop();
    assert.equal(exit.code, 0, exit.stderr);
    const m = /^randfs: delivered (.*); 0 operations failed$/m.exec(exit.stderr);
    assert.ok(m, exit.stderr);
    const counted = m[1].split(', ').reduce((sum, part) => sum + Number(/ (\d+)$/.exec(part)![1]), 0);
    const records = (await readFile(log, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(records.length, counted);
    assert.ok(records.length > 100);
    for (const r of records) {
      assert.equal(r.kind, 'fault');
      assert.equal(r.errno, 'EIO');
      assert.equal(r.rule, '*=EIO@0.2');
      assert.equal(typeof r.op, 'string');
      assert.equal(typeof r.path, 'string');
      assert.ok(Number.isInteger(r.n));
    }
    assert.ok(new Set(records.map((r) => r.op)).has('getattr'));
  });

  it('without faults the same find sees all 11,110 entries', async () => {
    const fs = await startRandfs(await mountpoint('whole'), ['--fanout', '10', '--files', '0', '--max-depth', '4']);
    const find = await runCommand('find', [fs.mountpoint, '-mindepth', '1'], { timeout: 120_000 });
    assert.equal(find.code, 0, find.stderr);
    assert.equal(out(find).trim().split('\n').length, 11_110);
    assert.equal((await fs.stop()).code, 0);
  });
});

describe('randfs mounted: chaos', () => {
  it('changes names on every listing; listed names can be stat-ed', async () => {
    const fs = await startRandfs(await mountpoint('chaos'), ['--chaos', '--fanout', '2', '--files', '2']);
    const first = await runCommand('ls', ['-f', fs.mountpoint]);
    const second = await runCommand('ls', ['-f', fs.mountpoint]);
    assert.notEqual(out(first), out(second));
    const names = out(second).split('\n').filter((n) => n && n !== '.' && n !== '..');
    assert.equal(names.length, 4);
    const st = await runCommand('stat', ['-c', '%F', ...names.map((n) => join(fs.mountpoint, n))]);
    assert.equal(st.code, 0, st.stderr);
    assert.equal((await fs.stop()).code, 0);
  });
});

describe('randfs mounted: signals and crashes', () => {
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    it(`${sig}: unmounts, exits 0, says nothing, leaves no /proc/mounts entry`, async () => {
      const fs = await startRandfs(await mountpoint(sig.toLowerCase()));
      const exit = await fs.stop(sig);
      assert.deepEqual([exit.code, exit.signal, exit.stderr], [0, null, '']);
      assert.equal(await isMounted(fs.mountpoint), false);
      const ls = await runCommand('ls', ['-A', fs.mountpoint]);
      assert.deepEqual([ls.code, out(ls)], [0, '']);
    });
  }

  it('after kill -9 a new randfs on the same mountpoint starts and serves', async () => {
    const dir = await mountpoint('killed');
    const first = await startRandfs(dir, ['--seed', 'k']);
    const before = out(await runCommand('ls', [dir]));
    assert.equal((await first.stop('SIGKILL')).signal, 'SIGKILL');
    const second = await startRandfs(dir, ['--seed', 'k']);
    assert.equal(out(await runCommand('ls', [dir])), before);
    assert.equal((await second.stop()).code, 0);
    assert.equal(await isMounted(dir), false);
  });

  it('clears a stale mount (randfs and its fusermount helper both killed) on the next start', async () => {
    const dir = await mountpoint('stale');
    const first = await startRandfs(dir);
    // fusermount's auto_unmount helper would clean up after kill -9; kill it first to
    // leave the mount a crash without the helper leaves.
    const helper = await runCommand('pgrep', ['-f', `^fusermount .*auto_unmount.* -- ${dir}$`]);
    assert.equal(helper.code, 0, 'the auto_unmount helper runs');
    for (const pid of out(helper).trim().split('\n')) process.kill(Number(pid), 'SIGKILL');
    assert.equal((await first.stop('SIGKILL')).signal, 'SIGKILL');
    assert.ok(await isMounted(dir));
    // `ls`, not `stat`: the kernel may still answer stat from its attribute cache.
    const stale = await runCommand('ls', [dir]);
    assert.match(stale.stderr, /Transport endpoint is not connected/);
    const second = await startRandfs(dir);
    assert.ok(await serves(dir));
    assert.equal((await second.stop()).code, 0);
    assert.equal(await isMounted(dir), false);
  });
});

describe('randfs as a library', () => {
  it('createRandfs mounts, serves the same tree as the filter, and unmounts on abort; the process then exits by itself', async () => {
    const dir = await mountpoint('lib');
    const viaFilter = await startRandfs(await mountpoint('filter'), ['--seed', 'lib', '--fanout', '2', '--files', '1', '--max-depth', '2']);
    const script = `
      const { createRandfs } = require(${JSON.stringify(join(__dirname, '..', 'lib', 'fuse'))});
      const ac = new AbortController();
      process.on('SIGTERM', () => ac.abort());
      createRandfs(process.argv[1], { seed: 'lib', fanout: 2, files: 1, maxDepth: 2, signal: ac.signal }).then(
        (fs) => {
          console.log('ready');
          ac.signal.addEventListener('abort', () => fs.unmount().then(() => console.log('unmounted')));
        },
        (err) => { console.error(err.message); process.exitCode = 1; },
      );`;
    // The FUSE process (this child) never touches its own mount; the test only spawns readers.
    const { child, output, exited } = spawnMountScript(script, dir);
    try {
      await waitFor(() => output.stdout.includes('ready') || child.exitCode !== null, 15_000, 'createRandfs to mount');
      assert.equal(output.stdout, 'ready\n', output.stderr);
      const find = 'find . -printf "%p %i %s %T@\\n"';
      assert.equal(out(await sh(find, dir)), out(await sh(find, viaFilter.mountpoint)));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      assert.equal(code, 0, 'exits on its own once unmounted (no handle left open)');
      assert.equal(output.stdout, 'ready\nunmounted\n');
      assert.equal(await isMounted(dir), false);
    } finally {
      child.kill('SIGKILL');
      assert.equal((await viaFilter.stop()).code, 0);
    }
  });
});

describe('safe wrapper under a real mount', () => {
  it('a throwing handler and a silent one both reach the caller as EIO, quickly, and the mount lives on', async () => {
    const dir = await mountpoint('safe');
    const lib = JSON.stringify(join(__dirname, '..', 'lib', 'fuse'));
    const script = `
      const Fuse = require('fuse-native');
      const { safeOperations } = require(${lib} + '/safe');
      const { randfsOperations } = require(${lib} + '/ops');
      const { RandTree } = require(${lib} + '/randfs');
      const base = randfsOperations(new RandTree({ seed: 'safe' }));
      const ops = safeOperations({
        ...base,
        getattr(path, cb) {
          if (path === '/hang') return; // never answers
          if (path === '/throw') throw new Error('boom in getattr');
          return base.getattr(path, cb);
        },
      }, { timeoutMs: 300, onFault: (r) => console.log(JSON.stringify(r)) });
      const fuse = new Fuse(process.argv[1], ops, { autoUnmount: true, force: true, timeout: false });
      fuse.mount((err) => { if (err) throw err; console.log('ready'); });
      process.on('SIGTERM', () => fuse.unmount(() => process.exit(0)));`;
    const { child, output, exited } = spawnMountScript(script, dir, join(__dirname, '..', '..'));
    try {
      await waitFor(() => output.stdout.includes('ready') || child.exitCode !== null, 15_000, 'the mount');
      assert.match(output.stdout, /ready/, output.stderr);
      const t0 = Date.now();
      const hang = await runCommand('stat', [join(dir, 'hang')], { timeout: 20_000 });
      const waited = Date.now() - t0;
      assert.match(hang.stderr, /Input\/output error/);
      assert.ok(waited >= 250 && waited < 5000, `answered after ${waited} ms, not the kernel's long wait`);
      const thrown = await runCommand('stat', [join(dir, 'throw')]);
      assert.match(thrown.stderr, /Input\/output error/);
      assert.ok(await serves(dir));
      const records = output.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.deepEqual(records.map((r) => [r.op, r.kind, (r.args as string[])[0]]), [['getattr', 'timeout', '/hang'], ['getattr', 'throw', '/throw']]);
      assert.match(String(records[1].stack), /Error: boom in getattr\n\s+at /);
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.equal(await isMounted(dir), false);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('randfs: bad input', () => {
  async function expectFailure(args: string[], code: number, pattern: RegExp, mnt?: string) {
    const r = await runFilter('randfs', args, { timeout: 20_000 });
    const lines = stderrLines(r);
    assert.equal(r.code, code, r.stderr);
    assert.match(lines[0], pattern);
    assert.match(lines[0], /^randfs: /);
    if (code === 2) assert.match(lines[0], /; see randfs --help$/);
    assert.equal(lines.length, 1, r.stderr);
    assert.equal(out(r), '');
    if (mnt) assert.equal(await isMounted(mnt), false);
  }

  it('no mountpoint: usage, exit 2', () => expectFailure([], 2, /missing MOUNTPOINT/));
  it('two mountpoints: usage, exit 2', () => expectFailure(['/tmp', '/tmp'], 2, /extra operand/));

  it('mountpoint missing: exit 1', async () => {
    const dir = join(await tempDir(), 'absent');
    await expectFailure([dir], 1, /cannot mount .*absent: no such directory$/, dir);
  });

  it('mountpoint not a directory: exit 1', async () => {
    const file = join(await tempDir(), 'file');
    await writeFile(file, 'x');
    await expectFailure([file], 1, /cannot mount .*file: not a directory$/, file);
  });

  it('no permission on the mountpoint: exit 1', async () => {
    const dir = await mountpoint('locked');
    let r: RunResult;
    if (process.getuid!() === 0) {
      // Root may mount anywhere: ask as nobody, who may not write here.
      r = await runCommand('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, filterPath('randfs'), dir], { timeout: 20_000 });
    } else {
      await chmod(dir, 0o555);
      r = await runFilter('randfs', [dir], { timeout: 20_000 });
    }
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(stderrLines(r), [`randfs: cannot mount ${dir}: permission denied`]);
    assert.equal(await isMounted(dir), false);
  });

  it('already a mount point: exit 1, the first mount keeps serving', async () => {
    const dir = await mountpoint('busy');
    const fs = await startRandfs(dir);
    await expectFailure([dir], 1, /already a mount point$/);
    assert.ok(await serves(dir));
    assert.equal((await fs.stop()).code, 0);
  });

  for (const [args, pattern] of [
    [['--bogus'], /unknown option --bogus/],
    [['--fanout', 'many'], /: invalid --fanout 'many' \(a whole number from 0 to 1000000\); see/],
    [['--max-depth=-1'], /: invalid --max-depth '-1' \(a whole number from 0 to 1000000\); see/],
    [['--file-size', '9-1'], /: invalid --file-size '9-1' \(a size up to 1P or a range MIN-MAX, such as 4K or 0-1M\); see/],
    [['--inject-errors', '1.5'], /: invalid --inject-errors '1.5' \(a rate from 0 to 1, such as 0.1\); see/],
    [['--timeout', 'never'], /: invalid --timeout 'never' \(a duration such as 30s, 500ms or 2m\); see/],
  ] as const) {
    it(`bad option ${args.join(' ')}: exit 2, nothing mounted`, async () => {
      const dir = await mountpoint('opt');
      await expectFailure([...args, dir], 2, pattern, dir);
    });
  }

  for (const [args, code, pattern] of [
    [['--fault', 'read=EBOGUS'], 2, /: invalid --fault 'read=EBOGUS' \(unknown errno 'EBOGUS'; expected OP\[:GLOB\]=ERRNO\[@RATE\]\[xCOUNT\]\); see/],
    [['--delay', 'read=20'], 2, /: invalid --delay 'read=20' \(duration '20' is not like 20ms, 1s or 2m; expected/],
    [['--corrupt', 'open@0.1'], 2, /: invalid --corrupt 'open@0.1' \(unknown operation 'open'; only read;/],
    [['--short-read'], 2, /: --short-read needs a --corrupt rule; see/],
    [['--cat', '/x', '--ls', '/'], 2, /: --cat and --ls ask two questions; give one; see/],
    [['--cat', '/x', '--fault', 'read=EIO'], 2, /: --fault acts on a mount; --cat does not mount; see/],
    [['--manifest', '/'], 2, /: --manifest needs --max-depth: the tree has no bottom; see/],
    [['--ls', '/', '/mnt'], 2, /: extra operand '\/mnt' \(--ls does not mount\); see/],
    [['--cat', '/nope'], 1, /^randfs: \/nope: no such file or directory$/],
    [['--cat', '/'], 1, /^randfs: \/: is a directory$/],
  ] as const) {
    it(`oracle and rules: ${args.join(' ')}: exit ${code}, one line`, () => expectFailure([...args], code, pattern));
  }

  it('option without its value: exit 2, nothing mounted', async () => {
    const dir = await mountpoint('opt');
    await expectFailure([dir, '--log'], 2, /option --log needs a value/, dir);
  });

  it('a log that cannot be opened: exit 1, nothing mounted', async () => {
    const dir = await mountpoint('nolog');
    await expectFailure(['--log', join(dir, 'missing', 'x.log'), dir], 1, /cannot open log/, dir);
  });

  it('--help prints the options and exits 0', async () => {
    const r = await runFilter('randfs', ['--help']);
    assert.equal(r.code, 0);
    assert.match(out(r), /^Usage: randfs \[OPTION\]\.\.\. MOUNTPOINT/);
  });
});

describe('randfs man page', () => {
  it('runs every EXAMPLES block (randfs on PATH, /mnt/rand a temp dir)', async () => {
    const blocks = manExamples(manPage('randfs'));
    assert.equal(blocks.length, 5);
    const bin = await tempDir('randfs-bin-');
    await writeFile(join(bin, 'randfs'), `#!/bin/sh\nexec "${process.execPath}" "${filterPath('randfs')}" "$@"\n`);
    await chmod(join(bin, 'randfs'), 0o755);
    const outputs: string[] = [];
    for (const block of blocks) {
      const dir = await mountpoint('rand');
      const log = join(await tempDir(), 'randfs.log');
      const copy = await tempDir();
      const script = block
        .replaceAll('/mnt/rand', dir)
        .replaceAll('/tmp/randfs.log', log)
        .replaceAll('/tmp/copy', copy)
        .replaceAll('/tmp/truth.sha256', join(await tempDir(), 'truth.sha256'));
      // Own process group, so a failed example cannot leave its background randfs behind.
      const child = spawn('sh', ['-c', script], { detached: true, env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
      const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 60_000);
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      clearTimeout(timer);
      try {
        // A background randfs the example failed to stop still holds stdout open.
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // ESRCH: the example stopped everything it started.
      }
      await closed;
      await waitFor(async () => !(await isMounted(dir)), 10_000, `${dir} to be unmounted by the example's kill`);
      assert.equal(code, 0, `${script}\n${stderr}`);
      outputs.push(stdout);
    }
    const lines = outputs[0].trim().split('\n');
    assert.equal(lines.length, 10);
    assert.ok(lines.every((l) => l.startsWith('/')));
    assert.match(outputs[1], /^[0-9a-f]{64} {2}-\n$/);
    assert.match(outputs[2], /^\d+\n$/);
    assert.ok(Number(outputs[2]) > 0, 'faults were delivered and logged');
    assert.equal(outputs[3], 'intact\n');
    assert.equal(outputs[4], '4096\n');
  });
});
