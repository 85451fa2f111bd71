import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RandTree, readContent } from '../lib/fuse/randfs';
import { manifestLine } from '../lib/fuse/oracle';
import { runCommand, runFilter, type RunResult } from './helpers/run';
import { cleanup, startRandfs, tempDir, type RandfsProcess } from './helpers/mount';
import { waitFor } from './helpers/wait';
import { freshBucket, getObjectBytes, s3Env, startS3rver, testClient, type S3TestServer } from './helpers/s3';

/**
 * randfs as a fault lab, on real mounts touched only by child processes: each rule kind
 * reaches find, cat, tar, du and cp; schedules repeat across mounts; hostile trees; the
 * oracle checks copies made by tar and by s3put.
 */

// C messages ('x', not ‘x’) so stderr compares across machines.
const ENV = { ...process.env, LC_ALL: 'C' };
const sh = (script: string, cwd?: string) => runCommand('bash', ['-c', script], { cwd, env: ENV, timeout: 120_000 });
const out = (r: RunResult) => r.stdout.toString();
const sortedLines = (text: string) => text.split('\n').filter(Boolean).sort();

interface Shape {
  seed: string;
  fanout: number;
  files: number;
  maxDepth: number;
  fileSize?: string;
}

/** The flags that describe a tree, for the filter. */
function treeFlags(opts: Shape): string[] {
  const flags = ['--seed', opts.seed!, '--fanout', String(opts.fanout), '--files', String(opts.files), '--max-depth', String(opts.maxDepth)];
  if (opts.fileSize) flags.push('--file-size', opts.fileSize);
  return flags;
}

async function mountpoint(name: string): Promise<string> {
  const dir = join(await tempDir(), name);
  await mkdir(dir);
  return dir;
}

/** What `randfs --manifest` prints, run as the filter. */
async function oracleManifest(flags: string[], path: string): Promise<string[]> {
  const r = await runFilter('randfs', [...flags, '--manifest', path], { timeout: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  return out(r).split('\n').filter(Boolean);
}

/** The same lines for a copy on an ordinary disk: regular files only, symlinks not followed. */
async function copyManifest(root: string, top: string): Promise<string[]> {
  const lines: { path: string; line: string }[] = [];
  const walk = async (rel: string) => {
    const st = await lstat(join(root, rel));
    if (st.isDirectory()) for (const name of await readdir(join(root, rel))) await walk(`${rel}/${name}`);
    else if (st.isFile()) {
      const data = await readFile(join(root, rel));
      lines.push({ path: rel, line: manifestLine(createHash('sha256').update(data).digest('hex'), data.length, rel) });
    }
  };
  await walk(top);
  return lines.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path))).map((l) => l.line);
}

function logRecords(text: string): Record<string, unknown>[] {
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

after(cleanup);

describe('randfs fault rules reach real callers', () => {
  const shape = { seed: 'lab', fanout: 4, files: 3, maxDepth: 2, fileSize: '1K-300K' };
  const tree = new RandTree({ ...shape, fileSize: { min: 1024, max: 300 * 1024 } });
  const root = tree.list('/')!;
  const [d1, d2, d3, d4] = root.slice(0, 4).map((l) => l.name);
  const [f1, f2, f3] = root.slice(4).map((l) => l.name);
  const [d2file, d2other] = tree.list(`/${d2}`)!.filter((l) => l.entry.kind === 'file').map((l) => l.name);
  const d3file = tree.list(`/${d3}`)!.find((l) => l.entry.kind === 'file')!.name;
  let fs: RandfsProcess;
  let log: string;

  before(async () => {
    log = join(await tempDir(), 'lab.log');
    fs = await startRandfs(await mountpoint('lab'), [
      ...treeFlags(shape),
      '--log', log,
      '--timeout', '10s',
      '--fault', `read:/${f1}=EIO`,
      '--fault', `open:/${f2}=EAGAINx3`,
      '--fault', `readdir:/${d1}/**=EACCES`,
      '--fault', `getattr:/${d2}/${d2file}=ENAMETOOLONG`,
      '--fault', `open:/${d3}/${d3file}=EACCES`,
      '--fault', `read:/${d4}/**=EIO`,
      '--delay', `read:/${f3}=2s`,
    ]);
  });
  after(async () => {
    if (fs) assert.equal((await fs.stop()).code, 0);
  });

  it('read=EIO reaches cat on the first, second and third read: no cache hides it', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await sh(`cat ${f1} > /dev/null`, fs.mountpoint);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, `cat: ${f1}: Input/output error\n`, `read ${i + 1}`);
    }
    const other = await sh(`cat ${d2}/${d2other} | wc -c`, fs.mountpoint);
    assert.equal(out(other).trim(), String(tree.lookup(`/${d2}/${d2other}`)!.size), 'a path no rule matches is served');
  });

  it('open=EAGAINx3 fails cat three times, then serves the bytes --cat prints', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await sh(`cat ${f2}`, fs.mountpoint);
      assert.equal(r.stderr, `cat: ${f2}: Resource temporarily unavailable\n`, `try ${i + 1}`);
    }
    const ok = await sh(`cat ${f2}`, fs.mountpoint);
    assert.equal(ok.code, 0, ok.stderr);
    const oracle = await runFilter('randfs', [...treeFlags(shape), '--cat', `/${f2}`]);
    assert.equal(oracle.code, 0, oracle.stderr);
    assert.ok(ok.stdout.equals(oracle.stdout));
  });

  it('readdir:/D/**=EACCES stops find at D, and find lists everything else', async () => {
    const r = await sh('find . -mindepth 1', fs.mountpoint);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(`find: './${d1}': Permission denied\n`), r.stderr);
    const seen = sortedLines(out(r));
    assert.ok(seen.includes(`./${d1}`));
    assert.ok(!seen.some((p) => p.startsWith(`./${d1}/`)));
    // 4 + 3 at the root, 4 + 3 in each of the other three, 3 in each of their 12.
    assert.equal(seen.length, 7 + 3 * 7 + 12 * 3);
  });

  it('getattr=ENAMETOOLONG reaches du; open=EACCES reaches tar; read=EIO reaches cp -r', async () => {
    const du = await sh(`du -a ${d2} > /dev/null`, fs.mountpoint);
    assert.equal(du.code, 1);
    assert.match(du.stderr, new RegExp(`^du: cannot access '${d2}/${d2file}': File name too long$`, 'm'));
    // Through a pipe: GNU tar reads no file at all when the archive is /dev/null.
    const tar = await sh(`set -o pipefail; tar cf - ${d3} | cat > /dev/null`, fs.mountpoint);
    assert.equal(tar.code, 2);
    assert.match(tar.stderr, new RegExp(`^tar: ${d3}/${d3file}: Cannot open: Permission denied$`, 'm'));
    const copy = await tempDir();
    const cp = await sh(`cp -r ${d4} '${copy}/'`, fs.mountpoint);
    assert.equal(cp.code, 1);
    const failed = cp.stderr.split('\n').filter(Boolean);
    const files = (await oracleManifest(treeFlags(shape), `/${d4}`)).length;
    assert.equal(failed.length, files, cp.stderr);
    assert.ok(failed.every((l) => /^cp: error reading '.+': Input\/output error$/.test(l)), cp.stderr);
  });

  it('a delayed read does not stall ls of the same directory', async () => {
    const cat = spawn('cat', [join(fs.mountpoint, f3)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    cat.stdout.on('data', (c: Buffer) => chunks.push(c));
    const closed = new Promise<number | null>((resolve) => cat.on('close', resolve));
    try {
      await waitFor(async () => (await readFile(log, 'utf8')).includes(`"kind":"delay","op":"read","path":"/${f3}"`), 10_000, 'the delay to start');
      const ls = await sh('ls -la', fs.mountpoint);
      assert.equal(ls.code, 0, ls.stderr);
      assert.equal(cat.exitCode, null, 'cat is still waiting for its read while ls has finished');
      assert.equal(await closed, 0);
      assert.deepEqual(Buffer.concat(chunks), readContent('lab', `/${f3}`, tree.lookup(`/${f3}`)!.size, 0, 2 ** 20));
    } finally {
      cat.kill();
    }
  });

  it('logs each delivered fault; SIGUSR1 prints the counts per op and errno', async () => {
    assert.equal((await sh(`cat ${f1}`, fs.mountpoint)).code, 1);
    fs.child.kill('SIGUSR1');
    await waitFor(() => /randfs: delivered .*\n/.test(fs.stderr()), 10_000, 'the SIGUSR1 line');
    const line = /randfs: delivered (.*); 0 operations failed\n/.exec(fs.stderr())![1];
    const counts = new Map(line.split(', ').map((part) => [part.replace(/ \d+$/, ''), Number(/\d+$/.exec(part)![0])]));
    const records = logRecords(await readFile(log, 'utf8'));
    const fromLog = new Map<string, number>();
    for (const r of records) {
      const key = `${String(r.op)} ${r.kind === 'fault' ? String(r.errno) : String(r.kind)}`;
      fromLog.set(key, (fromLog.get(key) ?? 0) + 1);
    }
    assert.deepEqual(counts, fromLog);
    assert.ok((counts.get('read EIO') ?? 0) >= 1);
    assert.ok(records.every((r) => typeof r.rule === 'string' && Number.isInteger(r.n) && typeof r.path === 'string'));
  });
});

describe('randfs fault schedules repeat', () => {
  const shape = { seed: 'sched', fanout: 3, files: 3, maxDepth: 3, fileSize: '0-100K' };
  // Not the root or its entries: the readiness probe (stat, ls) would use up their occurrences.
  const rules = ['--fault', '*:/*/*/**=EIO@0.03', '--fault', 'readdir:/*/**=EACCES@0.1'];
  const run = async (fs: RandfsProcess) => {
    const find = await sh('find . > /dev/null', fs.mountpoint);
    const tar = await sh('tar cf - . | cat > /dev/null', fs.mountpoint);
    assert.equal(find.code, 1, 'find meets faults');
    return [...sortedLines(find.stderr), ...sortedLines(tar.stderr)];
  };

  it('two mounts with the same flags fail the same paths the same way; another --fault-seed fails others', async () => {
    const mounts = await Promise.all([
      startRandfs(await mountpoint('s1'), [...treeFlags(shape), ...rules]),
      startRandfs(await mountpoint('s2'), [...treeFlags(shape), ...rules]),
      startRandfs(await mountpoint('s3'), [...treeFlags(shape), ...rules, '--fault-seed', 'other']),
    ]);
    const [a, b, c] = await Promise.all(mounts.map(run));
    assert.ok(a.some((l) => l.startsWith('find: ') && l.endsWith('Permission denied')), a.join('\n'));
    assert.ok(a.some((l) => l.startsWith('tar: ') && l.includes('Input/output error')), a.join('\n'));
    assert.deepEqual(b, a);
    assert.notDeepEqual(c, a);
    for (const m of mounts) assert.equal((await m.stop()).code, 0);
  });
});

describe('randfs hostile trees', () => {
  const shape = { seed: 'hostile', fanout: 2, files: 2, maxDepth: 2 };
  const hostile = ['--names', 'hostile', '--symlinks', '4', '--hardlinks', '--deep'];
  const tree = new RandTree({ ...shape, names: 'hostile', symlinks: 4, hardlinks: true, deep: true });
  let fs: RandfsProcess;
  before(async () => {
    fs = await startRandfs(await mountpoint('hostile'), [...treeFlags(shape), ...hostile]);
  });
  after(async () => {
    if (fs) assert.equal((await fs.stop()).code, 0);
  });

  it('find -print0 | xargs -0 stat handles every hostile name (the --deep chain aside: stat takes a path)', async () => {
    const r = await sh("find . -path './deep-*' -prune -o -print0 | xargs -0 stat --printf '%n\\0' -- | sort -z", fs.mountpoint);
    assert.equal(r.code, 0, r.stderr);
    const names = r.stdout.toString().split('\0').filter(Boolean);
    const expected: string[] = ['.'];
    const walk = (path: string) => {
      for (const { name, entry } of tree.list(path)!) {
        if (name.startsWith('deep-')) continue;
        expected.push(`.${entry.path}`);
        if (entry.kind === 'dir') walk(entry.path);
      }
    };
    walk('/');
    assert.deepEqual(names, expected.sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
    assert.ok(names.includes('./new\nline') && names.includes('./-n') && names.includes('./caf\u00e9') && names.includes('./cafe\u0301'));
  });

  it('find -L reports the loops and the dangling links, and keeps going', async () => {
    const r = await sh("find -L . -path './deep-*' -prune -o -name 'link-*' -print", fs.mountpoint);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /find: File system loop detected; '\.\/link-0' is part of the same file system loop as '\.'\./);
    assert.match(r.stderr, /find: '\.\/link-1': Too many levels of symbolic links/);
    assert.ok(sortedLines(out(r)).includes('./link-2'), 'a dangling link is listed, not an error');
  });

  it('the --deep chain reaches a file at a path longer than PATH_MAX', async () => {
    const r = await sh("find . -name bottom -printf '%s %p\\n'", fs.mountpoint);
    assert.equal(r.code, 0, r.stderr);
    const [size, path] = out(r).trim().split(' ');
    assert.ok(Buffer.byteLength(path) > 4096, `${Buffer.byteLength(path)} bytes`);
    assert.equal(Number(size), tree.lookup(path.slice(1))!.size);
  });

  it('a hard link shares its inode with the first file, and both count 2 links', async () => {
    const first = tree.list('/')!.find((l) => l.entry.kind === 'file')!.name;
    const r = await sh(`stat -c %i:%h hard-link ${first}`, fs.mountpoint);
    assert.equal(r.code, 0, r.stderr);
    const [a, b] = out(r).trim().split('\n');
    assert.equal(a, b);
    assert.match(a, /:2$/);
  });

  it('dd skip= reads the last 4 KiB of a 1 TiB file at once, as the model says; its head matches --cat', async () => {
    const giant = ['--seed', 'giant', '--fanout', '0', '--files', '1', '--file-size', '1T'];
    const big = await startRandfs(await mountpoint('giant'), giant);
    try {
      const [file] = new RandTree({ seed: 'giant', fanout: 0, files: 1, fileSize: 2 ** 40 }).list('/')!;
      const path = join(big.mountpoint, file.name);
      const tail = await runCommand('dd', [`if=${path}`, 'bs=4096', `skip=${2 ** 28 - 1}`, 'count=1', 'status=none'], { timeout: 10_000 });
      assert.equal(tail.code, 0, tail.stderr);
      assert.deepEqual(tail.stdout, readContent('giant', file.entry.path, 2 ** 40, 2 ** 40 - 4096, 4096));
      const head = await sh(`dd if='${path}' bs=4096 count=1 status=none | sha256sum; node '${join(__dirname, '..', 'filters', 'randfs.js')}' ${giant.join(' ')} --cat /${file.name} | head -c 4096 | sha256sum`);
      const [mounted, oracle] = out(head).trim().split('\n');
      assert.equal(mounted, oracle);
    } finally {
      assert.equal((await big.stop()).code, 0);
    }
  });
});

describe('randfs oracle checks copies', () => {
  const shape = { seed: 'copy', fanout: 2, files: 3, maxDepth: 2, fileSize: '0-200K' };
  const extras = ['--names', 'hostile', '--symlinks', '2', '--hardlinks'];
  const flags = [...treeFlags(shape), ...extras];
  const d1 = new RandTree({ seed: 'copy', fanout: 2, files: 3, maxDepth: 2 }).list('/')![0].name;

  async function tarCopy(args: string[]): Promise<{ copy: string; tar: RunResult; fs: RandfsProcess }> {
    const fs = await startRandfs(await mountpoint('src'), [...flags, ...args]);
    const copy = await tempDir();
    const tar = await sh(`set -o pipefail; tar cf - -C '${fs.mountpoint}' ${d1} | tar xf - -C '${copy}'`);
    return { copy, tar, fs };
  }

  it('tar cf - -C MNT d1 | tar xf - -C COPY gives exactly --manifest d1', async () => {
    const { copy, tar, fs } = await tarCopy([]);
    assert.equal(tar.code, 0, tar.stderr);
    assert.equal((await fs.stop()).code, 0);
    const truth = await oracleManifest(flags, d1);
    assert.ok(truth.length > 40 && truth.some((l) => l.startsWith('\\')), 'hostile names, escaped');
    assert.deepEqual(await copyManifest(copy, d1), truth);
  });

  it('a --corrupt run is caught by that comparison, file by file', async () => {
    const log = join(await tempDir(), 'corrupt.log');
    const { copy, tar, fs } = await tarCopy(['--corrupt', `read:/${d1}/**@0.2`, '--log', log]);
    assert.equal(tar.code, 0, 'tar cannot tell');
    assert.equal((await fs.stop()).code, 0);
    const truth = await oracleManifest(flags, d1);
    const got = await copyManifest(copy, d1);
    const wrong = got.filter((l) => !truth.includes(l)).map((l) => l.split('  ').slice(2).join('  '));
    const corrupted = [...new Set(logRecords(await readFile(log, 'utf8')).map((r) => String(r.path).slice(1)))].sort();
    assert.ok(corrupted.length > 0);
    // Every corrupted file differs from the truth, and nothing else does but a hard link
    // to one (tar reads the first name and links the second to it).
    const unescape = (p: string) => p.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
    const linked = wrong.filter((p) => p.endsWith('/hard-link'));
    assert.deepEqual(wrong.filter((p) => !linked.includes(p)).map(unescape).sort(), corrupted);
    for (const p of linked) assert.ok(corrupted.some((c) => c.startsWith(unescape(p).slice(0, -'hard-link'.length))), p);
    assert.equal(got.length, truth.length);
  });

  it('--corrupt --short-read: tar takes a short read for a shrunk file and says so; cat, reading to EOF, copies right', async () => {
    const log = join(await tempDir(), 'short.log');
    const { copy, tar, fs } = await tarCopy(['--corrupt', `read:/${d1}/**@0.3`, '--short-read', '--log', log]);
    const plain = new RandTree({ seed: 'copy', fanout: 2, files: 3, maxDepth: 2, fileSize: { min: 0, max: 200 * 1024 } });
    const file = plain.list(`/${d1}`)!.find((l) => l.entry.kind === 'file' && l.entry.size > 3 * 128 * 1024)?.entry
      ?? plain.list(`/${d1}`)!.find((l) => l.entry.kind === 'file')!.entry;
    const cat = await runCommand('cat', [fs.mountpoint + file.path]);
    const exit = await fs.stop();
    assert.equal(exit.code, 0);
    assert.match(exit.stderr, /delivered read short \d+/);
    assert.equal(tar.code, 1);
    const shrank = tar.stderr.split('\n').filter((l) => / File shrank by \d+ bytes; padding with zeros$/.test(l));
    assert.ok(shrank.length > 0, tar.stderr);
    const truth = await oracleManifest(flags, d1);
    const got = await copyManifest(copy, d1);
    assert.ok(got.filter((l) => !truth.includes(l)).length >= shrank.length - 1, 'the manifest comparison sees them too');
    assert.equal(cat.code, 0, cat.stderr);
    assert.deepEqual(cat.stdout, readContent('copy', file.path, file.size, 0, file.size));
  });
});

describe('s3put under a randfs fault schedule (pipekit testing pipekit)', () => {
  let s3: S3TestServer;
  before(async () => {
    s3 = await startS3rver();
  });
  after(async () => {
    await s3?.stop();
  });

  it('read=EIO@0.05: one error line per failed file, every other file uploads intact', async () => {
    // Files of at most 64 KiB: each read(2) is one FUSE request, so a fault is an error.
    // In a bigger read the kernel turns a failed later request into a short read, which
    // readFile takes for EOF: s3put then stores a truncated file (reported to the lead).
    const shape = { seed: 'put', fanout: 2, files: 10, maxDepth: 2, fileSize: '1K-64K' };
    const log = join(await tempDir(), 'put.log');
    const fs = await startRandfs(await mountpoint('put'), [...treeFlags(shape), '--fault', 'read=EIO@0.05', '--log', log]);
    const client = testClient(s3);
    const bucket = await freshBucket(client, 'randfs');
    let put: RunResult;
    try {
      put = await runCommand('bash', ['-c', `find . -type f -printf '%P\\n' | node '${join(__dirname, '..', 'filters', 's3put.js')}' -q s3://${bucket}/t/`], {
        cwd: fs.mountpoint,
        env: s3Env(s3, s3.endpoint, { LC_ALL: 'C' }),
        timeout: 120_000,
      });
    } finally {
      assert.equal((await fs.stop()).code, 0);
    }
    const truth = await oracleManifest(treeFlags(shape), '/');
    const failedInLog = new Set(logRecords(await readFile(log, 'utf8')).map((r) => String(r.path).slice(1)));
    const errors = put.stderr.split('\n').filter(Boolean);
    assert.equal(put.code, 1, put.stderr);
    assert.ok(failedInLog.size > 0 && failedInLog.size < truth.length, `${failedInLog.size} of ${truth.length} files met a fault`);
    // A file whose failed read s3put read again may still upload: a fault, not a failure.
    const failed = errors.map((l) => /^s3put: cannot read (.+): EIO$/.exec(l)?.[1]);
    assert.ok(failed.length > 0 && failed.every((p) => p !== undefined && failedInLog.has(p)), put.stderr);
    assert.equal(new Set(failed).size, failed.length, 'one line per failed file');
    for (const line of truth) {
      const [sha, size, path] = line.split('  ');
      const body = await getObjectBytes(client, bucket, `t/${path}`).catch(() => undefined);
      if (failed.includes(path)) {
        assert.equal(body, undefined, `nothing stored for ${path}`);
        continue;
      }
      assert.ok(body, `${path} uploaded`);
      assert.equal(body.length, Number(size), path);
      assert.equal(createHash('sha256').update(body).digest('hex'), sha, path);
    }
  });
});
