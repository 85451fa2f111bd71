"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const node_fs_1 = require("node:fs");
const node_crypto_1 = require("node:crypto");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
const node_zlib_1 = require("node:zlib");
const client_s3_1 = require("@aws-sdk/client-s3");
const run_1 = require("./helpers/run");
const s3_1 = require("./helpers/s3");
const example_mail_1 = require("./helpers/example-mail");
const data_1 = require("./helpers/data");
const layout_1 = require("../lib/s3/layout");
const aws_config_1 = require("../lib/s3/aws-config");
const client_1 = require("../lib/s3/client");
const docs_1 = require("./helpers/docs");
const REQUIRED = ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'EXIT STATUS', 'ENVIRONMENT', 'EXAMPLES', 'SEE ALSO'];
const FILTERS = (0, docs_1.filterNames)();
(0, node_test_1.describe)('every filter is documented the same way', () => {
    (0, node_test_1.it)('package.json lists the nine filters, each with a man page', () => {
        strict_1.default.deepEqual(FILTERS, ['etrn', 'mxprobe', 'randfs', 's3ls', 's3mb', 's3put', 's3rm', 's3sink', 's3source']);
        const pkg = JSON.parse((0, node_fs_1.readFileSync)((0, node_path_1.join)(docs_1.ROOT, 'package.json'), 'utf8'));
        strict_1.default.deepEqual([...pkg.man].sort(), FILTERS.map((n) => `man/${n}.1`));
    });
    for (const name of FILTERS) {
        (0, node_test_1.describe)(name, () => {
            (0, node_test_1.it)(`${name}(1) has ${REQUIRED.join(', ')} in that order`, () => {
                const sections = (0, docs_1.manSections)((0, docs_1.manPage)(name)).filter((s) => REQUIRED.includes(s));
                strict_1.default.deepEqual(sections, REQUIRED);
            });
            (0, node_test_1.it)(`${name}(1) lints clean (groff -ww -z -man) and renders with man -l`, async () => {
                const page = (0, node_path_1.join)(docs_1.ROOT, 'man', `${name}.1`);
                const lint = await (0, run_1.runCommand)('groff', ['-ww', '-z', '-man', page]);
                strict_1.default.equal(lint.code, 0, lint.stderr);
                strict_1.default.equal(lint.stderr, '');
                const shown = await (0, run_1.runCommand)('man', ['-l', page], { env: { ...process.env, MANPAGER: 'cat', MANWIDTH: '80' } });
                strict_1.default.equal(shown.code, 0, shown.stderr);
                strict_1.default.match(shown.stdout.toString(), new RegExp(`^${name.toUpperCase()}\\(1\\)`));
            });
            (0, node_test_1.it)(`${name} --help lists exactly the options of ${name}(1)`, async () => {
                const help = await (0, run_1.runFilter)(name, ['--help']);
                strict_1.default.equal(help.code, 0);
                strict_1.default.equal(help.stderr, '');
                const options = (0, docs_1.helpOptions)(help.stdout.toString());
                strict_1.default.ok(options.includes('help') && options.includes('version'));
                strict_1.default.deepEqual((0, docs_1.manOptions)((0, docs_1.manPage)(name)), options);
            });
            (0, node_test_1.it)(`${name} --help synopsis matches the man page SYNOPSIS`, async () => {
                const help = (await (0, run_1.runFilter)(name, ['--help'])).stdout.toString();
                strict_1.default.match(help, new RegExp(`^Usage: ${name} `));
                strict_1.default.ok((0, docs_1.manPage)(name).includes(`.B ${name}`), 'SYNOPSIS names the filter');
            });
            (0, node_test_1.it)(`${name} --version prints its name and the package version`, async () => {
                const pkg = JSON.parse((0, node_fs_1.readFileSync)((0, node_path_1.join)(docs_1.ROOT, 'package.json'), 'utf8'));
                const r = await (0, run_1.runFilter)(name, ['--version']);
                strict_1.default.equal(r.code, 0);
                strict_1.default.equal(r.stdout.toString(), `${name} ${pkg.version}\n`);
            });
            (0, node_test_1.it)(`${name} rejects an unknown option with exit 2 and one line`, async () => {
                const r = await (0, run_1.runFilter)(name, ['--no-such-option'], { input: '' });
                strict_1.default.equal(r.code, 2);
                strict_1.default.equal(r.stderr, `${name}: unknown option --no-such-option; see ${name} --help\n`);
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
(0, node_test_1.describe)('documentation examples run as written', () => {
    let s3;
    let mail;
    let work;
    let env;
    let awsFilesEnv;
    (0, node_test_1.before)(async () => {
        s3 = await (0, s3_1.startS3rver)();
        const client = (0, s3_1.testClient)(s3);
        for (const bucket of ['backup'])
            await client.send(new client_s3_1.CreateBucketCommand({ Bucket: bucket }));
        for (const key of ['old/a', 'old/b/c', 'tmp/x', 'tmp/y z']) {
            await client.send(new client_s3_1.PutObjectCommand({ Bucket: 'backup', Key: key, Body: key }));
        }
        mail = await (0, example_mail_1.startExampleMail)();
        work = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'pipekit-docs-'));
        for (let i = 0; i < 6; i++) {
            (0, node_fs_1.mkdirSync)((0, node_path_1.join)(work, 'www', `d${i % 2}`), { recursive: true });
            (0, node_fs_1.writeFileSync)((0, node_path_1.join)(work, 'www', `d${i % 2}`, `page ${i}.html`), (0, data_1.seededBytes)(1000 * i + 1, i));
        }
        (0, node_fs_1.mkdirSync)((0, node_path_1.join)(work, 'home', 'ann'), { recursive: true });
        (0, node_fs_1.writeFileSync)((0, node_path_1.join)(work, 'home', 'ann', 'notes.txt'), 'notes\n');
        (0, node_fs_1.writeFileSync)((0, node_path_1.join)(work, 'domains'), 'example.org\nexample.net\n');
        (0, node_fs_1.writeFileSync)((0, node_path_1.join)(work, 'db.dump'), (0, data_1.seededBytes)(3 * 2 ** 20 + 5, 99));
        // The files the README shows (~/.aws/config, ~/.aws/credentials, s3store.ini), as it
        // shows them but with this server's keys, and in ~/.aws/config its endpoint_url: the
        // README's profile names AWS, which the suite cannot reach. ~ is the work directory.
        for (const [path, text] of (0, docs_1.markdownFiles)(blocks)) {
            let body = text
                .replace(/^(aws_access_key_id\s*[:=]\s*).*$/gm, `$1${s3.accessKeyId}`)
                .replace(/^(aws_secret_access_key\s*[:=]\s*).*$/gm, `$1${s3.secretAccessKey}`);
            if (path === '~/.aws/config') {
                body = body.replace(/^endpoint_url\s*=.*\n/gm, '').replace(/^\[.*\]\n/gm, (head) => `${head}endpoint_url = ${s3.endpoint}\n`);
            }
            const file = (0, node_path_1.join)(work, path.replace(/^~\//, ''));
            (0, node_fs_1.mkdirSync)((0, node_path_1.dirname)(file), { recursive: true });
            (0, node_fs_1.writeFileSync)(file, body);
            (0, node_fs_1.chmodSync)(file, 0o600);
        }
        // `require('pipekit')` from the example resolves to this repository.
        (0, node_fs_1.mkdirSync)((0, node_path_1.join)(work, 'node_modules'));
        (0, node_fs_1.symlinkSync)(docs_1.ROOT, (0, node_path_1.join)(work, 'node_modules', 'pipekit'));
        const shims = (0, node_path_1.join)(work, '.shims');
        (0, node_fs_1.mkdirSync)(shims);
        (0, node_fs_1.writeFileSync)((0, node_path_1.join)(shims, 'ssh'), '#!/bin/sh\n# ssh HOST COMMAND: run COMMAND here\nshift\nexec sh -c "$*"\n', { mode: 0o755 });
        env = (0, s3_1.s3Env)(s3, s3.endpoint, {
            PATH: `${docs_1.BIN}:${shims}:${process.env.PATH ?? ''}`,
            PIPEKIT_NAMESERVER: mail.nameserver,
        });
        // For blocks noted `as ~/.aws`: the profile alone says where and who, as on a desk
        // with only ~/.aws set up.
        const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, AWS_ENDPOINT_URL: _endpoint, AWS_REGION: _region, ...rest } = env;
        awsFilesEnv = {
            ...rest,
            HOME: work,
            AWS_CONFIG_FILE: (0, node_path_1.join)(work, '.aws', 'config'),
            AWS_SHARED_CREDENTIALS_FILE: (0, node_path_1.join)(work, '.aws', 'credentials'),
        };
    });
    (0, node_test_1.after)(async () => {
        await (0, run_1.runCommand)('fusermount', ['-u', '-z', '/tmp/rand']);
        await mail?.close();
        await s3?.stop();
        if (work)
            (0, node_fs_1.rmSync)(work, { recursive: true, force: true });
    });
    function shell(script, base = env) {
        // The SMTP port stands in for 25: Postfix for ETRN examples, smtp-server for the rest.
        const port = /\betrn\b/.test(script) ? mail.postfixPort : mail.smtpPort;
        return (0, run_1.runCommand)('bash', ['-e', '-c', `${script}\nwait`], {
            cwd: work,
            env: { ...base, PIPEKIT_SMTP_PORT: String(port) },
            timeout: 90_000,
        });
    }
    /** A block written for MinIO (its default address and keys), pointed at this suite's server. */
    function onLocalServer(script) {
        return script
            .replaceAll('http://127.0.0.1:9000', s3.endpoint)
            .replaceAll('AWS_SECRET_ACCESS_KEY=minioadmin', `AWS_SECRET_ACCESS_KEY=${s3.secretAccessKey}`)
            .replaceAll('minioadmin', s3.accessKeyId);
    }
    const readme = (0, node_fs_1.readFileSync)((0, node_path_1.join)(docs_1.ROOT, 'README.md'), 'utf8');
    const blocks = (0, docs_1.markdownBlocks)(readme);
    (0, node_test_1.it)('the README has a shell example for every filter', () => {
        const shellCode = blocks.filter((b) => b.lang === 'sh').map((b) => b.code).join('\n');
        for (const name of FILTERS)
            strict_1.default.match(shellCode, new RegExp(`\\b${name}\\b`), `README has no example of ${name}`);
    });
    (0, node_test_1.it)('README: the files it shows parse as the filters read them (~/.aws/config, ~/.aws/credentials, s3store.ini)', () => {
        const files = (0, docs_1.markdownFiles)(blocks);
        strict_1.default.deepEqual([...files.keys()].sort(), ['s3store.ini', '~/.aws/config', '~/.aws/credentials']);
        const profile = (0, aws_config_1.parseAwsIni)(files.get('~/.aws/config'), true).get('backup');
        strict_1.default.ok(profile?.region, 'profile backup with a region');
        const keys = (0, aws_config_1.parseAwsIni)(files.get('~/.aws/credentials'), false).get('backup');
        strict_1.default.ok(keys?.aws_access_key_id && keys.aws_secret_access_key, 'keys of profile backup');
        const ini = (0, client_1.parseS3storeConfig)(files.get('s3store.ini'));
        strict_1.default.ok(ini.accessKeyId && ini.secretAccessKey, 's3store.ini has both keys');
        strict_1.default.equal(ini.bucket, 'backup');
    });
    (0, node_test_1.it)('README: every output it shows follows the block that prints it', () => {
        blocks.forEach((b, i) => {
            if (b.lang === 'text' && (0, docs_1.readNote)(b.note).isOutput)
                strict_1.default.equal(blocks[i - 1]?.lang, 'sh', b.code.split('\n')[0]);
        });
    });
    blocks.forEach((block, i) => {
        if (block.lang !== 'sh' || block.code.includes('make demo'))
            return;
        const note = (0, docs_1.readNote)(block.note);
        const title = block.code.split('\n')[0];
        if (!note.run) {
            // It needs AWS or a tool make test does not install: only its shell syntax is checked here.
            (0, node_test_1.it)(`README (not run: ${note.why}): ${title}`, async () => {
                const r = await (0, run_1.runCommand)('bash', ['-n', '-c', block.code]);
                strict_1.default.equal(r.code, 0, r.stderr);
            });
            return;
        }
        const next = blocks[i + 1];
        const output = next?.lang === 'text' && (0, docs_1.readNote)(next.note).isOutput ? next.code : undefined;
        (0, node_test_1.it)(`README: ${title}`, async () => {
            const r = await shell(note.substitute ? onLocalServer(block.code) : block.code, note.awsFiles ? awsFilesEnv : env);
            strict_1.default.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
            if (output !== undefined)
                strict_1.default.equal((0, docs_1.comparableOutput)(r.stdout.toString()), (0, docs_1.comparableOutput)(output), 'the output the README shows');
        });
    });
    for (const server of ['s3rver', 'rgw']) {
        (0, node_test_1.it)(`README: SERVER=${server} make demo (its script, test/demo.sh, on a small directory)`, async () => {
            const r = await (0, run_1.runCommand)('bash', ['test/demo.sh'], { cwd: docs_1.ROOT, env: { ...process.env, DEMO_DIR: 'lib', SERVER: server }, timeout: 180_000 });
            strict_1.default.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
            strict_1.default.match(r.stdout.toString(), /identical: the round trip is byte-for-byte/);
        });
    }
    (0, node_test_1.it)('README: the library example stores and restores db.dump', async () => {
        const js = blocks.find((b) => b.lang === 'js');
        strict_1.default.ok(js, 'README has a js example');
        (0, node_fs_1.writeFileSync)((0, node_path_1.join)(work, 'example.js'), js.code);
        const r = await (0, run_1.runCommand)(process.execPath, ['example.js'], { cwd: work, env });
        strict_1.default.equal(r.code, 0, r.stderr);
        strict_1.default.ok(r.stdout.equals((0, node_fs_1.readFileSync)((0, node_path_1.join)(work, 'db.dump'))), 'restored bytes differ');
    });
    (0, node_test_1.it)('README: examples/nightly-backup.sh, shown verbatim, backs up, keeps its policy, checks and restores last Tuesday', async () => {
        const scriptPath = (0, node_path_1.join)(docs_1.ROOT, 'examples', 'nightly-backup.sh');
        const script = (0, node_fs_1.readFileSync)(scriptPath, 'utf8');
        strict_1.default.ok(blocks.some((b) => b.lang === 'bash' && b.code === script), 'the README shows examples/nightly-backup.sh verbatim');
        const client = (0, s3_1.testClient)(s3);
        const name = 'nightly';
        const url = `s3://backup/${name}`;
        const src = (0, node_path_1.join)(work, 'nightly-src');
        (0, node_fs_1.mkdirSync)((0, node_path_1.join)(src, 'sub'), { recursive: true });
        (0, node_fs_1.writeFileSync)((0, node_path_1.join)(src, 'index.html'), (0, data_1.seededBytes)(4000, 7));
        (0, node_fs_1.writeFileSync)((0, node_path_1.join)(src, 'sub', 'notes.txt'), 'nightly\n');
        // Earlier nights, stored as s3sink stores them but dated then (GEN id and manifest):
        // each holds a one-file archive naming its night.
        const earlierNight = async (when, label) => {
            const dir = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)(work, 'night-'));
            (0, node_fs_1.writeFileSync)((0, node_path_1.join)(dir, 'night.txt'), `${label}\n`);
            const body = (await (0, run_1.runCommand)('tar', ['czf', '-', '-C', dir, '.'])).stdout;
            const generation = (0, layout_1.newGeneration)(when, (0, node_crypto_1.randomBytes)(4).toString('hex'));
            const sha256 = (0, node_crypto_1.createHash)('sha256').update(body).digest('hex');
            const key = (0, layout_1.chunkKey)(name, generation, 0);
            const manifest = {
                format: layout_1.MANIFEST_FORMAT,
                name,
                generation,
                chunkSize: 8 * 2 ** 20,
                chunks: [{ key, size: body.length, sha256 }],
                size: body.length,
                sha256,
                created: new Date(when.getTime() + 40_000).toISOString(),
            };
            await client.send(new client_s3_1.PutObjectCommand({ Bucket: 'backup', Key: key, Body: body }));
            for (const k of [(0, layout_1.generationManifestKey)(name, generation), (0, layout_1.manifestKey)(name)]) {
                await client.send(new client_s3_1.PutObjectCommand({ Bucket: 'backup', Key: k, Body: JSON.stringify(manifest), ContentType: 'application/json' }));
            }
            return generation;
        };
        const DAY = 86_400_000;
        const midnight = Math.floor(Date.now() / DAY) * DAY; // UTC, as retention and `date -u` count days
        const toTuesday = (new Date(midnight).getUTCDay() + 5) % 7 || 7; // as `date -d 'last tuesday'`: 1 to 7 days back
        const at = (days, hours) => new Date(midnight - days * DAY + hours * 3_600_000);
        const fortyDays = await earlierNight(at(40, 2.5), 'forty days ago');
        const tenDaysFirst = await earlierNight(at(10, 1), 'ten days ago, first');
        const tenDaysAgain = await earlierNight(at(10, 3), 'ten days ago, again');
        const tuesday = await earlierNight(at(toTuesday, 2.5), 'last Tuesday');
        const nightly = (args, extra = {}) => (0, run_1.runCommand)('bash', [scriptPath, ...args], { cwd: work, env: { ...env, BACKUP_URL: url, BACKUP_DIR: src, ...extra }, timeout: 90_000 });
        const generations = async () => {
            const r = await (0, run_1.runFilter)('s3ls', ['--generations', url], { env });
            strict_1.default.equal(r.code, 0, r.stderr);
            return r.stdout.toString().trim().split('\n').map((line) => line.split('\t'));
        };
        const today = String(new Date().getDay() || 7); // the script's `date +%u`
        const notToday = String((Number(today) % 7) + 1);
        // Tonight, not the check day: silent. The daily rule keeps one per day, so the earlier
        // of the two generations ten days ago goes; the oldest stays (a rule with counts left).
        const first = await nightly([], { BACKUP_CHECK_DAY: notToday });
        strict_1.default.equal(first.code, 0, first.stderr);
        strict_1.default.equal(first.stderr, '');
        const afterFirst = await generations();
        strict_1.default.deepEqual(afterFirst.slice(1).map((g) => g[0]), [tuesday, tenDaysAgain, fortyDays]);
        strict_1.default.equal(afterFirst[0][5], 'current');
        strict_1.default.ok(!afterFirst.some((g) => g[0] === tenDaysFirst));
        // Again tonight, on the check day: the day's newest replaces the first, and every kept
        // generation is read back, one `ok` line each.
        const second = await nightly([], { BACKUP_CHECK_DAY: today });
        strict_1.default.equal(second.code, 0, second.stderr);
        const gens = await generations();
        strict_1.default.equal(gens.length, 4);
        strict_1.default.notEqual(gens[0][0], afterFirst[0][0]);
        strict_1.default.deepEqual(gens.slice(1).map((g) => g[0]), [tuesday, tenDaysAgain, fortyDays]);
        strict_1.default.deepEqual(second.stderr.trim().split('\n'), gens.map((g) => `ok ${g[0]} ${g[2]} ${g[3]}`));
        // A failed night commits nothing and keeps every copy: a missing directory (tar exits 2),
        // an empty one (an unmounted disk: shorter than BACKUP_MIN_SIZE).
        const missing = await nightly([], { BACKUP_DIR: (0, node_path_1.join)(work, 'nightly-missing'), BACKUP_CHECK_DAY: notToday });
        strict_1.default.equal(missing.code, 1);
        strict_1.default.match(missing.stderr, /^s3sink: not committed: tar exited 2$/m);
        (0, node_fs_1.mkdirSync)((0, node_path_1.join)(work, 'nightly-empty'));
        const empty = await nightly([], { BACKUP_DIR: (0, node_path_1.join)(work, 'nightly-empty'), BACKUP_CHECK_DAY: notToday });
        strict_1.default.equal(empty.code, 1);
        strict_1.default.match(empty.stderr, /^s3sink: not committed: the stream is \d+ bytes, shorter than the minimum of 1024$/m);
        strict_1.default.deepEqual(await generations(), gens);
        // The newest restores byte for byte: the tar of the directory, compressed.
        const newest = await (0, run_1.runFilter)('s3source', [url], { env });
        strict_1.default.equal(newest.code, 0, newest.stderr);
        const tar = await (0, run_1.runCommand)('tar', ['cf', '-', '-C', src, '.']);
        strict_1.default.ok((0, node_zlib_1.gunzipSync)(newest.stdout).equals(tar.stdout), 'the restored archive differs from tar of the directory');
        const restored = (0, node_path_1.join)(work, 'nightly-today');
        const r = await nightly(['restore', 'today', restored]);
        strict_1.default.equal(r.code, 0, r.stderr);
        strict_1.default.equal(r.stderr, `nightly-backup: restoring ${gens[0][0]} into ${restored}\n`);
        for (const f of ['index.html', 'sub/notes.txt'])
            strict_1.default.ok((0, node_fs_1.readFileSync)((0, node_path_1.join)(restored, f)).equals((0, node_fs_1.readFileSync)((0, node_path_1.join)(src, f))), f);
        // Last Tuesday's copy, found by its date in s3ls --generations.
        const tue = (0, node_path_1.join)(work, 'nightly-tuesday');
        const t = await nightly(['restore', 'last tuesday', tue]);
        strict_1.default.equal(t.code, 0, t.stderr);
        strict_1.default.equal(t.stderr, `nightly-backup: restoring ${tuesday} into ${tue}\n`);
        strict_1.default.equal((0, node_fs_1.readFileSync)((0, node_path_1.join)(tue, 'night.txt'), 'utf8'), 'last Tuesday\n');
        const before = await nightly(['restore', '60 days ago', (0, node_path_1.join)(work, 'nightly-none')]);
        strict_1.default.equal(before.code, 1);
        strict_1.default.match(before.stderr, /^nightly-backup: no generation of s3:\/\/backup\/nightly from \d{4}-\d\d-\d\d or before$/m);
    });
    for (const name of ['s3sink', 's3source']) {
        for (const example of (0, docs_1.manExamples)((0, docs_1.manPage)(name))) {
            (0, node_test_1.it)(`${name}(1): ${example.split('\n').at(-1)}`, async () => {
                // s3source's examples read what s3sink's wrote.
                const r = await shell(`tar czf - www | s3sink -q s3://backup/www\ntar czf - www | s3sink -q --config s3store.ini -t bob\n${example}`);
                strict_1.default.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
            });
        }
    }
});
