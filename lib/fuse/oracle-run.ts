import { pipeline } from 'node:stream/promises';
import { Readable, type Writable } from 'node:stream';
import { RandTree, type TreeOptions } from './randfs';
import { catStream, listing, manifest, OracleError } from './oracle';

/** Which oracle question a randfs command asks: `--cat PATH`, `--ls PATH` or `--manifest PATH`. */
export interface OracleQuery {
  mode: 'cat' | 'ls' | 'manifest';
  path: string;
}

/** Whether a --manifest of this tree ends: it needs a bottom (--max-depth) unless nothing below recurses. */
export function isBounded(tree: RandTree): boolean {
  return tree.maxDepth !== Infinity || (tree.fanout === 0 && !tree.hostile);
}

/**
 * Answer `query` about the tree `opts` describe on `out`, streaming (a 1P `--cat` costs
 * no memory). Rejects with {@link OracleError} for a path that is not there or not of
 * the right kind.
 */
export async function answerOracle(opts: TreeOptions, query: OracleQuery, out: Writable, signal?: AbortSignal): Promise<void> {
  const tree = new RandTree(opts);
  // The model's paths are absolute; accept `d1/x` as `tar -C MNT` names it.
  const path = query.path.startsWith('/') ? query.path.replace(/(.)\/+$/, '$1') : `/${query.path}`;
  if (query.mode === 'manifest' && !isBounded(tree)) throw new OracleError(`${path}: the tree has no bottom; give --max-depth`);
  const source =
    query.mode === 'cat'
      ? catStream(tree, path)
      : query.mode === 'ls'
        ? Readable.from(listing(tree, path).map((l) => `${l}\n`))
        : Readable.from((async function* () {
            for await (const line of manifest(tree, path)) yield `${line}\n`;
          })());
  await pipeline(source, out, { signal, end: false });
}
