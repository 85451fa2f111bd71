"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_crypto_1 = require("node:crypto");
const node_test_1 = require("node:test");
const randfs_1 = require("../lib/fuse/randfs");
const safe_1 = require("../lib/fuse/safe");
const ops_1 = require("../lib/fuse/ops");
const options_1 = require("../lib/fuse/options");
const cli_1 = require("../lib/cli");
function walk(tree, path = '/', depth = 0, maxDepth = 3, out = []) {
    for (const { name, entry } of tree.list(path) ?? []) {
        out.push(`${entry.kind} ${entry.path} ${entry.ino} ${entry.size} ${entry.mtime}`);
        if (entry.kind === 'dir' && depth + 1 < maxDepth)
            walk(tree, entry.path, depth + 1, maxDepth, out);
        strict_1.default.equal(entry.path.endsWith('/' + name), true);
    }
    return out;
}
function files(tree, path = '/') {
    return (tree.list(path) ?? []).map((l) => l.entry).filter((e) => e.kind === 'file');
}
(0, node_test_1.describe)('randfs tree model (no mount)', () => {
    (0, node_test_1.it)('is a pure function of (seed, path): same seed same tree, other seed other tree', () => {
        const a = walk(new randfs_1.RandTree({ seed: 'one', fanout: 3, files: 2 }));
        const b = walk(new randfs_1.RandTree({ seed: 'one', fanout: 3, files: 2 }));
        const c = walk(new randfs_1.RandTree({ seed: 'two', fanout: 3, files: 2 }));
        // 5 entries at the root, 5 in each of 3 dirs, 5 in each of 9: 65
        strict_1.default.equal(a.length, 65);
        strict_1.default.deepEqual(a, b);
        strict_1.default.notDeepEqual(a, c);
        strict_1.default.equal(new Set(c.map((l) => l.split(' ')[1])).size, c.length);
    });
    (0, node_test_1.it)('lists fanout directories then files, with distinct 8-letter names, and finds each by lookup', () => {
        const tree = new randfs_1.RandTree({ seed: 's', fanout: 5, files: 7 });
        const listing = tree.list('/');
        strict_1.default.equal(listing.length, 12);
        strict_1.default.deepEqual(listing.map((l) => l.entry.kind), [...Array(5).fill('dir'), ...Array(7).fill('file')]);
        strict_1.default.equal(new Set(listing.map((l) => l.name)).size, 12);
        for (const { name, entry } of listing) {
            strict_1.default.match(name, /^[a-z2-7]{8}$/);
            strict_1.default.deepEqual(tree.lookup('/' + name), entry);
        }
        const sub = listing[0].entry.path;
        for (const { entry } of tree.list(sub))
            strict_1.default.deepEqual(tree.lookup(entry.path), entry);
    });
    (0, node_test_1.it)('answers undefined for paths that do not exist', () => {
        const tree = new randfs_1.RandTree({ seed: 's', fanout: 2, files: 2 });
        const [dir, , file] = tree.list('/');
        strict_1.default.equal(tree.lookup('/aaaaaaaa'), undefined);
        strict_1.default.equal(tree.lookup('/nope'), undefined);
        strict_1.default.equal(tree.lookup(`${file.entry.path}/x`), undefined);
        strict_1.default.equal(tree.lookup(`${file.entry.path}/${dir.name}`), undefined);
        strict_1.default.equal(tree.list(file.entry.path), undefined);
        // A name valid in one directory is not valid in another.
        const other = tree.list(dir.entry.path);
        strict_1.default.equal(tree.lookup('/' + other[0].name), undefined);
    });
    (0, node_test_1.it)('keeps the root at inode 1 and gives stable inodes and mtimes', () => {
        const t1 = new randfs_1.RandTree({ seed: 'x' });
        const t2 = new randfs_1.RandTree({ seed: 'x' });
        strict_1.default.equal(t1.lookup('/').ino, 1);
        const p = t1.list(t1.list('/')[0].entry.path)[1].entry.path;
        strict_1.default.deepEqual(t1.lookup(p), t2.lookup(p));
        strict_1.default.equal(t1.lookup(p).mtime % 1000, 0);
        strict_1.default.ok(t1.lookup(p).mtime < Date.UTC(2008, 3, 24));
    });
    (0, node_test_1.it)('stops adding directories at --max-depth and keeps files there', () => {
        const tree = new randfs_1.RandTree({ seed: 'd', fanout: 2, files: 1, maxDepth: 2 });
        const d1 = tree.list('/')[0].entry;
        const d2 = tree.list(d1.path)[0].entry;
        strict_1.default.equal(d2.depth, 2);
        strict_1.default.equal(d2.dirs, 0);
        strict_1.default.deepEqual(tree.list(d2.path).map((l) => l.entry.kind), ['file']);
    });
    (0, node_test_1.it)('is unbounded in depth without --max-depth', () => {
        const tree = new randfs_1.RandTree({ seed: 'deep', fanout: 1, files: 0 });
        let path = '/';
        for (let i = 0; i < 200; i++)
            path = tree.list(path)[0].entry.path;
        strict_1.default.equal(tree.lookup(path).depth, 200);
        strict_1.default.equal(tree.lookup(path).kind, 'dir');
    });
    (0, node_test_1.it)('sizes files within --file-size, fixed or a range', () => {
        const fixed = new randfs_1.RandTree({ seed: 'f', files: 20, fileSize: 4096 });
        strict_1.default.ok(files(fixed).every((e) => e.size === 4096));
        const ranged = new randfs_1.RandTree({ seed: 'f', files: 200, fileSize: { min: 10, max: 20 } });
        const sizes = files(ranged).map((e) => e.size);
        strict_1.default.ok(sizes.every((s) => s >= 10 && s <= 20));
        strict_1.default.ok(new Set(sizes).size > 5);
        const huge = new randfs_1.RandTree({ seed: 'f', files: 50, fileSize: { min: 0, max: 2 ** 40 } });
        strict_1.default.ok(files(huge).some((e) => e.size > 2 ** 32));
    });
    (0, node_test_1.it)('reads the same bytes at odd offsets and in odd chunk sizes as whole', () => {
        const tree = new randfs_1.RandTree({ seed: 'c', files: 3, fileSize: { min: 70_000, max: 140_000 } });
        for (const entry of files(tree)) {
            const whole = Buffer.alloc(entry.size);
            strict_1.default.equal(tree.read(entry, whole, 0, entry.size), entry.size);
            strict_1.default.deepEqual((0, randfs_1.readContent)('c', entry.path, entry.size, 0, entry.size + 100), whole);
            for (const chunk of [1, 7, 15, 16, 17, 4095, 4097, 65_537]) {
                // Tiny chunks over the first pages, big ones to the end (and past it).
                const end = chunk < 4095 ? 9000 : entry.size;
                const parts = [];
                for (let off = 0; off < end; off += chunk) {
                    const b = Buffer.alloc(chunk);
                    parts.push(b.subarray(0, tree.read(entry, b, off, chunk)));
                }
                strict_1.default.deepEqual(Buffer.concat(parts).subarray(0, end), whole.subarray(0, end), `chunk ${chunk}`);
            }
            for (const off of [3, 16 * 1024 - 1, 65_535, entry.size - 5]) {
                strict_1.default.deepEqual((0, randfs_1.readContent)('c', entry.path, entry.size, off, 9), whole.subarray(off, off + 9));
            }
            const past = Buffer.alloc(10);
            strict_1.default.equal(tree.read(entry, past, entry.size, 10), 0);
            strict_1.default.equal(tree.read(entry, past, entry.size + 1000, 10), 0);
        }
    });
    (0, node_test_1.it)('reads content at offsets past 4 GiB (counter beyond 32 bits)', () => {
        const size = 2 ** 40;
        const at = 2 ** 36 + 13;
        const a = (0, randfs_1.readContent)('s', '/big', size, at, 40);
        const b = Buffer.concat([(0, randfs_1.readContent)('s', '/big', size, at, 3), (0, randfs_1.readContent)('s', '/big', size, at + 3, 37)]);
        strict_1.default.deepEqual(a, b);
        strict_1.default.notDeepEqual(a, (0, randfs_1.readContent)('s', '/big', size, 13, 40));
    });
    (0, node_test_1.it)('makes content look random: different files differ, bytes spread', () => {
        const a = (0, randfs_1.readContent)('s', '/a', 65_536, 0, 65_536);
        const b = (0, randfs_1.readContent)('s', '/b', 65_536, 0, 65_536);
        strict_1.default.notDeepEqual(a, b);
        const counts = new Array(256).fill(0);
        for (const byte of a)
            counts[byte]++;
        strict_1.default.ok(Math.min(...counts) > 150 && Math.max(...counts) < 380);
        strict_1.default.notEqual((0, node_crypto_1.createHash)('sha256').update(a).digest('hex'), (0, node_crypto_1.createHash)('sha256').update(b).digest('hex'));
    });
    (0, node_test_1.it)('under chaos, names change on every listing and earlier names stay reachable', () => {
        const tree = new randfs_1.RandTree({ seed: 'chaos', fanout: 2, files: 2, chaos: true });
        const first = tree.list('/').map((l) => l.name);
        const second = tree.list('/').map((l) => l.name);
        strict_1.default.notDeepEqual(first, second);
        for (const name of [...first, ...second])
            strict_1.default.ok(tree.lookup('/' + name), name);
        const d = tree.list('/')[0].entry;
        strict_1.default.equal(tree.lookup(d.path).kind, 'dir');
        strict_1.default.ok(tree.list(d.path).length === 4);
    });
    (0, node_test_1.it)('rejects impossible shapes', () => {
        strict_1.default.throws(() => new randfs_1.RandTree({ fanout: -1 }), RangeError);
        strict_1.default.throws(() => new randfs_1.RandTree({ files: 1.5 }), RangeError);
        strict_1.default.throws(() => new randfs_1.RandTree({ fileSize: { min: 5, max: 1 } }), RangeError);
        strict_1.default.throws(() => new randfs_1.RandTree({ maxDepth: -1 }), RangeError);
    });
});
(0, node_test_1.describe)('randfs options', () => {
    (0, node_test_1.it)('parses --file-size as a size or a MIN-MAX range', () => {
        strict_1.default.deepEqual((0, options_1.parseSizeRange)('4K'), { min: 4096, max: 4096 });
        strict_1.default.deepEqual((0, options_1.parseSizeRange)('0-1M'), { min: 0, max: 1048576 });
        strict_1.default.equal((0, options_1.parseSizeRange)('5-1'), undefined);
        strict_1.default.equal((0, options_1.parseSizeRange)('x'), undefined);
        strict_1.default.equal((0, options_1.parseSizeRange)('1-2-3'), undefined);
    });
    (0, node_test_1.it)('turns flags into options', () => {
        const o = (0, options_1.randfsOptionsFromFlags)({ seed: 'a', fanout: '3', files: '0', 'max-depth': '2', chaos: true, 'inject-errors': '0.5', timeout: '250ms' });
        strict_1.default.deepEqual({ ...o }, { seed: 'a', fanout: 3, files: 0, maxDepth: 2, chaos: true, log: undefined, injectErrors: 0.5, opTimeoutMs: 250 });
        strict_1.default.deepEqual({ ...(0, options_1.randfsOptionsFromFlags)({ 'file-size': '1K-2K', 'max-depth': '0', 'inject-errors': '1', timeout: '1m', fanout: '1000000', files: '0' }) }, { seed: undefined, fanout: 1_000_000, files: 0, maxDepth: 0, chaos: false, log: undefined, opTimeoutMs: 60_000, fileSize: { min: 1024, max: 2048 }, injectErrors: 1 });
        strict_1.default.deepEqual({ ...(0, options_1.randfsOptionsFromFlags)({}) }, { seed: undefined, fanout: undefined, files: undefined, maxDepth: undefined, chaos: false, log: undefined, opTimeoutMs: undefined });
    });
    // One message style with every other filter: `invalid --NAME 'VALUE' (what is expected)`.
    const bad = [
        [{ fanout: 'x' }, "invalid --fanout 'x' (a whole number from 0 to 1000000)"],
        [{ files: '-1' }, "invalid --files '-1' (a whole number from 0 to 1000000)"],
        [{ files: '1000001' }, "invalid --files '1000001' (a whole number from 0 to 1000000)"],
        [{ 'max-depth': '1.5' }, "invalid --max-depth '1.5' (a whole number from 0 to 1000000)"],
        [{ 'file-size': '9-1' }, "invalid --file-size '9-1' (a size or a range MIN-MAX, such as 4K or 0-1M)"],
        [{ 'file-size': '1-2-3' }, "invalid --file-size '1-2-3' (a size or a range MIN-MAX, such as 4K or 0-1M)"],
        [{ 'inject-errors': '2' }, "invalid --inject-errors '2' (a rate from 0 to 1, such as 0.1)"],
        [{ 'inject-errors': 'often' }, "invalid --inject-errors 'often' (a rate from 0 to 1, such as 0.1)"],
        [{ timeout: 'soon' }, "invalid --timeout 'soon' (a duration such as 30s, 500ms or 2m)"],
        [{ timeout: '0s' }, "invalid --timeout '0s' (a duration such as 30s, 500ms or 2m)"],
        [{ fanout: '999999', files: '999999' }, '--fanout plus --files must not exceed 1000000'],
    ];
    for (const [flags, message] of bad) {
        (0, node_test_1.it)(`rejects ${JSON.stringify(flags)} with a usage error`, () => {
            strict_1.default.throws(() => (0, options_1.randfsOptionsFromFlags)(flags), (err) => {
                strict_1.default.ok(err instanceof cli_1.UsageError);
                strict_1.default.equal(err.message, message);
                return true;
            });
        });
    }
});
(0, node_test_1.describe)('safe op wrapper (no mount)', () => {
    function collect() {
        const records = [];
        return { records, onFault: (r) => records.push(r) };
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    function call(h, ...args) {
        return new Promise((resolve) => h(...args, (...res) => resolve(res)));
    }
    (0, node_test_1.it)('passes answers through untouched', async () => {
        const { records, onFault } = collect();
        const h = (0, safe_1.safeHandler)('getattr', (p, cb) => cb(0, { p }), { onFault });
        strict_1.default.deepEqual(await call(h, '/x'), [0, { p: '/x' }]);
        strict_1.default.equal(records.length, 0);
    });
    (0, node_test_1.it)('turns a sync throw into one record with op, args and stack, and EIO', async () => {
        const { records, onFault } = collect();
        const h = (0, safe_1.safeHandler)('read', () => {
            throw new Error('boom');
        }, { onFault });
        strict_1.default.deepEqual(await call(h, '/f', 0, Buffer.alloc(8), 8, 3), [safe_1.EIO]);
        strict_1.default.equal(records.length, 1);
        const [r] = records;
        strict_1.default.equal(r.op, 'read');
        strict_1.default.equal(r.kind, 'throw');
        strict_1.default.deepEqual(r.args, ['/f', 0, '<Buffer 8 bytes>', 8, 3]);
        strict_1.default.match(r.stack, /boom\n\s+at /);
        strict_1.default.ok(!Number.isNaN(Date.parse(r.time)));
        strict_1.default.equal(r.injected, false);
        strict_1.default.doesNotThrow(() => JSON.parse(JSON.stringify(r)));
    });
    (0, node_test_1.it)('turns an async rejection into a record and EIO', async () => {
        const { records, onFault } = collect();
        const h = (0, safe_1.safeHandler)('readdir', async () => Promise.reject(new TypeError('nope')), { onFault });
        strict_1.default.deepEqual(await call(h, '/'), [safe_1.EIO]);
        strict_1.default.equal(records[0].kind, 'reject');
        strict_1.default.match(records[0].stack, /TypeError: nope/);
    });
    (0, node_test_1.it)('answers EIO when a handler never calls back, and ignores a late answer', async () => {
        const { records, onFault } = collect();
        let late;
        const h = (0, safe_1.safeHandler)('open', (_p, _f, cb) => (late = cb), { onFault, timeoutMs: 50 });
        const answers = [];
        const first = new Promise((resolve) => h('/f', 0, (...res) => {
            answers.push(res);
            resolve();
        }));
        const started = Date.now();
        await first;
        strict_1.default.ok(Date.now() - started >= 45);
        late(0, 3);
        strict_1.default.deepEqual(answers, [[safe_1.EIO]]);
        strict_1.default.equal(records[0].kind, 'timeout');
        strict_1.default.match(records[0].error, /no answer within 50 ms/);
    });
    (0, node_test_1.it)('answers once when a handler calls back twice, and survives a throwing log', async () => {
        const h = (0, safe_1.safeHandler)('getattr', (cb) => {
            cb(0);
            cb(-2);
            throw new Error('after answering');
        }, {
            onFault: () => {
                throw new Error('log broken');
            },
        });
        const answers = [];
        h((...res) => answers.push(res));
        strict_1.default.deepEqual(answers, [[0]]);
    });
    (0, node_test_1.it)('wraps a whole table and injects faults that the wrapper catches, one record each', async () => {
        const { records, onFault } = collect();
        let n = 0;
        const random = () => (n++ % 2 === 0 ? 0 : 0.99);
        const faulty = (0, safe_1.injectFaults)((0, ops_1.randfsOperations)(new randfs_1.RandTree({ seed: 'i' })), 0.5, random);
        const ops = (0, safe_1.safeOperations)(faulty.ops, { onFault });
        const results = [];
        for (let i = 0; i < 10; i++)
            results.push(await call(ops.getattr, '/'));
        strict_1.default.equal(faulty.injected(), 5);
        strict_1.default.equal(records.length, 5);
        strict_1.default.ok(records.every((r) => r.injected && r.op === 'getattr' && /InjectedFault: injected fault in getattr/.test(r.stack)));
        strict_1.default.deepEqual(new Set(records.map((r) => r.kind)), new Set(['throw', 'reject']));
        strict_1.default.equal(results.filter((r) => r[0] === safe_1.EIO).length, 5);
        strict_1.default.equal(results.filter((r) => r[0] === 0).length, 5);
    });
});
