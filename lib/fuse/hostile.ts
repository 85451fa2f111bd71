/**
 * What randfs's hostile trees add to a directory, by flag: names that break scripts
 * (--names hostile), symlinks that loop or dangle (--symlinks N), a hard link
 * (--hardlinks) and, at the root, a chain of directories whose paths pass PATH_MAX
 * (--deep). None of these names has the form of a generated name (8 letters of
 * a-z2-7), so a lookup tells them apart without listing.
 */

/**
 * File names every hostile directory holds: what `for f in $(ls)`, `xargs` without `-0`,
 * an unquoted `$f` or an option parser gets wrong, and names that differ only in
 * Unicode normalisation (NFC and NFD `café`, which macOS would fold into one).
 * Invalid UTF-8 is not among them: fuse-native passes names as JavaScript strings and
 * encodes them as UTF-8, so no handler can answer raw bytes.
 */
export const HOSTILE_FILES: readonly string[] = [
  'new\nline',
  'tab\there',
  '-n',
  '--help',
  ' leading space',
  'trailing space ',
  'back\\slash',
  'caf\u00e9',
  'cafe\u0301',
  '*?[glob]',
  `quote'"`,
  '$(echo no)',
  // 255 bytes, NAME_MAX: 127 two-byte letters and one more.
  '\u00e9'.repeat(127) + 'x',
];

/** A directory with a newline in its name, so a walker must keep names whole to descend. */
export const HOSTILE_DIR = 'dir\nname';

/** The hard link's name: another name for the directory's first generated file. */
export const HARD_LINK = 'hard-link';

/** The name of symlink `i`. */
export function symlinkName(i: number): string {
  return `link-${i}`;
}

/**
 * Where symlink `i` points, in turn: `.` (a loop `find -L` reports), itself (ELOOP),
 * nowhere (dangling), and `firstFile` when there is one (a link that works), else `..`.
 */
export function symlinkTarget(i: number, firstFile: string | undefined): string {
  switch (i % 4) {
    case 0:
      return '.';
    case 1:
      return symlinkName(i);
    case 2:
      return 'missing-target';
    default:
      return firstFile ?? '..';
  }
}

/** Each directory of the --deep chain: 250 bytes, so 17 levels pass PATH_MAX (4096). */
export const DEEP_NAME = 'deep-' + 'd'.repeat(245);
export const DEEP_LEVELS = 17;
/** The one file at the bottom of the chain, at a path of 17 x 251 + 7 = 4274 bytes. */
export const DEEP_FILE = 'bottom';

/** How deep in the --deep chain `path` is (1 for /DEEP_NAME), or 0 when it is not in it. */
export function deepLevel(path: string): number {
  let level = 0;
  let end = path.length;
  while (end > 0 && path.slice(end - DEEP_NAME.length - 1, end) === '/' + DEEP_NAME) {
    level++;
    end -= DEEP_NAME.length + 1;
  }
  return end === 0 ? level : 0;
}
