/**
 * Path patterns for randfs rules, as rsync and .gitignore read them: `*` and `?` stay
 * within one name, `**` crosses `/`, `[...]` is a class (`[!...]` negated). A pattern
 * matches the whole path: `/a*` matches `/abc` but not `/abc/d`; `/a*\/**` both.
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      // `/**` at the end also matches the directory itself (`/d/**` matches `/d`).
      if (glob[i - 1] === '/' && i + 2 === glob.length) {
        re = re.slice(0, -1) + '(?:/.*)?';
      } else {
        re += '.*';
      }
      i++;
    } else if (c === '*') {
      // A whole component is never empty: `/*` matches `/a`, not `/`.
      const whole = glob[i - 1] === '/' && (i + 1 === glob.length || glob[i + 1] === '/');
      re += whole ? '[^/]+' : '[^/]*';
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, end);
      if (body[0] === '!') body = '^' + body.slice(1);
      re += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else {
      re += c.replace(/[.+^${}()|\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`, 's');
}
