"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.BIN = exports.MAN = exports.ROOT = void 0;
exports.filterNames = filterNames;
exports.manPage = manPage;
exports.manSections = manSections;
exports.manSection = manSection;
exports.unroff = unroff;
exports.manExamples = manExamples;
exports.manOptions = manOptions;
exports.helpOptions = helpOptions;
exports.markdownBlocks = markdownBlocks;
exports.readNote = readNote;
exports.markdownFiles = markdownFiles;
exports.comparableOutput = comparableOutput;
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
/** Where the repository's docs live, from dist/test/helpers. */
exports.ROOT = (0, node_path_1.join)(__dirname, '..', '..', '..');
exports.MAN = (0, node_path_1.join)(exports.ROOT, 'man');
/** dist/bin: one symlink per filter, as `make build` leaves it; put it first on PATH. */
exports.BIN = (0, node_path_1.join)(exports.ROOT, 'dist', 'bin');
/** The filters, as package.json's bin lists them. */
function filterNames() {
    const pkg = JSON.parse((0, node_fs_1.readFileSync)((0, node_path_1.join)(exports.ROOT, 'package.json'), 'utf8'));
    return Object.keys(pkg.bin).sort();
}
function manPage(name) {
    return (0, node_fs_1.readFileSync)((0, node_path_1.join)(exports.MAN, `${name}.1`), 'utf8');
}
/** The section names of a roff man page, in order (`.SH EXIT STATUS` → `EXIT STATUS`). */
function manSections(roff) {
    return [...roff.matchAll(/^\.SH\s+"?([^"\n]+)"?$/gm)].map((m) => m[1].trim());
}
/** The body of one section. */
function manSection(roff, name) {
    return roff.split(/^\.SH\s+/m).find((s) => s.replace(/^"/, '').startsWith(name)) ?? '';
}
/** Undo the roff escapes that appear in command lines. */
function unroff(line) {
    return line
        .replace(/\\-/g, '-')
        .replace(/\\\(aq/g, "'")
        .replace(/\\\(dq/g, '"')
        .replace(/\\\(ti/g, '~')
        .replace(/\\e/g, '\\')
        .replace(/\\&/g, '');
}
/** Each example block (between .nf/.fi or .EX/.EE) of EXAMPLES, as a shell script. */
function manExamples(roff) {
    const section = manSection(roff, 'EXAMPLES');
    return [...section.matchAll(/^\.(?:nf|EX)\n([\s\S]*?)^\.(?:fi|EE)$/gm)].map((m) => unroff(m[1]).trimEnd());
}
/** The long option names listed under OPTIONS (`.BR \-j ", " \-\-jobs ...`), sorted. */
function manOptions(roff) {
    const section = manSection(roff, 'OPTIONS');
    const names = new Set();
    for (const m of section.matchAll(/^\.TP\n(.*)$/gm)) {
        const long = /\\-\\-((?:no\\-)?[a-z0-9]+(?:\\-[a-z0-9]+)*)/.exec(m[1]);
        if (long)
            names.add(long[1].replace(/\\-/g, '-'));
    }
    return [...names].sort();
}
/** The long option names in --help output, sorted. */
function helpOptions(help) {
    return [...help.matchAll(/^ {2}(?:-\S, | {4})--([a-z0-9-]+)/gm)].map((m) => m[1]).sort();
}
/** Fenced code blocks of a Markdown file, with their language and the comment line before them. */
function markdownBlocks(markdown) {
    return [...markdown.matchAll(/(?:<!--(.*?)-->\n)?```(\w*)\n([\s\S]*?)```/g)].map((m) => ({
        note: (m[1] ?? '').trim(),
        lang: m[2],
        code: m[3],
    }));
}
function readNote(note) {
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
function markdownFiles(blocks) {
    const files = new Map();
    for (const b of blocks) {
        const m = /^# (\S+)/.exec(b.code);
        if (b.lang !== 'ini' || !m)
            continue;
        files.set(m[1], (files.get(m[1]) ?? '') + b.code);
    }
    return files;
}
/**
 * Output as it compares across runs: each GEN id becomes GEN1, GEN2… by its rank in time
 * (so shown ids must be as much older or newer than each other as real ones), each UTC
 * time TIME, and runs of blanks one space.
 */
function comparableOutput(text) {
    const GEN = /\d{8}T\d{9}Z-[0-9a-f]{8}/g;
    const ranked = [...new Set(text.match(GEN))].sort();
    return text
        .replace(GEN, (g) => `GEN${ranked.indexOf(g) + 1}`)
        .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g, 'TIME')
        .replace(/[ \t]+/g, ' ')
        .trimEnd();
}
