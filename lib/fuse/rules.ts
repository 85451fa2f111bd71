import { constants } from 'node:os';
import { parseDuration } from '../units';
import { globToRegExp } from './glob';

/**
 * The rules of randfs's fault lab, parsed from their flags:
 *
 *   --fault   OP[:GLOB]=ERRNO[@RATE][xCOUNT]   answer ERRNO instead of serving
 *   --delay   OP[:GLOB]=DURATION[@RATE]        answer late (other operations go on)
 *   --corrupt read[:GLOB][@RATE]               serve wrong bytes (or, with --short-read, fewer)
 *
 * Parsing is pure and separate from deciding (schedule.ts), so both are table-tested.
 */

/** Operations a rule may name: every handler randfs serves but `init` (the mount must come up). */
export const RULE_OPS = [
  'getattr', 'access', 'readdir', 'open', 'read', 'readlink', 'release', 'statfs',
  'write', 'create', 'truncate', 'ftruncate', 'utimens', 'chown', 'chmod', 'mknod',
  'setxattr', 'removexattr', 'unlink', 'rename', 'link', 'symlink', 'mkdir', 'rmdir',
] as const;

export type RuleKind = 'fault' | 'delay' | 'corrupt';

export interface Rule {
  kind: RuleKind;
  /** The flag value as given: part of every decision's key, so reordering flags changes nothing. */
  text: string;
  /** An operation of {@link RULE_OPS}, or `*` for all of them. */
  op: string;
  /** The path pattern; undefined matches every path. */
  glob?: string;
  /** Probability 0..1 that one occurrence is hit; 1 by default. */
  rate: number;
  /** Only occurrences 0..count-1 of the op on a path can be hit (xCOUNT); undefined for all. */
  count?: number;
  /** fault: the errno name (EIO) and value as fuse-native answers it (negative). */
  errnoName?: string;
  errno?: number;
  /** delay: milliseconds. */
  delayMs?: number;
}

/** A rule that could not be parsed: `message` says why, for `invalid --fault 'TEXT' (why)`. */
export class RuleError extends Error {}

const RATE = /^(?:0|1|0?\.\d+|1\.0*)$/;

function parseRate(text: string | undefined): number {
  if (text === undefined) return 1;
  if (!RATE.test(text)) throw new RuleError(`rate '${text}' is not a number from 0 to 1`);
  return Number(text);
}

/** `OP` or `OP:GLOB` */
function parseTarget(text: string, onlyOps?: readonly string[]): { op: string; glob?: string; match?: RegExp } {
  const colon = text.indexOf(':');
  const op = colon < 0 ? text : text.slice(0, colon);
  const glob = colon < 0 ? undefined : text.slice(colon + 1);
  const allowed: readonly string[] = onlyOps ?? ['*', ...RULE_OPS];
  if (!allowed.includes(op)) {
    throw new RuleError(`unknown operation '${op}'; ${onlyOps ? 'only' : 'one of *,'} ${(onlyOps ?? RULE_OPS).join(', ')}`);
  }
  if (glob !== undefined && !glob.startsWith('/')) throw new RuleError(`path pattern '${glob}' does not start with /`);
  return { op, glob };
}

/** Split `LEFT=RIGHT` at the last `=` (a glob may hold one, an errno or duration never does). */
function splitAssignment(text: string): [string, string] {
  const eq = text.lastIndexOf('=');
  if (eq < 0) throw new RuleError("no '='");
  return [text.slice(0, eq), text.slice(eq + 1)];
}

/** The errno value fuse-native answers for `name` (negative), from os.constants.errno. */
export function errnoValue(name: string): number | undefined {
  const errnos = constants.errno as Record<string, number>;
  return Object.hasOwn(errnos, name) ? -errnos[name] : undefined;
}

/** `--fault OP[:GLOB]=ERRNO[@RATE][xCOUNT]`, such as `read=EIO@0.01`, `readdir:/d1/**=EACCES`, `open=EAGAINx3`. */
export function parseFaultRule(text: string): Rule {
  const [target, effect] = splitAssignment(text);
  const m = /^([A-Z][A-Z0-9]*)(?:@([^x]*))?(?:x(\d+))?$/.exec(effect);
  if (!m) throw new RuleError(`'${effect}' is not ERRNO[@RATE][xCOUNT]`);
  const errno = errnoValue(m[1]);
  if (errno === undefined) throw new RuleError(`unknown errno '${m[1]}'`);
  const count = m[3] === undefined ? undefined : Number(m[3]);
  if (count !== undefined && !(count >= 1 && Number.isSafeInteger(count))) throw new RuleError(`count x${m[3]} is not at least 1`);
  return { kind: 'fault', text, ...parseTarget(target), errnoName: m[1], errno, rate: parseRate(m[2]), ...(count ? { count } : {}) };
}

/** `--delay OP[:GLOB]=DURATION[@RATE]`, such as `read=20ms@0.1`. */
export function parseDelayRule(text: string): Rule {
  const [target, effect] = splitAssignment(text);
  const [duration, rate, extra] = effect.split('@');
  if (extra !== undefined) throw new RuleError(`'${effect}' is not DURATION[@RATE]`);
  // A unit is required: a bare 20 is seconds to parseDuration, and nobody means a 20 s read.
  const delayMs = /[a-z]$/.test(duration) ? parseDuration(duration) : NaN;
  if (!(delayMs > 0)) throw new RuleError(`duration '${duration}' is not like 20ms, 1s or 2m`);
  return { kind: 'delay', text, ...parseTarget(target), delayMs, rate: parseRate(rate) };
}

/** `--corrupt read[:GLOB][@RATE]`, such as `read@0.01` or `read:/d1/**`. */
export function parseCorruptRule(text: string): Rule {
  const at = text.lastIndexOf('@');
  const target = at < 0 ? text : text.slice(0, at);
  return { kind: 'corrupt', text, ...parseTarget(target, ['read']), rate: parseRate(at < 0 ? undefined : text.slice(at + 1)) };
}

const compiled = new WeakMap<Rule, RegExp>();

/** Whether `rule` applies to operation `op` on `path`. */
export function ruleMatches(rule: Rule, op: string, path: string): boolean {
  if (rule.op !== '*' && rule.op !== op) return false;
  if (rule.glob === undefined) return true;
  let re = compiled.get(rule);
  if (!re) compiled.set(rule, (re = globToRegExp(rule.glob)));
  return re.test(path);
}
