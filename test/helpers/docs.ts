import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the repository's docs live, from dist/test/helpers. */
export const ROOT = join(__dirname, '..', '..', '..');
export const MAN = join(ROOT, 'man');
/** dist/bin: one symlink per filter, as `make build` leaves it; put it first on PATH. */
export const BIN = join(ROOT, 'dist', 'bin');

/** The filters, as package.json's bin lists them. */
export function filterNames(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  return Object.keys(pkg.bin).sort();
}

export function manPage(name: string): string {
  return readFileSync(join(MAN, `${name}.1`), 'utf8');
}

/** The section names of a roff man page, in order (`.SH EXIT STATUS` → `EXIT STATUS`). */
export function manSections(roff: string): string[] {
  return [...roff.matchAll(/^\.SH\s+"?([^"\n]+)"?$/gm)].map((m) => m[1].trim());
}

/** The body of one section. */
export function manSection(roff: string, name: string): string {
  return roff.split(/^\.SH\s+/m).find((s) => s.replace(/^"/, '').startsWith(name)) ?? '';
}

/** Undo the roff escapes that appear in command lines. */
export function unroff(line: string): string {
  return line
    .replace(/\\-/g, '-')
    .replace(/\\\(aq/g, "'")
    .replace(/\\\(dq/g, '"')
    .replace(/\\\(ti/g, '~')
    .replace(/\\e/g, '\\')
    .replace(/\\&/g, '');
}

/** Each example block (between .nf/.fi or .EX/.EE) of EXAMPLES, as a shell script. */
export function manExamples(roff: string): string[] {
  const section = manSection(roff, 'EXAMPLES');
  return [...section.matchAll(/^\.(?:nf|EX)\n([\s\S]*?)^\.(?:fi|EE)$/gm)].map((m) => unroff(m[1]).trimEnd());
}

/** The long option names listed under OPTIONS (`.BR \-j ", " \-\-jobs ...`), sorted. */
export function manOptions(roff: string): string[] {
  const section = manSection(roff, 'OPTIONS');
  const names = new Set<string>();
  for (const m of section.matchAll(/^\.TP\n(.*)$/gm)) {
    const long = /\\-\\-((?:no\\-)?[a-z0-9]+(?:\\-[a-z0-9]+)*)/.exec(m[1]);
    if (long) names.add(long[1].replace(/\\-/g, '-'));
  }
  return [...names].sort();
}

/** The long option names in --help output, sorted. */
export function helpOptions(help: string): string[] {
  return [...help.matchAll(/^ {2}(?:-\S, | {4})--([a-z0-9-]+)/gm)].map((m) => m[1]).sort();
}

/** Fenced code blocks of a Markdown file, with their language and the comment line before them. */
export function markdownBlocks(markdown: string): { lang: string; code: string; note: string }[] {
  return [...markdown.matchAll(/(?:<!--(.*?)-->\n)?```(\w*)\n([\s\S]*?)```/g)].map((m) => ({
    note: (m[1] ?? '').trim(),
    lang: m[2],
    code: m[3],
  }));
}

/**
 * What the `<!-- ... -->` note before a README block asks of docs.test.ts:
 * - `not run by docs.test.ts: WHY` — not run (it needs AWS, or a tool make test does not
 *   install); checked with `bash -n` only;
 * - `... as ~/.aws ...` — run with the README's own ~/.aws files in the work directory,
 *   no keys, region or endpoint in the environment;
 * - `... in place of ...` — run with the suite's server address and keys substituted;
 * - before a ```text block, `... what the block above prints ...` — that block is the
 *   previous one's standard output, GEN ids and times aside.
 */
export interface BlockNote {
  run: boolean;
  why?: string;
  awsFiles: boolean;
  substitute: boolean;
  isOutput: boolean;
}

export function readNote(note: string): BlockNote {
  const notRun = /^not run by docs\.test\.ts:\s*(.*)$/s.exec(note);
  return {
    run: !notRun,
    why: notRun?.[1],
    awsFiles: /\bas ~\/\.aws\b/.test(note),
    substitute: /\bin place of\b/.test(note),
    isOutput: /\bwhat the block above prints\b/.test(note),
  };
}

/**
 * Files the README shows as ```ini blocks whose first line names them (`# ~/.aws/config`,
 * `# s3store.ini (chmod 600)`): path → text, blocks naming one file joined in order.
 */
export function markdownFiles(blocks: { lang: string; code: string }[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const b of blocks) {
    const m = /^# (\S+)/.exec(b.code);
    if (b.lang !== 'ini' || !m) continue;
    files.set(m[1], (files.get(m[1]) ?? '') + b.code);
  }
  return files;
}

/**
 * Output as it compares across runs: each GEN id becomes GEN1, GEN2… by its rank in time
 * (so shown ids must be as much older or newer than each other as real ones), each UTC
 * time TIME, and runs of blanks one space.
 */
export function comparableOutput(text: string): string {
  const GEN = /\d{8}T\d{9}Z-[0-9a-f]{8}/g;
  const ranked = [...new Set(text.match(GEN))].sort();
  return text
    .replace(GEN, (g) => `GEN${ranked.indexOf(g) + 1}`)
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g, 'TIME')
    .replace(/[ \t]+/g, ' ')
    .trimEnd();
}
