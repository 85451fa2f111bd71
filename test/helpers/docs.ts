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
