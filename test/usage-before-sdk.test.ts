import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHttpServer, type LoopbackHttpServer } from './helpers/http-server';
import { runFilter } from './helpers/run';

/**
 * Usage checks that need no server run before the SDK loads (issue 16): loading it is
 * 0.2 s of CPU, four times a usage error's whole run. Each case runs the built filter
 * with a preloaded probe that records, at exit, whether any module of the SDK was
 * loaded; the exit status and the one stderr line are those the BAD_INPUT table of
 * reliability-inputs.test.ts documents.
 */

/** Written by the probe at exit: the SDK modules the process loaded, one per line. */
const PROBE = `
const { writeFileSync } = require('node:fs');
process.on('exit', () => {
  const sdk = Object.keys(require.cache).filter((k) => /[\\\\/]node_modules[\\\\/]@(aws-sdk|smithy)[\\\\/]/.test(k));
  writeFileSync(process.env.SDK_PROBE_OUT, sdk.join('\\n'));
});
`;

interface Case {
  what: string;
  filter: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  input?: string;
  code: number;
  /** The whole of stderr: one line, or nothing. */
  stderr: RegExp;
}

describe('usage errors load no SDK', () => {
  let dir: string;
  let server: LoopbackHttpServer;
  let runs = 0;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pipekit-usage-'));
    writeFileSync(join(dir, 'probe.js'), PROBE);
    // Refuses every request at once (no retry on a 403): the control case's server.
    server = await startHttpServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
    });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Run a case; the SDK modules it loaded. */
  const run = async (c: Case): Promise<string[]> => {
    const out = join(dir, `loaded-${runs++}`);
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
    const r = await runFilter(c.filter, c.args, {
      input: c.input ?? '',
      env: {
        ...env,
        AWS_ACCESS_KEY_ID: 'AKIDUSAGE',
        AWS_SECRET_ACCESS_KEY: 'usage-secret',
        AWS_CONFIG_FILE: join(dir, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
        AWS_ENDPOINT_URL: server.endpoint,
        ...c.env,
        NODE_OPTIONS: `--require ${join(dir, 'probe.js')}`,
        SDK_PROBE_OUT: out,
      },
    });
    assert.equal(r.code, c.code, r.stderr);
    assert.match(r.stderr, c.stderr);
    assert.ok(existsSync(out), 'the probe ran');
    return readFileSync(out, 'utf8').split('\n').filter(Boolean);
  };

  const usage = (filter: string, message: string) => new RegExp(`^${filter}: ${message}; see ${filter} --help\\n$`);
  const cases: Case[] = [
    { what: 's3sink: malformed URL', filter: 's3sink', args: ['s3:/b/x'], code: 2, stderr: usage('s3sink', 'not an s3:// address: s3:/b/x') },
    { what: 's3sink: -t TAG with no bucket', filter: 's3sink', args: ['-t', 'db'], code: 2, stderr: usage('s3sink', '-t TAG needs a bucket: -b BUCKET or --config FILE with \\[Bucket\\] id') },
    { what: 's3sink: a bad --storage-class', filter: 's3sink', args: ['--storage-class', 'NO CLASS', 's3://b/x'], code: 2, stderr: usage('s3sink', "invalid --storage-class 'NO CLASS' \\(a class name such as STANDARD_IA or COLD\\)") },
    { what: 's3sink: --bwlimit with a malformed URL', filter: 's3sink', args: ['--bwlimit', '1M', 's3:/b/x'], code: 2, stderr: usage('s3sink', 'not an s3:// address: s3:/b/x') },
    { what: 's3sink: a --chunk-size no set takes', filter: 's3sink', args: ['--chunk-size', '3K', 's3://b/x'], code: 2, stderr: usage('s3sink', "invalid --chunk-size '3K' \\(a size from 5M to 5G, such as 8M; for a deduplicated set, a power of two from 1K to 64M\\)") },
    { what: 's3source: no NAME', filter: 's3source', args: ['s3://bucket'], code: 2, stderr: usage('s3source', 'missing NAME after the bucket: s3://bucket') },
    { what: 's3ls: AWS_ENDPOINT_URL without a scheme', filter: 's3ls', args: ['s3://b/'], env: { AWS_ENDPOINT_URL: '127.0.0.1:4600' }, code: 2, stderr: usage('s3ls', 'AWS_ENDPOINT_URL must be an http:// or https:// URL: 127\\.0\\.0\\.1:4600') },
    { what: 's3ls: AWS_CA_BUNDLE names a missing file', filter: 's3ls', args: ['s3://b/'], env: { AWS_CA_BUNDLE: '/nonexistent/ca.pem' }, code: 2, stderr: usage('s3ls', 'cannot read AWS_CA_BUNDLE /nonexistent/ca\\.pem: ENOENT') },
    { what: 's3rm: empty stdin, nothing to do', filter: 's3rm', args: [], code: 0, stderr: /^$/ },
    { what: 's3rm: --prune with no NAME', filter: 's3rm', args: ['--prune', '--keep', '1'], code: 2, stderr: usage('s3rm', 'missing s3://BUCKET/NAME') },
    { what: 's3mb: empty stdin, nothing to do', filter: 's3mb', args: [], code: 0, stderr: /^$/ },
  ];
  for (const c of cases) {
    it(`${c.what}: exit ${c.code}, no SDK module loaded`, async () => {
      assert.deepEqual(await run(c), []);
    });
  }

  it('the probe sees the SDK when a filter sends a request (the control)', async () => {
    const loaded = await run({ what: 'a refused listing', filter: 's3ls', args: ['s3://b/'], code: 1, stderr: /AccessDenied \(403\)\n$/ });
    assert.ok(loaded.some((k) => /@aws-sdk[\\/]client-s3[\\/]/.test(k)), loaded.join('\n'));
  });
});
