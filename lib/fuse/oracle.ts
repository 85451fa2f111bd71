import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { fillContent, contentKey, type Entry, type RandTree } from './randfs';

/**
 * The oracle: what a randfs path holds, computed from the tree model without mounting,
 * so a test can check a copy made by any tool (tar, cp, rsync, s3put) against the truth.
 * Passthrough fault injectors (CharybdeFS, unreliablefs, LazyFS) cannot say this: they
 * do not know what the bytes should have been.
 */

/** Why a path cannot be answered: `message` is one line naming it. */
export class OracleError extends Error {}

const CHUNK = 1024 * 1024;

function find(tree: RandTree, path: string): Entry {
  const entry = tree.lookup(path);
  if (!entry) throw new OracleError(`${path}: no such file or directory`);
  return entry;
}

/** A file's bytes, in 1 MiB chunks as the reader asks for them (a 1P file costs no memory). */
export function catStream(tree: RandTree, path: string): Readable {
  const entry = find(tree, path);
  if (entry.kind === 'dir') throw new OracleError(`${path}: is a directory`);
  if (entry.kind === 'symlink') throw new OracleError(`${path}: is a symbolic link to ${entry.target}`);
  const key = contentKey(tree.seed, entry.contentPath ?? entry.path);
  let offset = 0;
  return new Readable({
    highWaterMark: CHUNK,
    read() {
      const n = Math.min(CHUNK, entry.size - offset);
      if (n <= 0) return void this.push(null);
      const buf = Buffer.allocUnsafe(n);
      fillContent(key, buf, offset, n);
      offset += n;
      this.push(buf);
    },
  });
}

/** find's `%y` letter for an entry. */
function typeLetter(entry: Entry): string {
  return entry.kind === 'dir' ? 'd' : entry.kind === 'symlink' ? 'l' : 'f';
}

/**
 * `TYPE SIZE NAME` per entry of a directory, in the order the mount lists it (as
 * `find DIR -mindepth 1 -maxdepth 1 -printf '%y %s %f\n'` prints it); a file or symlink
 * lists itself.
 */
export function listing(tree: RandTree, path: string): string[] {
  const entry = find(tree, path);
  const line = (e: Entry, name: string) => `${typeLetter(e)} ${e.size} ${name}`;
  if (entry.kind !== 'dir') return [line(entry, entry.path.slice(entry.path.lastIndexOf('/') + 1))];
  return tree.list(entry.path)!.map((l) => line(l.entry, l.name));
}

/** sha256sum's convention: a name holding `\` or a newline is escaped and its line starts with `\`. */
export function manifestLine(sha256: string, size: number, path: string): string {
  if (!/[\\\n\r]/.test(path)) return `${sha256}  ${size}  ${path}`;
  const escaped = path.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  return `\\${sha256}  ${size}  ${escaped}`;
}

/** The SHA-256 of a file's content, read in chunks. */
async function sha256Of(tree: RandTree, entry: Entry): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of catStream(tree, entry.path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * `sha256  size  path` for every regular file under `path` (hard links under each of
 * their names, symlinks not followed), paths relative to the root without the leading
 * `/` (as `tar -C MNT` names them), sorted bytewise as `LC_ALL=C sort` does. The tree
 * must be finite: a --max-depth, or a path under one.
 */
export async function* manifest(tree: RandTree, path: string): AsyncGenerator<string> {
  const top = find(tree, path);
  const files: Entry[] = [];
  const walk = (e: Entry) => {
    if (e.kind === 'file') files.push(e);
    else if (e.kind === 'dir') for (const l of tree.list(e.path)!) walk(l.entry);
  };
  walk(top);
  const rel = (e: Entry) => e.path.slice(1);
  files.sort((a, b) => Buffer.compare(Buffer.from(rel(a)), Buffer.from(rel(b))));
  for (const e of files) yield manifestLine(await sha256Of(tree, e), e.size, rel(e));
}
