/** Where the repository's docs live, from dist/test/helpers. */
export declare const ROOT: string;
export declare const MAN: string;
/** dist/bin: one symlink per filter, as `make build` leaves it; put it first on PATH. */
export declare const BIN: string;
/** The filters, as package.json's bin lists them. */
export declare function filterNames(): string[];
export declare function manPage(name: string): string;
/** The section names of a roff man page, in order (`.SH EXIT STATUS` → `EXIT STATUS`). */
export declare function manSections(roff: string): string[];
/** The body of one section. */
export declare function manSection(roff: string, name: string): string;
/** Undo the roff escapes that appear in command lines. */
export declare function unroff(line: string): string;
/** Each example block (between .nf/.fi or .EX/.EE) of EXAMPLES, as a shell script. */
export declare function manExamples(roff: string): string[];
/** The long option names listed under OPTIONS (`.BR \-j ", " \-\-jobs ...`), sorted. */
export declare function manOptions(roff: string): string[];
/** The long option names in --help output, sorted. */
export declare function helpOptions(help: string): string[];
/** Fenced code blocks of a Markdown file, with their language and the comment line before them. */
export declare function markdownBlocks(markdown: string): {
    lang: string;
    code: string;
    note: string;
}[];
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
export declare function readNote(note: string): BlockNote;
/**
 * Files the README shows as ```ini blocks whose first line names them (`# ~/.aws/config`,
 * `# s3store.ini (chmod 600)`): path → text, blocks naming one file joined in order.
 */
export declare function markdownFiles(blocks: {
    lang: string;
    code: string;
}[]): Map<string, string>;
/**
 * Output as it compares across runs: each GEN id becomes GEN1, GEN2… by its rank in time
 * (so shown ids must be as much older or newer than each other as real ones), each UTC
 * time TIME, and runs of blanks one space.
 */
export declare function comparableOutput(text: string): string;
