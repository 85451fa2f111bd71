import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { globToRegExp } from '../lib/fuse/glob';
import { parseCorruptRule, parseDelayRule, parseFaultRule, RULE_OPS, RuleError, ruleMatches, type Rule } from '../lib/fuse/rules';
import { draw, hits, Schedule } from '../lib/fuse/schedule';
import { formatCounts } from '../lib/fuse/faulty';
import { randfsOperations } from '../lib/fuse/ops';
import { uncachedOptions } from '../lib/fuse/mount';
import { RandTree } from '../lib/fuse/randfs';

/** A rule without its text, the parts a table compares. */
function parts(rule: Rule): Partial<Rule> {
  const { text: _text, ...rest } = rule;
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
}

describe('randfs rule parsing', () => {
  const good: [(t: string) => Rule, string, Partial<Rule>][] = [
    [parseFaultRule, 'read=EIO@0.01', { kind: 'fault', op: 'read', errnoName: 'EIO', errno: -5, rate: 0.01 }],
    [parseFaultRule, 'readdir:/d1/**=EACCES', { kind: 'fault', op: 'readdir', glob: '/d1/**', errnoName: 'EACCES', errno: -13, rate: 1 }],
    [parseFaultRule, 'open=EAGAINx3', { kind: 'fault', op: 'open', errnoName: 'EAGAIN', errno: -11, rate: 1, count: 3 }],
    [parseFaultRule, 'getattr:/a=b/*=ENOENT@.5x2', { kind: 'fault', op: 'getattr', glob: '/a=b/*', errnoName: 'ENOENT', errno: -2, rate: 0.5, count: 2 }],
    [parseFaultRule, '*=ENAMETOOLONG@1', { kind: 'fault', op: '*', errnoName: 'ENAMETOOLONG', errno: -36, rate: 1 }],
    [parseFaultRule, 'readlink=ELOOP@0', { kind: 'fault', op: 'readlink', errnoName: 'ELOOP', errno: -40, rate: 0 }],
    [parseFaultRule, 'open=EINTR', { kind: 'fault', op: 'open', errnoName: 'EINTR', errno: -4, rate: 1 }],
    [parseDelayRule, 'read=20ms@0.1', { kind: 'delay', op: 'read', delayMs: 20, rate: 0.1 }],
    [parseDelayRule, 'readdir:/x*=2s', { kind: 'delay', op: 'readdir', glob: '/x*', delayMs: 2000, rate: 1 }],
    [parseCorruptRule, 'read@0.01', { kind: 'corrupt', op: 'read', rate: 0.01 }],
    [parseCorruptRule, 'read:/d1/**', { kind: 'corrupt', op: 'read', glob: '/d1/**', rate: 1 }],
  ];
  for (const [parse, text, expected] of good) {
    it(`${parse.name} ${text}`, () => {
      const rule = parse(text);
      assert.equal(rule.text, text);
      assert.deepEqual(parts(rule), expected);
    });
  }

  const bad: [(t: string) => Rule, string, string][] = [
    [parseFaultRule, 'read', "no '='"],
    [parseFaultRule, 'read=', "'' is not ERRNO[@RATE][xCOUNT]"],
    [parseFaultRule, 'read=eio', "'eio' is not ERRNO[@RATE][xCOUNT]"],
    [parseFaultRule, 'read=EBOGUS', "unknown errno 'EBOGUS'"],
    [parseFaultRule, 'frobnicate=EIO', "unknown operation 'frobnicate'; one of *,"],
    [parseFaultRule, 'read=EIO@1.5', "rate '1.5' is not a number from 0 to 1"],
    [parseFaultRule, 'read=EIO@', "rate '' is not a number from 0 to 1"],
    [parseFaultRule, 'read=EIOx0', 'count x0 is not at least 1'],
    [parseFaultRule, 'read:d1/*=EIO', "path pattern 'd1/*' does not start with /"],
    [parseDelayRule, 'read=20', "duration '20' is not like"],
    [parseDelayRule, 'read=0ms', "duration '0ms' is not like"],
    [parseDelayRule, 'read=1s@0.1@0.2', "'1s@0.1@0.2' is not DURATION[@RATE]"],
    [parseCorruptRule, 'readdir@0.1', "unknown operation 'readdir'; only read"],
    [parseCorruptRule, 'read@2', "rate '2' is not a number from 0 to 1"],
  ];
  for (const [parse, text, message] of bad) {
    it(`${parse.name} refuses ${text}`, () => {
      assert.throws(() => parse(text), (err: unknown) => err instanceof RuleError && err.message.startsWith(message));
    });
  }

  it('rules name exactly the operations randfs serves, but init', () => {
    const served = Object.keys(randfsOperations(new RandTree())).filter((op) => op !== 'init');
    assert.deepEqual([...served].sort(), [...RULE_OPS].sort());
  });
});

describe('randfs path patterns', () => {
  const table: [string, string, boolean][] = [
    ['/a*', '/abc', true],
    ['/a*', '/abc/d', false],
    ['/a*/**', '/abc/d/e', true],
    ['/a*/**', '/abc', true],
    ['/d1/**', '/d1', true],
    ['/d1/**', '/d10', false],
    ['/**', '/', true],
    ['/*', '/', false],
    ['/*/**', '/', false],
    ['/*/**', '/a', true],
    ['/a*', '/a', true],
    ['/**/x', '/a/b/x', true],
    ['/?', '/a', true],
    ['/?', '/ab', false],
    ['/[ab]*', '/bc', true],
    ['/[!ab]*', '/bc', false],
    ['/f.txt', '/fxtxt', false],
    ['/a+b(c)', '/a+b(c)', true],
    ['/new*', '/new\nline', true],
    ['/[x', '/[x', true],
  ];
  for (const [glob, path, expected] of table) {
    it(`${glob} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(path)}`, () => {
      assert.equal(globToRegExp(glob).test(path), expected);
    });
  }

  it('ruleMatches checks op and path', () => {
    const rule = parseFaultRule('read:/d/**=EIO');
    assert.equal(ruleMatches(rule, 'read', '/d/f'), true);
    assert.equal(ruleMatches(rule, 'open', '/d/f'), false);
    assert.equal(ruleMatches(rule, 'read', '/e/f'), false);
    assert.equal(ruleMatches(parseFaultRule('*=EIO'), 'statfs', '/'), true);
  });
});

describe('randfs fault decisions', () => {
  it('draw is a pure function of (seed, rule, op, path, n), spread over [0, 1)', () => {
    assert.equal(draw('s', 'r', 'read', '/a', 3), draw('s', 'r', 'read', '/a', 3));
    const keys: [string, string, string, string, number][] = [
      ['t', 'r', 'read', '/a', 3], ['s', 'q', 'read', '/a', 3], ['s', 'r', 'open', '/a', 3], ['s', 'r', 'read', '/b', 3], ['s', 'r', 'read', '/a', 4],
    ];
    for (const k of keys) assert.notEqual(draw(...k), draw('s', 'r', 'read', '/a', 3), k.join(' '));
    const values = Array.from({ length: 10_000 }, (_, i) => draw('s', 'r', 'read', `/f${i}`, 0));
    assert.ok(values.every((v) => v >= 0 && v < 1));
    const low = values.filter((v) => v < 0.1).length;
    assert.ok(low > 900 && low < 1100, `${low} of 10000 below 0.1`);
  });

  const table: [string, string, string, number, boolean][] = [
    ['read=EIO', 'read', '/a', 0, true],
    ['read=EIO', 'read', '/a', 999, true],
    ['read=EIO', 'open', '/a', 0, false],
    ['read=EIO@0', 'read', '/a', 0, false],
    ['open=EAGAINx3', 'open', '/a', 0, true],
    ['open=EAGAINx3', 'open', '/a', 2, true],
    ['open=EAGAINx3', 'open', '/a', 3, false],
    ['open=EAGAINx3', 'open', '/a', 100, false],
    ['readdir:/d1/**=EACCES', 'readdir', '/d1/x', 0, true],
    ['readdir:/d1/**=EACCES', 'readdir', '/d2', 0, false],
    ['*=EIO', 'statfs', '/', 0, true],
  ];
  for (const [text, op, path, n, expected] of table) {
    it(`${text}: occurrence ${n} of ${op} ${path} is ${expected ? 'hit' : 'served'}`, () => {
      assert.equal(hits(parseFaultRule(text), 'seed', op, path, n), expected);
    });
  }

  it('a rate hits about that fraction of paths, the same ones for the same seed, others for another', () => {
    const rule = parseFaultRule('read=EIO@0.05');
    const hit = (seed: string) => Array.from({ length: 4000 }, (_, i) => `/f${i}`).filter((p) => hits(rule, seed, 'read', p, 0));
    const a = hit('one');
    assert.deepEqual(hit('one'), a);
    assert.ok(a.length > 150 && a.length < 250, `${a.length} of 4000`);
    assert.notDeepEqual(hit('two'), a);
  });

  it('the schedule counts occurrences per (op, path), whatever the order of other paths', () => {
    const rules = [parseFaultRule('open=EAGAINx2'), parseFaultRule('read=EIO@0.5'), parseDelayRule('read=1ms@0.5')];
    const run = (paths: string[]) => {
      const s = new Schedule(rules, 'seed');
      const seen = new Map<string, string[]>();
      for (const p of paths) {
        const d = s.decide('read', p);
        const o = s.decide('open', p);
        seen.set(p, [...(seen.get(p) ?? []), `${d.n}:${d.fault?.errnoName ?? '-'}:${d.delay ? 'slow' : '-'} ${o.fault?.errnoName ?? '-'}`]);
      }
      return [...seen].sort();
    };
    const order = ['/a', '/b', '/a', '/c', '/b', '/a', '/c', '/c'];
    assert.deepEqual(run(order), run([...order].reverse()));
    const a = run(order).find(([p]) => p === '/a')![1];
    assert.deepEqual(a.map((x) => x.split(' ')[1]), ['EAGAIN', 'EAGAIN', '-']);
    assert.deepEqual(new Schedule(rules, 'seed').decide('statfs', '/'), { n: -1 });
    assert.equal(new Schedule(rules, 'seed').covers('getattr'), false);
  });

  it('the first rule of a kind that hits wins', () => {
    const s = new Schedule([parseFaultRule('read=EACCESx1'), parseFaultRule('read=EIO')], 'x');
    assert.equal(s.decide('read', '/f').fault?.errnoName, 'EACCES');
    assert.equal(s.decide('read', '/f').fault?.errnoName, 'EIO');
  });

  it('counts print biggest first', () => {
    assert.equal(formatCounts(new Map()), 'none');
    assert.equal(formatCounts(new Map([['open EAGAIN', 1], ['read EIO', 3], ['getattr EIO', 1]])), 'read EIO 3, getattr EIO 1, open EAGAIN 1');
  });
});

describe('randfs caching while rules are active', () => {
  const zero = ['entry_timeout=0', 'attr_timeout=0', 'negative_timeout=0'];
  const table: [string[], string[]][] = [
    [[], []],
    [['open=EAGAINx3'], []],
    [['readdir=EACCES'], []],
    [['read=EIO@0.01'], ['direct_io']],
    [['getattr:/a=ENOENT'], zero],
    [['*=EIO@0.01'], ['direct_io', ...zero]],
    [['read:/a=EIO', 'getattr:/b=EIO'], ['direct_io', ...zero]],
  ];
  for (const [rules, expected] of table) {
    it(`${rules.join(' ') || 'no rules'}: ${expected.join(',') || 'cached'}`, () => {
      assert.deepEqual(uncachedOptions(rules.map(parseFaultRule)), expected);
    });
  }
  it('delay and corrupt rules on read need direct_io too', () => {
    assert.deepEqual(uncachedOptions([parseDelayRule('read=1ms'), parseCorruptRule('read@0.1')]), ['direct_io']);
  });
});
