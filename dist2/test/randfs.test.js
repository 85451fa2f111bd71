"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_child_process_1 = require("node:child_process");
const promises_1 = require("node:fs/promises");
const node_path_1 = require("node:path");
const node_test_1 = require("node:test");
const randfs_1 = require("../lib/fuse/randfs");
const run_1 = require("./helpers/run");
const mount_1 = require("./helpers/mount");
const docs_1 = require("./helpers/docs");
// Every touch of a mount is a child process; the test process only reads /proc/mounts.
const sh = (script, cwd) => (0, run_1.runCommand)('sh', ['-c', script], { cwd, timeout: 60_000 });
const out = (r) => r.stdout.toString();
async function mountpoint(name) {
    const dir = (0, node_path_1.join)(await (0, mount_1.tempDir)(), name);
    await (0, promises_1.mkdir)(dir);
    return dir;
}
(0, node_test_1.after)(mount_1.cleanup);
/** A node script in a child that mounts `dir` itself (the test process never touches a mount), its output gathered as it comes. */
function spawnMountScript(script, dir, cwd) {
    const child = (0, node_child_process_1.spawn)(process.execPath, ['-e', script, dir], { stdio: ['ignore', 'pipe', 'pipe'], cwd });
    const output = { stdout: '', stderr: '' };
    child.stdout.on('data', (c) => (output.stdout += c.toString()));
    child.stderr.on('data', (c) => (output.stderr += c.toString()));
    const exited = new Promise((resolve) => child.on('close', resolve));
    return { child, output, exited };
}
(0, node_test_1.describe)('randfs mounted: determinism', () => {
    const shape = ['--fanout', '3', '--files', '2', '--max-depth', '3', '--file-size', '0-20K'];
    let a;
    let b;
    let c;
    (0, node_test_1.before)(async () => {
        [a, b, c] = await Promise.all([
            (0, mount_1.startRandfs)(await mountpoint('a'), ['--seed', 'same', ...shape]),
            (0, mount_1.startRandfs)(await mountpoint('b'), ['--seed', 'same', ...shape]),
            (0, mount_1.startRandfs)(await mountpoint('c'), ['--seed', 'other', ...shape]),
        ]);
    });
    (0, node_test_1.after)(async () => {
        for (const p of [a, b, c])
            if (p)
                strict_1.default.equal((await p.stop()).code, 0);
    });
    // Each command runs inside the mount so outputs name no mountpoint.
    const commands = {
        ls: 'ls -la --time-style=+%s "$(ls | head -1)"',
        stat: 'stat -c "%n %i %s %b %Y %h %f" * */*',
        find: 'find . -maxdepth 3 -printf "%p %y %i %s %T@\\n"',
        du: 'du --max-depth=2 . && du -s -b .',
        tar: 'tar cf - . | tar tvf -',
        sha256sum: 'find . -maxdepth 2 -type f -exec sha256sum {} +',
    };
    for (const [name, script] of Object.entries(commands)) {
        (0, node_test_1.it)(`${name}: same output for the same seed, different for another`, async () => {
            const [ra, rb, rc] = await Promise.all([a, b, c].map((p) => sh(script, p.mountpoint)));
            for (const r of [ra, rb, rc])
                strict_1.default.equal(r.code, 0, r.stderr);
            strict_1.default.ok(out(ra).length > 0);
            strict_1.default.equal(out(ra), out(rb));
            strict_1.default.notEqual(out(ra), out(rc));
        });
    }
    (0, node_test_1.it)('find sees the whole shape: 3 + 9 + 27 directories, 2 files in each of 40', async () => {
        const dirs = await sh('find . -mindepth 1 -type d | wc -l', a.mountpoint);
        const files = await sh('find . -type f | wc -l', a.mountpoint);
        strict_1.default.equal(out(dirs).trim(), '39');
        strict_1.default.equal(out(files).trim(), '80');
    });
    (0, node_test_1.it)('lists . and .. in every directory', async () => {
        const root = await (0, run_1.runCommand)('ls', ['-a', a.mountpoint]);
        strict_1.default.deepEqual(out(root).split('\n').slice(0, 2), ['.', '..']);
        const sub = await sh('ls -a "$(ls -p | grep / | head -1)"', a.mountpoint);
        strict_1.default.deepEqual(out(sub).split('\n').slice(0, 2), ['.', '..']);
        const inodes = await sh('d=$(ls -p | grep / | head -1); stat -c %i . "$d/.." "$d" "$d/."', a.mountpoint);
        const [rootIno, parentIno, dIno, dotIno] = out(inodes).trim().split('\n');
        strict_1.default.equal(rootIno, '1');
        strict_1.default.equal(parentIno, rootIno);
        strict_1.default.equal(dotIno, dIno);
    });
    (0, node_test_1.it)('serves the bytes of the tree model, the same at odd offsets as whole', async () => {
        const tree = new randfs_1.RandTree({ seed: 'same', fanout: 3, files: 2, maxDepth: 3, fileSize: { min: 0, max: 20 * 1024 } });
        const file = tree
            .list('/')
            .map((l) => l.entry)
            .find((e) => e.kind === 'file' && e.size > 9000);
        strict_1.default.ok(file, 'a file over 9000 bytes at the root');
        const path = a.mountpoint + file.path;
        const whole = (await (0, run_1.runCommand)('cat', [path])).stdout;
        strict_1.default.equal(whole.length, file.size);
        strict_1.default.deepEqual(whole, (0, randfs_1.readContent)('same', file.path, file.size, 0, file.size));
        for (const [offset, count] of [[1, 1], [7, 4096], [4095, 3], [4097, 5000], [file.size - 3, 10]]) {
            const r = await (0, run_1.runCommand)('dd', [`if=${path}`, 'bs=65536', `skip=${offset}`, `count=${count}`, 'iflag=skip_bytes,count_bytes', 'status=none']);
            strict_1.default.equal(r.code, 0, r.stderr);
            strict_1.default.deepEqual(r.stdout, whole.subarray(offset, offset + count), `offset ${offset}`);
        }
        const direct = await (0, run_1.runCommand)('dd', [`if=${path}`, 'bs=4096', 'skip=1', 'count=1', 'iflag=direct', 'status=none']);
        if (direct.code === 0)
            strict_1.default.deepEqual(direct.stdout, whole.subarray(4096, 8192));
    });
});
(0, node_test_1.describe)('randfs mounted: read-only', () => {
    let fs;
    let log;
    (0, node_test_1.before)(async () => {
        log = (0, node_path_1.join)(await (0, mount_1.tempDir)(), 'faults.log');
        fs = await (0, mount_1.startRandfs)(await mountpoint('ro'), ['--max-depth', '2', '--log', log]);
    });
    (0, node_test_1.after)(async () => strict_1.default.equal((await fs.stop()).code, 0));
    const attempts = {
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
        (0, node_test_1.it)(`${op} fails with EROFS and the mount keeps serving`, async () => {
            const r = await sh(script, fs.mountpoint);
            strict_1.default.notEqual(r.code, 0);
            strict_1.default.match(r.stderr, /Read-only file system/);
            strict_1.default.ok(await (0, mount_1.serves)(fs.mountpoint));
            strict_1.default.equal((await sh('ls | wc -l', fs.mountpoint)).stdout.toString().trim(), '8');
        });
    }
    (0, node_test_1.it)('logged nothing: EROFS is an answer, not a fault', async () => {
        strict_1.default.equal(await (0, promises_1.readFile)(log, 'utf8'), '');
    });
});
(0, node_test_1.describe)('randfs mounted: injected errors', () => {
    (0, node_test_1.it)('keeps serving a find over 11,110 entries at rate 0.5; one log record per fault', async () => {
        const log = (0, node_path_1.join)(await (0, mount_1.tempDir)(), 'faults.log');
        // 10 + 100 + 1000 + 10000 directories.
        const fs = await (0, mount_1.startRandfs)(await mountpoint('faulty'), ['--fanout', '10', '--files', '0', '--max-depth', '4', '--inject-errors', '0.5', '--log', log]);
        // Half of all operations fail, so a find often dies at the root: run it again (as a
        // crawler would) until the runs together have seen 1000 entries.
        const seen = new Set();
        let runs = 0;
        let eio = 0;
        while (seen.size < 1000 && runs < 300) {
            const find = await (0, run_1.runCommand)('find', [fs.mountpoint], { timeout: 120_000 });
            runs++;
            strict_1.default.equal(find.code, 1, 'every find meets a fault');
            if (/Input\/output error/.test(find.stderr))
                eio++;
            for (const line of out(find).split('\n'))
                if (line)
                    seen.add(line);
        }
        strict_1.default.ok(seen.size >= 1000, `${runs} finds saw ${seen.size} entries`);
        strict_1.default.equal(eio, runs, 'every find reported EIO');
        // Still mounted, still answering (each try fails with probability 0.5).
        strict_1.default.ok(await (0, mount_1.isMounted)(fs.mountpoint));
        await (0, mount_1.waitFor)(() => (0, mount_1.serves)(fs.mountpoint), 10_000, 'a stat to get through');
        const exit = await fs.stop();
        strict_1.default.equal(exit.code, 0, exit.stderr);
        const m = /injected (\d+) faults, (\d+) operations failed/.exec(exit.stderr);
        strict_1.default.ok(m, exit.stderr);
        const records = (await (0, promises_1.readFile)(log, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
        strict_1.default.equal(records.length, Number(m[1]));
        strict_1.default.equal(records.length, Number(m[2]));
        strict_1.default.ok(records.length > 100);
        for (const r of records) {
            strict_1.default.equal(r.injected, true);
            strict_1.default.equal(typeof r.op, 'string');
            strict_1.default.ok(Array.isArray(r.args));
            strict_1.default.match(String(r.stack), /InjectedFault: injected fault in \w+\n\s+at /);
            strict_1.default.ok(r.kind === 'throw' || r.kind === 'reject');
        }
        strict_1.default.ok(new Set(records.map((r) => r.op)).has('getattr'));
    });
    (0, node_test_1.it)('without faults the same find sees all 11,110 entries', async () => {
        const fs = await (0, mount_1.startRandfs)(await mountpoint('whole'), ['--fanout', '10', '--files', '0', '--max-depth', '4']);
        const find = await (0, run_1.runCommand)('find', [fs.mountpoint, '-mindepth', '1'], { timeout: 120_000 });
        strict_1.default.equal(find.code, 0, find.stderr);
        strict_1.default.equal(out(find).trim().split('\n').length, 11_110);
        strict_1.default.equal((await fs.stop()).code, 0);
    });
});
(0, node_test_1.describe)('randfs mounted: chaos', () => {
    (0, node_test_1.it)('changes names on every listing; listed names can be stat-ed', async () => {
        const fs = await (0, mount_1.startRandfs)(await mountpoint('chaos'), ['--chaos', '--fanout', '2', '--files', '2']);
        const first = await (0, run_1.runCommand)('ls', ['-f', fs.mountpoint]);
        const second = await (0, run_1.runCommand)('ls', ['-f', fs.mountpoint]);
        strict_1.default.notEqual(out(first), out(second));
        const names = out(second).split('\n').filter((n) => n && n !== '.' && n !== '..');
        strict_1.default.equal(names.length, 4);
        const st = await (0, run_1.runCommand)('stat', ['-c', '%F', ...names.map((n) => (0, node_path_1.join)(fs.mountpoint, n))]);
        strict_1.default.equal(st.code, 0, st.stderr);
        strict_1.default.equal((await fs.stop()).code, 0);
    });
});
(0, node_test_1.describe)('randfs mounted: signals and crashes', () => {
    for (const sig of ['SIGTERM', 'SIGINT']) {
        (0, node_test_1.it)(`${sig}: unmounts, exits 0, says nothing, leaves no /proc/mounts entry`, async () => {
            const fs = await (0, mount_1.startRandfs)(await mountpoint(sig.toLowerCase()));
            const exit = await fs.stop(sig);
            strict_1.default.deepEqual([exit.code, exit.signal, exit.stderr], [0, null, '']);
            strict_1.default.equal(await (0, mount_1.isMounted)(fs.mountpoint), false);
            const ls = await (0, run_1.runCommand)('ls', ['-A', fs.mountpoint]);
            strict_1.default.deepEqual([ls.code, out(ls)], [0, '']);
        });
    }
    (0, node_test_1.it)('after kill -9 a new randfs on the same mountpoint starts and serves', async () => {
        const dir = await mountpoint('killed');
        const first = await (0, mount_1.startRandfs)(dir, ['--seed', 'k']);
        const before = out(await (0, run_1.runCommand)('ls', [dir]));
        strict_1.default.equal((await first.stop('SIGKILL')).signal, 'SIGKILL');
        const second = await (0, mount_1.startRandfs)(dir, ['--seed', 'k']);
        strict_1.default.equal(out(await (0, run_1.runCommand)('ls', [dir])), before);
        strict_1.default.equal((await second.stop()).code, 0);
        strict_1.default.equal(await (0, mount_1.isMounted)(dir), false);
    });
    (0, node_test_1.it)('clears a stale mount (randfs and its fusermount helper both killed) on the next start', async () => {
        const dir = await mountpoint('stale');
        const first = await (0, mount_1.startRandfs)(dir);
        // fusermount's auto_unmount helper would clean up after kill -9; kill it first to
        // leave the mount a crash without the helper leaves.
        const helper = await (0, run_1.runCommand)('pgrep', ['-f', `^fusermount .*auto_unmount.* -- ${dir}$`]);
        strict_1.default.equal(helper.code, 0, 'the auto_unmount helper runs');
        for (const pid of out(helper).trim().split('\n'))
            process.kill(Number(pid), 'SIGKILL');
        strict_1.default.equal((await first.stop('SIGKILL')).signal, 'SIGKILL');
        strict_1.default.ok(await (0, mount_1.isMounted)(dir));
        // `ls`, not `stat`: the kernel may still answer stat from its attribute cache.
        const stale = await (0, run_1.runCommand)('ls', [dir]);
        strict_1.default.match(stale.stderr, /Transport endpoint is not connected/);
        const second = await (0, mount_1.startRandfs)(dir);
        strict_1.default.ok(await (0, mount_1.serves)(dir));
        strict_1.default.equal((await second.stop()).code, 0);
        strict_1.default.equal(await (0, mount_1.isMounted)(dir), false);
    });
});
(0, node_test_1.describe)('randfs as a library', () => {
    (0, node_test_1.it)('createRandfs mounts, serves the same tree as the filter, and unmounts on abort; the process then exits by itself', async () => {
        const dir = await mountpoint('lib');
        const viaFilter = await (0, mount_1.startRandfs)(await mountpoint('filter'), ['--seed', 'lib', '--fanout', '2', '--files', '1', '--max-depth', '2']);
        const script = `
      const { createRandfs } = require(${JSON.stringify((0, node_path_1.join)(__dirname, '..', 'lib', 'fuse'))});
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
            await (0, mount_1.waitFor)(() => output.stdout.includes('ready') || child.exitCode !== null, 15_000, 'createRandfs to mount');
            strict_1.default.equal(output.stdout, 'ready\n', output.stderr);
            const find = 'find . -printf "%p %i %s %T@\\n"';
            strict_1.default.equal(out(await sh(find, dir)), out(await sh(find, viaFilter.mountpoint)));
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
            const code = await exited;
            clearTimeout(timer);
            strict_1.default.equal(code, 0, 'exits on its own once unmounted (no handle left open)');
            strict_1.default.equal(output.stdout, 'ready\nunmounted\n');
            strict_1.default.equal(await (0, mount_1.isMounted)(dir), false);
        }
        finally {
            child.kill('SIGKILL');
            strict_1.default.equal((await viaFilter.stop()).code, 0);
        }
    });
});
(0, node_test_1.describe)('safe wrapper under a real mount', () => {
    (0, node_test_1.it)('a throwing handler and a silent one both reach the caller as EIO, quickly, and the mount lives on', async () => {
        const dir = await mountpoint('safe');
        const lib = JSON.stringify((0, node_path_1.join)(__dirname, '..', 'lib', 'fuse'));
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
        const { child, output, exited } = spawnMountScript(script, dir, (0, node_path_1.join)(__dirname, '..', '..'));
        try {
            await (0, mount_1.waitFor)(() => output.stdout.includes('ready') || child.exitCode !== null, 15_000, 'the mount');
            strict_1.default.match(output.stdout, /ready/, output.stderr);
            const t0 = Date.now();
            const hang = await (0, run_1.runCommand)('stat', [(0, node_path_1.join)(dir, 'hang')], { timeout: 20_000 });
            const waited = Date.now() - t0;
            strict_1.default.match(hang.stderr, /Input\/output error/);
            strict_1.default.ok(waited >= 250 && waited < 5000, `answered after ${waited} ms, not the kernel's long wait`);
            const thrown = await (0, run_1.runCommand)('stat', [(0, node_path_1.join)(dir, 'throw')]);
            strict_1.default.match(thrown.stderr, /Input\/output error/);
            strict_1.default.ok(await (0, mount_1.serves)(dir));
            const records = output.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
            strict_1.default.deepEqual(records.map((r) => [r.op, r.kind, r.args[0]]), [['getattr', 'timeout', '/hang'], ['getattr', 'throw', '/throw']]);
            strict_1.default.match(String(records[1].stack), /Error: boom in getattr\n\s+at /);
            child.kill('SIGTERM');
            strict_1.default.equal(await exited, 0);
            strict_1.default.equal(await (0, mount_1.isMounted)(dir), false);
        }
        finally {
            child.kill('SIGKILL');
        }
    });
});
(0, node_test_1.describe)('randfs: bad input', () => {
    async function expectFailure(args, code, pattern, mnt) {
        const r = await (0, run_1.runFilter)('randfs', args, { timeout: 20_000 });
        const lines = (0, run_1.stderrLines)(r);
        strict_1.default.equal(r.code, code, r.stderr);
        strict_1.default.match(lines[0], pattern);
        strict_1.default.match(lines[0], /^randfs: /);
        if (code === 2)
            strict_1.default.match(lines[0], /; see randfs --help$/);
        strict_1.default.equal(lines.length, 1, r.stderr);
        strict_1.default.equal(out(r), '');
        if (mnt)
            strict_1.default.equal(await (0, mount_1.isMounted)(mnt), false);
    }
    (0, node_test_1.it)('no mountpoint: usage, exit 2', () => expectFailure([], 2, /missing MOUNTPOINT/));
    (0, node_test_1.it)('two mountpoints: usage, exit 2', () => expectFailure(['/tmp', '/tmp'], 2, /extra operand/));
    (0, node_test_1.it)('mountpoint missing: exit 1', async () => {
        const dir = (0, node_path_1.join)(await (0, mount_1.tempDir)(), 'absent');
        await expectFailure([dir], 1, /cannot mount .*absent: no such directory$/, dir);
    });
    (0, node_test_1.it)('mountpoint not a directory: exit 1', async () => {
        const file = (0, node_path_1.join)(await (0, mount_1.tempDir)(), 'file');
        await (0, promises_1.writeFile)(file, 'x');
        await expectFailure([file], 1, /cannot mount .*file: not a directory$/, file);
    });
    (0, node_test_1.it)('no permission on the mountpoint: exit 1', async () => {
        const dir = await mountpoint('locked');
        let r;
        if (process.getuid() === 0) {
            // Root may mount anywhere: ask as nobody, who may not write here.
            r = await (0, run_1.runCommand)('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, (0, run_1.filterPath)('randfs'), dir], { timeout: 20_000 });
        }
        else {
            await (0, promises_1.chmod)(dir, 0o555);
            r = await (0, run_1.runFilter)('randfs', [dir], { timeout: 20_000 });
        }
        strict_1.default.equal(r.code, 1, r.stderr);
        strict_1.default.deepEqual((0, run_1.stderrLines)(r), [`randfs: cannot mount ${dir}: permission denied`]);
        strict_1.default.equal(await (0, mount_1.isMounted)(dir), false);
    });
    (0, node_test_1.it)('already a mount point: exit 1, the first mount keeps serving', async () => {
        const dir = await mountpoint('busy');
        const fs = await (0, mount_1.startRandfs)(dir);
        await expectFailure([dir], 1, /already a mount point$/);
        strict_1.default.ok(await (0, mount_1.serves)(dir));
        strict_1.default.equal((await fs.stop()).code, 0);
    });
    for (const [args, pattern] of [
        [['--bogus'], /unknown option --bogus/],
        [['--fanout', 'many'], /: invalid --fanout 'many' \(a whole number from 0 to 1000000\); see/],
        [['--max-depth=-1'], /: invalid --max-depth '-1' \(a whole number from 0 to 1000000\); see/],
        [['--file-size', '9-1'], /: invalid --file-size '9-1' \(a size or a range MIN-MAX, such as 4K or 0-1M\); see/],
        [['--inject-errors', '1.5'], /: invalid --inject-errors '1.5' \(a rate from 0 to 1, such as 0.1\); see/],
        [['--timeout', 'never'], /: invalid --timeout 'never' \(a duration such as 30s, 500ms or 2m\); see/],
    ]) {
        (0, node_test_1.it)(`bad option ${args.join(' ')}: exit 2, nothing mounted`, async () => {
            const dir = await mountpoint('opt');
            await expectFailure([...args, dir], 2, pattern, dir);
        });
    }
    (0, node_test_1.it)('option without its value: exit 2, nothing mounted', async () => {
        const dir = await mountpoint('opt');
        await expectFailure([dir, '--log'], 2, /option --log needs a value/, dir);
    });
    (0, node_test_1.it)('a log that cannot be opened: exit 1, nothing mounted', async () => {
        const dir = await mountpoint('nolog');
        await expectFailure(['--log', (0, node_path_1.join)(dir, 'missing', 'x.log'), dir], 1, /cannot open log/, dir);
    });
    (0, node_test_1.it)('--help prints the options and exits 0', async () => {
        const r = await (0, run_1.runFilter)('randfs', ['--help']);
        strict_1.default.equal(r.code, 0);
        strict_1.default.match(out(r), /^Usage: randfs \[OPTION\]\.\.\. MOUNTPOINT/);
    });
});
(0, node_test_1.describe)('randfs man page', () => {
    (0, node_test_1.it)('runs every EXAMPLES block (randfs on PATH, /mnt/rand a temp dir)', async () => {
        const blocks = (0, docs_1.manExamples)((0, docs_1.manPage)('randfs'));
        strict_1.default.equal(blocks.length, 3);
        const bin = await (0, mount_1.tempDir)('randfs-bin-');
        await (0, promises_1.writeFile)((0, node_path_1.join)(bin, 'randfs'), `#!/bin/sh\nexec "${process.execPath}" "${(0, run_1.filterPath)('randfs')}" "$@"\n`);
        await (0, promises_1.chmod)((0, node_path_1.join)(bin, 'randfs'), 0o755);
        const outputs = [];
        for (const block of blocks) {
            const dir = await mountpoint('rand');
            const log = (0, node_path_1.join)(await (0, mount_1.tempDir)(), 'randfs.log');
            const script = block.replaceAll('/mnt/rand', dir).replaceAll('/tmp/randfs.log', log);
            // Own process group, so a failed example cannot leave its background randfs behind.
            const child = (0, node_child_process_1.spawn)('sh', ['-c', script], { detached: true, env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
            let stdout = '';
            let stderr = '';
            child.stdout.on('data', (c) => (stdout += c.toString()));
            child.stderr.on('data', (c) => (stderr += c.toString()));
            const closed = new Promise((resolve) => child.on('close', () => resolve()));
            const timer = setTimeout(() => process.kill(-child.pid, 'SIGKILL'), 60_000);
            const code = await new Promise((resolve) => child.on('exit', resolve));
            clearTimeout(timer);
            try {
                // A background randfs the example failed to stop still holds stdout open.
                process.kill(-child.pid, 'SIGTERM');
            }
            catch {
                // ESRCH: the example stopped everything it started.
            }
            await closed;
            await (0, mount_1.waitFor)(async () => !(await (0, mount_1.isMounted)(dir)), 10_000, `${dir} to be unmounted by the example's kill`);
            strict_1.default.equal(code, 0, `${script}\n${stderr}`);
            outputs.push(stdout);
        }
        const lines = outputs[0].trim().split('\n');
        strict_1.default.equal(lines.length, 10);
        strict_1.default.ok(lines.every((l) => l.startsWith('/')));
        strict_1.default.match(outputs[1], /^[0-9a-f]{64} {2}-\n$/);
        strict_1.default.match(outputs[2], /^\d+\n$/);
    });
});
