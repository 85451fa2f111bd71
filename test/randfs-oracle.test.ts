import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { PassThrough } from 'node:stream';
import { RandTree, readContent, type Entry } from '../lib/fuse/randfs';
import { catStream, listing, manifest, manifestLine, OracleError } from '../lib/fuse/oracle';
import { answerOracle } from '../lib/fuse/oracle-run';
import { DEEP_LEVELS, HOSTILE_FILES } from '../lib/fuse/hostile';

async function collect(query: Parameters<typeof answerOracle>[1], opts: ConstructorParameters<typeof RandTree>[0]): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await answerOracle(opts ?? {}, query, out);
  return Buffer.concat(chunks);
}

function walk(tree: RandTree, path = '/', out: Entry[] = []): Entry[] {
  for (const { entry } of tree.list(path) ?? []) {
    out.push(entry);
    if (entry.kind === 'dir') walk(tree, entry.path, out);
  }
  return out;
}

describe('randfs oracle (no mount)', () => {
  const shape = { seed: 'o', fanout: 2, files: 2, maxDepth: 2, fileSize: { min: 0, max: 3_000_000 } };

  it('--cat streams what the mount serves, in chunks', async () => {
    const tree = new RandTree(shape);
    const file = walk(tree).find((e) => e.kind === 'file' && e.size > 1_100_000)!;
    assert.ok(file);
    const bytes = await collect({ mode: 'cat', path: file.path }, shape);
    assert.deepEqual(bytes, readContent('o', file.path, file.size, 0, file.size));
    const relative = await collect({ mode: 'cat', path: file.path.slice(1) }, shape);
    assert.deepEqual(relative, bytes);
  });

  it('--ls prints TYPE SIZE NAME in listing order; a file lists itself', () => {
    const tree = new RandTree(shape);
    const lines = listing(tree, '/');
    assert.deepEqual(lines, tree.list('/')!.map((l) => `${l.entry.kind === 'dir' ? 'd' : 'f'} ${l.entry.size} ${l.name}`));
    const file = tree.list('/')![3];
    assert.deepEqual(listing(tree, file.entry.path), [`f ${file.entry.size} ${file.name}`]);
  });

  it('--manifest lists every file with its sha256 and size, sorted bytewise, relative to the root', async () => {
    const tree = new RandTree(shape);
    const lines: string[] = [];
    for await (const line of manifest(tree, '/')) lines.push(line);
    const files = walk(tree).filter((e) => e.kind === 'file');
    assert.equal(lines.length, files.length);
    assert.equal(lines.length, 2 + 4 + 8);
    const expected = files
      .map((e) => `${createHash('sha256').update(readContent('o', e.path, e.size, 0, e.size)).digest('hex')}  ${e.size}  ${e.path.slice(1)}`)
      .sort((a, b) => Buffer.compare(Buffer.from(a.split('  ')[2]), Buffer.from(b.split('  ')[2])));
    assert.deepEqual(lines, expected);
    const sub: string[] = [];
    for await (const line of manifest(tree, files[0].path.split('/').slice(0, 2).join('/'))) sub.push(line);
    assert.ok(sub.length > 0 && sub.length < lines.length);
  });

  it('escapes names as sha256sum does', () => {
    assert.equal(manifestLine('ab', 3, 'd/x y'), 'ab  3  d/x y');
    assert.equal(manifestLine('ab', 3, 'd/new\nline'), '\\ab  3  d/new\\nline');
    assert.equal(manifestLine('ab', 3, 'back\\slash'), '\\ab  3  back\\\\slash');
  });

  it('refuses paths that are not there or of the wrong kind, in one line', async () => {
    const tree = new RandTree(shape);
    assert.throws(() => catStream(tree, '/nope'), (e: unknown) => e instanceof OracleError && e.message === '/nope: no such file or directory');
    assert.throws(() => catStream(tree, '/'), (e: unknown) => e instanceof OracleError && e.message === '/: is a directory');
    await assert.rejects(collect({ mode: 'manifest', path: '/' }, { seed: 'o' }), /the tree has no bottom/);
  });
});

describe('randfs hostile trees (no mount)', () => {
  const opts = { seed: 'h', fanout: 1, files: 2, maxDepth: 1, names: 'hostile' as const, symlinks: 4, hardlinks: true, deep: true };

  it('every extra entry is found by lookup as it is listed', () => {
    const tree = new RandTree(opts);
    const entries = walk(tree);
    assert.ok(entries.length > 20);
    for (const e of entries) assert.deepEqual(tree.lookup(e.path), e, JSON.stringify(e.path));
    const rootNames = tree.list('/')!.map((l) => l.name);
    for (const name of HOSTILE_FILES) assert.ok(rootNames.includes(name), JSON.stringify(name));
    assert.equal(new Set(rootNames).size, rootNames.length);
    assert.ok(rootNames.includes('caf\u00e9') && rootNames.includes('cafe\u0301'));
    assert.ok(HOSTILE_FILES.some((n) => Buffer.byteLength(n) === 255));
  });

  it('symlinks loop, self-loop, dangle and work, in turn', () => {
    const tree = new RandTree(opts);
    const links = tree.list('/')!.filter((l) => l.entry.kind === 'symlink');
    const firstFile = tree.list('/')!.find((l) => l.entry.kind === 'file')!.name;
    assert.deepEqual(links.map((l) => [l.name, l.entry.target, l.entry.size]), [
      ['link-0', '.', 1],
      ['link-1', 'link-1', 6],
      ['link-2', 'missing-target', 14],
      ['link-3', firstFile, 8],
    ]);
  });

  it('a hard link shares inode and bytes with its first name; both count 2 links', () => {
    const tree = new RandTree(opts);
    const list = tree.list('/')!;
    const link = list.find((l) => l.name === 'hard-link')!.entry;
    const first = list.find((l) => l.entry.kind === 'file')!.entry;
    assert.equal(link.ino, first.ino);
    assert.equal(link.size, first.size);
    assert.deepEqual([link.nlink, first.nlink], [2, 2]);
    assert.equal(link.contentPath, first.path);
    const a = Buffer.alloc(100);
    const b = Buffer.alloc(100);
    tree.read(link, a, 0, 100);
    tree.read(first, b, 0, 100);
    assert.deepEqual(a, b);
  });

  it('--deep ends in one file at a path longer than PATH_MAX', () => {
    const tree = new RandTree(opts);
    let path = tree.list('/')!.find((l) => l.name.startsWith('deep-'))!.entry.path;
    for (let level = 1; level < DEEP_LEVELS; level++) path = tree.list(path)![0].entry.path;
    const [bottom] = tree.list(path)!;
    assert.equal(bottom.entry.kind, 'file');
    assert.ok(Buffer.byteLength(bottom.entry.path) > 4096);
    assert.deepEqual(tree.lookup(bottom.entry.path), bottom.entry);
  });

  it('a 1P file reads at its last byte as at its first, and is refused past 1P', () => {
    const tree = new RandTree({ seed: 'p', fanout: 0, files: 1, fileSize: 2 ** 50 });
    const [file] = tree.list('/')!;
    const tail = Buffer.alloc(4096);
    assert.equal(tree.read(file.entry, tail, 2 ** 50 - 4096, 4096), 4096);
    assert.deepEqual(tail, readContent('p', file.entry.path, 2 ** 50, 2 ** 50 - 4096, 4096));
    assert.throws(() => new RandTree({ fileSize: 2 ** 50 + 1 }), RangeError);
  });
});
