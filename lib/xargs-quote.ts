/**
 * Lists of S3 URLs one per line that survive `xargs` and a line reader alike, whatever
 * the keys hold. An S3 key may contain blanks, quotes, backslashes and newlines; xargs
 * splits at blanks and newlines and takes quotes and backslashes as quoting, so a key
 * `old/evil s3://b/precious.db` printed raw became two arguments, the second naming a
 * key that was never listed. Each character xargs treats specially is therefore written
 * after a backslash, which every xargs (GNU, BSD, busybox, POSIX) reads as that
 * character itself, a newline included; `readQuotedLines` undoes exactly that.
 */

/** What xargs splits at or quotes with: blanks (busybox splits at every isspace), newline, quotes, backslash. */
const SPECIAL = /[ \t\n\v\f\r'"\\]/g;

/** `s3://b/a b` -> `s3://b/a\ b`: one argument for xargs, one item for readQuotedLines. */
export function quoteForXargs(text: string): string {
  return text.replace(SPECIAL, (c) => `\\${c}`);
}

/** Input that is not a list as quoteForXargs writes it, with the line it is on (1-based): a usage error. */
export class QuotedListError extends Error {
  readonly exitCode = 2;
}

/**
 * Items of a list, one per line, undoing xargs quoting: a backslash takes the next
 * character literally (a newline too), `'…'` and `"…"` quote everything up to the
 * matching quote but a newline, as xargs does. Unlike xargs, an unquoted blank is part of
 * the item: a hand-written list of keys with blanks, one per line, still names those keys
 * and never a piece of one. Empty lines are skipped. An unmatched quote or a backslash at
 * the very end is a QuotedListError: nothing is guessed.
 */
export function readQuotedLines(text: string, source = 'input'): string[] {
  const items: string[] = [];
  let item = '';
  let started = false;
  let line = 1;
  const refuse = (what: string) => new QuotedListError(`${source}, line ${line}: ${what} (lines are read as s3ls quotes them; -0 reads raw keys)`);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      if (started) items.push(item);
      item = '';
      started = false;
      line++;
    } else if (c === '\\') {
      if (i + 1 >= text.length) throw refuse('backslash at the end of the input');
      const next = text[++i];
      if (next === '\n') line++;
      item += next;
      started = true;
    } else if (c === "'" || c === '"') {
      const close = text.indexOf(c, i + 1);
      const nl = text.indexOf('\n', i + 1);
      if (close < 0 || (nl >= 0 && nl < close)) throw refuse(`unmatched ${c === "'" ? 'single' : 'double'} quote`);
      item += text.slice(i + 1, close);
      started = true;
      i = close;
    } else {
      item += c;
      started = true;
    }
  }
  if (started) items.push(item);
  return items;
}
