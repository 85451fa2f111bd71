"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const retention_1 = require("../lib/s3/retention");
const generations_1 = require("../lib/s3/generations");
const layout_1 = require("../lib/s3/layout");
/**
 * Every expectation below is worked out by hand from the rules (restic's ApplyPolicy,
 * internal/restic/snapshot_policy.go, in UTC), never by calling the code under test.
 * The calendar facts (weekday, ISO week) were checked against `date -u +'%a %G-W%V'`.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
function gen(label, iso, hex) {
    const time = new Date(iso);
    return { id: (0, layout_1.newGeneration)(time, hex), time, label };
}
// 26 generations over 66 days and an hour, oldest first: several a day on some days, gaps
// of days and of a whole ISO week (2026-W50), a month and a year boundary, the 53-week
// ISO year 2026 (2026-W53 is Mon 2026-12-28 .. Sun 2027-01-03), times next to midnight.
//
//   label      time (UTC)                   weekday  day         ISO week   month
const FIXTURE = [
    gen('nov20', '2026-11-20T08:00:00.000Z', '00a0b001'), // Fri   2026-11-20  2026-W47   2026-11
    gen('nov22a', '2026-11-22T10:00:00.000Z', '00a0b002'), // Sun  2026-11-22  2026-W47   2026-11
    gen('nov22b', '2026-11-22T23:59:59.999Z', '00a0b003'), // Sun  2026-11-22  2026-W47   2026-11
    gen('nov23', '2026-11-23T00:00:00.000Z', '00a0b004'), // Mon   2026-11-23  2026-W48   2026-11
    gen('nov27', '2026-11-27T12:00:00.000Z', '00a0b005'), // Fri   2026-11-27  2026-W48   2026-11
    gen('nov30a', '2026-11-30T00:00:00.001Z', '00a0b006'), // Mon  2026-11-30  2026-W49   2026-11
    gen('nov30b', '2026-11-30T23:59:59.999Z', '00a0b007'), // Mon  2026-11-30  2026-W49   2026-11
    gen('dec01', '2026-12-01T00:00:00.000Z', '00a0b008'), // Tue   2026-12-01  2026-W49   2026-12
    gen('dec05', '2026-12-05T09:30:00.000Z', '00a0b009'), // Sat   2026-12-05  2026-W49   2026-12
    gen('dec14a', '2026-12-14T06:00:00.000Z', '00a0b00a'), // Mon  2026-12-14  2026-W51   2026-12
    gen('dec14b', '2026-12-14T18:00:00.000Z', '00a0b00b'), // Mon  2026-12-14  2026-W51   2026-12
    gen('dec14c', '2026-12-14T21:15:00.000Z', '00a0b00c'), // Mon  2026-12-14  2026-W51   2026-12
    gen('dec20', '2026-12-20T23:00:00.000Z', '00a0b00d'), // Sun   2026-12-20  2026-W51   2026-12
    gen('dec27', '2026-12-27T23:59:59.999Z', '00a0b00e'), // Sun   2026-12-27  2026-W52   2026-12
    gen('dec28', '2026-12-28T00:00:00.000Z', '00a0b00f'), // Mon   2026-12-28  2026-W53   2026-12
    gen('dec31a', '2026-12-31T12:00:00.000Z', '00a0b010'), // Thu  2026-12-31  2026-W53   2026-12
    gen('dec31b', '2026-12-31T23:59:59.999Z', '00a0b011'), // Thu  2026-12-31  2026-W53   2026-12
    gen('jan01', '2027-01-01T00:00:00.000Z', '00a0b012'), // Fri   2027-01-01  2026-W53   2027-01
    gen('jan03', '2027-01-03T23:59:59.999Z', '00a0b013'), // Sun   2027-01-03  2026-W53   2027-01
    gen('jan04', '2027-01-04T00:00:00.000Z', '00a0b014'), // Mon   2027-01-04  2027-W01   2027-01
    gen('jan12', '2027-01-12T07:00:00.000Z', '00a0b015'), // Tue   2027-01-12  2027-W02   2027-01
    gen('jan20a', '2027-01-20T01:00:00.000Z', '00a0b016'), // Wed  2027-01-20  2027-W03   2027-01
    gen('jan20b', '2027-01-20T13:00:00.000Z', '00a0b017'), // Wed  2027-01-20  2027-W03   2027-01
    gen('jan24', '2027-01-24T22:00:00.000Z', '00a0b018'), // Sun   2027-01-24  2027-W03   2027-01
    gen('jan25a', '2027-01-25T00:00:00.000Z', '00a0b019'), // Mon  2027-01-25  2027-W04   2027-01
    gen('jan25b', '2027-01-25T09:00:00.000Z', '00a0b01a'), // Mon  2027-01-25  2027-W04   2027-01
];
// The order every decision list comes in: newest first.
const NEWEST_FIRST = [
    'jan25b', 'jan25a', 'jan24', 'jan20b', 'jan20a', 'jan12', 'jan04', 'jan03', 'jan01', 'dec31b', 'dec31a', 'dec28', 'dec27',
    'dec20', 'dec14c', 'dec14b', 'dec14a', 'dec05', 'dec01', 'nov30b', 'nov30a', 'nov27', 'nov23', 'nov22b', 'nov22a', 'nov20',
];
// A fixed shuffle, so no test depends on the caller's order.
const SHUFFLED = [7, 19, 0, 25, 3, 12, 21, 5, 16, 9, 1, 23, 14, 10, 24, 2, 18, 6, 13, 22, 8, 17, 4, 11, 15, 20].map((i) => FIXTURE[i]);
function keptOf(generations, policy) {
    const decisions = (0, retention_1.applyRetention)(generations, policy);
    return decisions.filter((d) => d.reasons.length > 0).map((d) => [d.generation.label, d.reasons]);
}
/** Every generation but those listed, in `keep` order: `within 70d` and `last` on each. */
const ALL_WITHIN_LAST = (extra) => NEWEST_FIRST.map((label) => [label, ['within 70d', 'last', ...(extra[label] ?? [])]]);
(0, node_test_1.describe)('applyRetention over 66 days of generations', () => {
    (0, node_test_1.it)('decides on every generation once, newest first, whatever the input order, and leaves the input alone', () => {
        const input = [...SHUFFLED];
        const decisions = (0, retention_1.applyRetention)(input, { last: 1 });
        strict_1.default.deepEqual(decisions.map((d) => d.generation.label), NEWEST_FIRST);
        strict_1.default.deepEqual(input, SHUFFLED);
        strict_1.default.deepEqual((0, retention_1.applyRetention)([...FIXTURE].reverse(), { daily: 5 }), (0, retention_1.applyRetention)(FIXTURE, { daily: 5 }));
    });
    // [what, policy, the generations kept (newest first) with their reasons; every other one goes]
    const table = [
        // --- last
        ['last 1', { last: 1 }, [['jan25b', ['last']]]],
        ['last 3', { last: 3 }, [['jan25b', ['last']], ['jan25a', ['last']], ['jan24', ['last']]]],
        ['last 26: exactly all of them', { last: 26 }, NEWEST_FIRST.map((l) => [l, ['last']])],
        ['last 30: more than there are keeps each once', { last: 30 }, NEWEST_FIRST.map((l) => [l, ['last']])],
        // --- daily: each day's newest, near-midnight ones on the right day
        ['daily 1', { daily: 1 }, [['jan25b', ['daily 2027-01-25']]]],
        [
            'daily 3: days with no generation do not count',
            { daily: 3 },
            [['jan25b', ['daily 2027-01-25']], ['jan24', ['daily 2027-01-24']], ['jan20b', ['daily 2027-01-20']]],
        ],
        [
            'daily 7: across the year boundary',
            { daily: 7 },
            [
                ['jan25b', ['daily 2027-01-25']],
                ['jan24', ['daily 2027-01-24']],
                ['jan20b', ['daily 2027-01-20']],
                ['jan12', ['daily 2027-01-12']],
                ['jan04', ['daily 2027-01-04']],
                ['jan03', ['daily 2027-01-03']],
                ['jan01', ['daily 2027-01-01']],
            ],
        ],
        [
            'daily 10: 23:59:59.999 belongs to its own day, 00:00 to the next',
            { daily: 10 },
            [
                ['jan25b', ['daily 2027-01-25']],
                ['jan24', ['daily 2027-01-24']],
                ['jan20b', ['daily 2027-01-20']],
                ['jan12', ['daily 2027-01-12']],
                ['jan04', ['daily 2027-01-04']],
                ['jan03', ['daily 2027-01-03']],
                ['jan01', ['daily 2027-01-01']],
                ['dec31b', ['daily 2026-12-31']],
                ['dec28', ['daily 2026-12-28']],
                ['dec27', ['daily 2026-12-27']],
            ],
        ],
        [
            'daily 18: one day short of all 19, so the oldest goes',
            { daily: 18 },
            [
                ['jan25b', ['daily 2027-01-25']],
                ['jan24', ['daily 2027-01-24']],
                ['jan20b', ['daily 2027-01-20']],
                ['jan12', ['daily 2027-01-12']],
                ['jan04', ['daily 2027-01-04']],
                ['jan03', ['daily 2027-01-03']],
                ['jan01', ['daily 2027-01-01']],
                ['dec31b', ['daily 2026-12-31']],
                ['dec28', ['daily 2026-12-28']],
                ['dec27', ['daily 2026-12-27']],
                ['dec20', ['daily 2026-12-20']],
                ['dec14c', ['daily 2026-12-14']],
                ['dec05', ['daily 2026-12-05']],
                ['dec01', ['daily 2026-12-01']],
                ['nov30b', ['daily 2026-11-30']],
                ['nov27', ['daily 2026-11-27']],
                ['nov23', ['daily 2026-11-23']],
                ['nov22b', ['daily 2026-11-22']],
            ],
        ],
        [
            'daily 25: more days than there are',
            { daily: 25 },
            [
                ['jan25b', ['daily 2027-01-25']],
                ['jan24', ['daily 2027-01-24']],
                ['jan20b', ['daily 2027-01-20']],
                ['jan12', ['daily 2027-01-12']],
                ['jan04', ['daily 2027-01-04']],
                ['jan03', ['daily 2027-01-03']],
                ['jan01', ['daily 2027-01-01']],
                ['dec31b', ['daily 2026-12-31']],
                ['dec28', ['daily 2026-12-28']],
                ['dec27', ['daily 2026-12-27']],
                ['dec20', ['daily 2026-12-20']],
                ['dec14c', ['daily 2026-12-14']],
                ['dec05', ['daily 2026-12-05']],
                ['dec01', ['daily 2026-12-01']],
                ['nov30b', ['daily 2026-11-30']],
                ['nov27', ['daily 2026-11-27']],
                ['nov23', ['daily 2026-11-23']],
                ['nov22b', ['daily 2026-11-22']],
                ['nov20', ['daily 2026-11-20']],
            ],
        ],
        // --- weekly: ISO weeks, 2026-W53 spans the new year, 2026-W50 has no generation
        ['weekly 1', { weekly: 1 }, [['jan25b', ['weekly 2027-W04']]]],
        ['weekly 2', { weekly: 2 }, [['jan25b', ['weekly 2027-W04']], ['jan24', ['weekly 2027-W03']]]],
        [
            'weekly 5: the newest of 2026-W53 is in 2027',
            { weekly: 5 },
            [
                ['jan25b', ['weekly 2027-W04']],
                ['jan24', ['weekly 2027-W03']],
                ['jan12', ['weekly 2027-W02']],
                ['jan04', ['weekly 2027-W01']],
                ['jan03', ['weekly 2026-W53']],
            ],
        ],
        [
            'weekly 6: Sunday 23:59:59.999 ends its week',
            { weekly: 6 },
            [
                ['jan25b', ['weekly 2027-W04']],
                ['jan24', ['weekly 2027-W03']],
                ['jan12', ['weekly 2027-W02']],
                ['jan04', ['weekly 2027-W01']],
                ['jan03', ['weekly 2026-W53']],
                ['dec27', ['weekly 2026-W52']],
            ],
        ],
        [
            'weekly 10: exactly the ten weeks, so the oldest goes',
            { weekly: 10 },
            [
                ['jan25b', ['weekly 2027-W04']],
                ['jan24', ['weekly 2027-W03']],
                ['jan12', ['weekly 2027-W02']],
                ['jan04', ['weekly 2027-W01']],
                ['jan03', ['weekly 2026-W53']],
                ['dec27', ['weekly 2026-W52']],
                ['dec20', ['weekly 2026-W51']],
                ['dec05', ['weekly 2026-W49']],
                ['nov27', ['weekly 2026-W48']],
                ['nov22b', ['weekly 2026-W47']],
            ],
        ],
        [
            'weekly 11: a count left at the oldest keeps it, though its week is kept already',
            { weekly: 11 },
            [
                ['jan25b', ['weekly 2027-W04']],
                ['jan24', ['weekly 2027-W03']],
                ['jan12', ['weekly 2027-W02']],
                ['jan04', ['weekly 2027-W01']],
                ['jan03', ['weekly 2026-W53']],
                ['dec27', ['weekly 2026-W52']],
                ['dec20', ['weekly 2026-W51']],
                ['dec05', ['weekly 2026-W49']],
                ['nov27', ['weekly 2026-W48']],
                ['nov22b', ['weekly 2026-W47']],
                ['nov20', ['weekly 2026-W47']],
            ],
        ],
        // --- monthly: 23:59:59.999 on the last day stays in its month
        ['monthly 1', { monthly: 1 }, [['jan25b', ['monthly 2027-01']]]],
        ['monthly 2', { monthly: 2 }, [['jan25b', ['monthly 2027-01']], ['dec31b', ['monthly 2026-12']]]],
        [
            'monthly 3: exactly the three months, so the oldest goes',
            { monthly: 3 },
            [['jan25b', ['monthly 2027-01']], ['dec31b', ['monthly 2026-12']], ['nov30b', ['monthly 2026-11']]],
        ],
        [
            'monthly 4: the oldest too',
            { monthly: 4 },
            [['jan25b', ['monthly 2027-01']], ['dec31b', ['monthly 2026-12']], ['nov30b', ['monthly 2026-11']], ['nov20', ['monthly 2026-11']]],
        ],
        [
            'monthly 12: as many months as asked would keep no more',
            { monthly: 12 },
            [['jan25b', ['monthly 2027-01']], ['dec31b', ['monthly 2026-12']], ['nov30b', ['monthly 2026-11']], ['nov20', ['monthly 2026-11']]],
        ],
        // --- within: relative to the newest generation (2027-01-25T09:00Z), strictly newer
        ['within 90m', { withinMs: 90 * 60_000 }, [['jan25b', ['within 90m']]]],
        ['within 9h: exactly 9h older is not within', { withinMs: 9 * HOUR }, [['jan25b', ['within 9h']]]],
        ['within 9h and 1s', { withinMs: 9 * HOUR + 1000 }, [['jan25b', ['within 32401s']], ['jan25a', ['within 32401s']]]],
        ['within 1d', { withinMs: DAY }, [['jan25b', ['within 1d']], ['jan25a', ['within 1d']], ['jan24', ['within 1d']]]],
        ['within 36h', { withinMs: 36 * HOUR }, [['jan25b', ['within 36h']], ['jan25a', ['within 36h']], ['jan24', ['within 36h']]]],
        [
            'within 7d',
            { withinMs: 7 * DAY },
            [['jan25b', ['within 7d']], ['jan25a', ['within 7d']], ['jan24', ['within 7d']], ['jan20b', ['within 7d']], ['jan20a', ['within 7d']]],
        ],
        [
            'within 1585h (66d 1h): exactly the oldest one is not within',
            { withinMs: 1585 * HOUR },
            NEWEST_FIRST.slice(0, -1).map((l) => [l, ['within 1585h']]),
        ],
        ['within 70d: all', { withinMs: 70 * DAY }, NEWEST_FIRST.map((l) => [l, ['within 70d']])],
        // --- combinations: reasons in restic's order (within, last, daily, weekly, monthly)
        [
            'last 2, daily 3',
            { last: 2, daily: 3 },
            [['jan25b', ['last', 'daily 2027-01-25']], ['jan25a', ['last']], ['jan24', ['daily 2027-01-24']], ['jan20b', ['daily 2027-01-20']]],
        ],
        [
            'daily 3, weekly 4, monthly 6: monthly reaches the oldest with counts left',
            { daily: 3, weekly: 4, monthly: 6 },
            [
                ['jan25b', ['daily 2027-01-25', 'weekly 2027-W04', 'monthly 2027-01']],
                ['jan24', ['daily 2027-01-24', 'weekly 2027-W03']],
                ['jan20b', ['daily 2027-01-20']],
                ['jan12', ['weekly 2027-W02']],
                ['jan04', ['weekly 2027-W01']],
                ['dec31b', ['monthly 2026-12']],
                ['nov30b', ['monthly 2026-11']],
                ['nov20', ['monthly 2026-11']],
            ],
        ],
        [
            'daily 10, weekly 6, monthly 2: through 2026-W53',
            { daily: 10, weekly: 6, monthly: 2 },
            [
                ['jan25b', ['daily 2027-01-25', 'weekly 2027-W04', 'monthly 2027-01']],
                ['jan24', ['daily 2027-01-24', 'weekly 2027-W03']],
                ['jan20b', ['daily 2027-01-20']],
                ['jan12', ['daily 2027-01-12', 'weekly 2027-W02']],
                ['jan04', ['daily 2027-01-04', 'weekly 2027-W01']],
                ['jan03', ['daily 2027-01-03', 'weekly 2026-W53']],
                ['jan01', ['daily 2027-01-01']],
                ['dec31b', ['daily 2026-12-31', 'monthly 2026-12']],
                ['dec28', ['daily 2026-12-28']],
                ['dec27', ['daily 2026-12-27', 'weekly 2026-W52']],
            ],
        ],
        [
            'within 7d, monthly 2',
            { withinMs: 7 * DAY, monthly: 2 },
            [
                ['jan25b', ['within 7d', 'monthly 2027-01']],
                ['jan25a', ['within 7d']],
                ['jan24', ['within 7d']],
                ['jan20b', ['within 7d']],
                ['jan20a', ['within 7d']],
                ['dec31b', ['monthly 2026-12']],
            ],
        ],
        [
            'every rule: within 1d, last 2, daily 4, weekly 3, monthly 5',
            { withinMs: DAY, last: 2, daily: 4, weekly: 3, monthly: 5 },
            [
                ['jan25b', ['within 1d', 'last', 'daily 2027-01-25', 'weekly 2027-W04', 'monthly 2027-01']],
                ['jan25a', ['within 1d', 'last']],
                ['jan24', ['within 1d', 'daily 2027-01-24', 'weekly 2027-W03']],
                ['jan20b', ['daily 2027-01-20']],
                ['jan12', ['daily 2027-01-12', 'weekly 2027-W02']],
                ['dec31b', ['monthly 2026-12']],
                ['nov30b', ['monthly 2026-11']],
                ['nov20', ['monthly 2026-11']],
            ],
        ],
        [
            'every rule, each larger than the history: everything, the oldest by every rule',
            { withinMs: 70 * DAY, last: 30, daily: 30, weekly: 30, monthly: 30 },
            ALL_WITHIN_LAST({
                jan25b: ['daily 2027-01-25', 'weekly 2027-W04', 'monthly 2027-01'],
                jan24: ['daily 2027-01-24', 'weekly 2027-W03'],
                jan20b: ['daily 2027-01-20'],
                jan12: ['daily 2027-01-12', 'weekly 2027-W02'],
                jan04: ['daily 2027-01-04', 'weekly 2027-W01'],
                jan03: ['daily 2027-01-03', 'weekly 2026-W53'],
                jan01: ['daily 2027-01-01'],
                dec31b: ['daily 2026-12-31', 'monthly 2026-12'],
                dec28: ['daily 2026-12-28'],
                dec27: ['daily 2026-12-27', 'weekly 2026-W52'],
                dec20: ['daily 2026-12-20', 'weekly 2026-W51'],
                dec14c: ['daily 2026-12-14'],
                dec05: ['daily 2026-12-05', 'weekly 2026-W49'],
                dec01: ['daily 2026-12-01'],
                nov30b: ['daily 2026-11-30', 'monthly 2026-11'],
                nov27: ['daily 2026-11-27', 'weekly 2026-W48'],
                nov23: ['daily 2026-11-23'],
                nov22b: ['daily 2026-11-22', 'weekly 2026-W47'],
                nov20: ['daily 2026-11-20', 'weekly 2026-W47', 'monthly 2026-11'],
            }),
        ],
        [
            'zero counts are no rule',
            { last: 0, daily: 0, weekly: 2, monthly: 0, withinMs: 0 },
            [['jan25b', ['weekly 2027-W04']], ['jan24', ['weekly 2027-W03']]],
        ],
    ];
    for (const [what, policy, expected] of table) {
        (0, node_test_1.it)(what, () => strict_1.default.deepEqual(keptOf(SHUFFLED, policy), expected));
    }
    (0, node_test_1.it)('an empty policy keeps everything (restic: "policy is empty"), never removes all', () => {
        const decisions = (0, retention_1.applyRetention)(SHUFFLED, {});
        strict_1.default.deepEqual(decisions.filter((d) => d.reasons.length > 0).map((d) => d.generation.label), NEWEST_FIRST);
    });
});
(0, node_test_1.describe)('applyRetention: small lists, ties', () => {
    const t = '2026-11-30T12:00:00.000Z';
    const tieLow = gen('tieLow', t, '00000001');
    const tieHigh = gen('tieHigh', t, 'ffffffff');
    const dayBefore = gen('dayBefore', '2026-11-29T12:00:00.000Z', '80000000');
    const lone = gen('lone', '2027-01-01T00:00:00.000Z', 'abcdef01');
    // [what, generations, policy, kept (newest first)]
    const table = [
        ['no generations', [], { last: 3, daily: 3, withinMs: DAY }, []],
        ['no generations, empty policy', [], {}, []],
        ['one generation, last 5', [lone], { last: 5 }, [['lone', ['last']]]],
        ['one generation, every rule', [lone], { withinMs: 1, last: 1, daily: 1, weekly: 1, monthly: 1 }, [['lone', ['within 1ms', 'last', 'daily 2027-01-01', 'weekly 2026-W53', 'monthly 2027-01']]]],
        // Equal times: the larger GEN id is the newer, as GEN ids sort (planPrune and ~N agree).
        ['a tie, last 1: the larger id', [tieLow, tieHigh], { last: 1 }, [['tieHigh', ['last']]]],
        ['a tie, last 1, other input order', [tieHigh, tieLow], { last: 1 }, [['tieHigh', ['last']]]],
        ['a tie, daily 1', [tieLow, tieHigh, dayBefore], { daily: 1 }, [['tieHigh', ['daily 2026-11-30']]]],
        ['a tie, daily 2', [tieHigh, dayBefore, tieLow], { daily: 2 }, [['tieHigh', ['daily 2026-11-30']], ['dayBefore', ['daily 2026-11-29']]]],
        ['a tie, within 1ms: both are the newest', [tieLow, dayBefore, tieHigh], { withinMs: 1 }, [['tieHigh', ['within 1ms']], ['tieLow', ['within 1ms']]]],
        // The oldest with a count left is kept even when its day is kept already (restic 0.17).
        [
            'a tie at the oldest, daily 5: both of that day',
            [tieLow, lone, tieHigh],
            { daily: 5 },
            [['lone', ['daily 2027-01-01']], ['tieHigh', ['daily 2026-11-30']], ['tieLow', ['daily 2026-11-30']]],
        ],
        ['two of one day, daily 1: the oldest rule needs a count left', [tieLow, tieHigh], { daily: 1 }, [['tieHigh', ['daily 2026-11-30']]]],
        ['two of one day, daily 2', [tieLow, tieHigh], { daily: 2 }, [['tieHigh', ['daily 2026-11-30']], ['tieLow', ['daily 2026-11-30']]]],
        ['two of one month, monthly 2', [tieLow, dayBefore], { monthly: 2 }, [['tieLow', ['monthly 2026-11']], ['dayBefore', ['monthly 2026-11']]]],
    ];
    for (const [what, gens, policy, expected] of table) {
        (0, node_test_1.it)(what, () => strict_1.default.deepEqual(keptOf(gens, policy), expected));
    }
});
(0, node_test_1.describe)('hasRules', () => {
    const table = [
        [{}, false],
        [{ last: 1 }, true],
        [{ daily: 1 }, true],
        [{ weekly: 1 }, true],
        [{ monthly: 1 }, true],
        [{ withinMs: 1 }, true],
        [{ last: 0 }, false],
        [{ last: 0, daily: 0, weekly: 0, monthly: 0, withinMs: 0 }, false],
        [{ last: 0, monthly: 2 }, true],
        [{ last: undefined, withinMs: 30 * DAY }, true],
    ];
    for (const [policy, expected] of table)
        (0, node_test_1.it)(`${JSON.stringify(policy)} -> ${expected}`, () => strict_1.default.equal((0, retention_1.hasRules)(policy), expected));
});
(0, node_test_1.describe)('isoWeek', () => {
    const table = [
        ['2021-01-03T12:00:00.000Z', '2020-W53'], // Sunday
        ['2021-01-04T00:00:00.000Z', '2021-W01'], // Monday
        ['2024-12-29T23:59:59.999Z', '2024-W52'], // Sunday
        ['2024-12-30T00:00:00.000Z', '2025-W01'], // Monday
        ['2025-12-28T23:59:59.999Z', '2025-W52'],
        ['2025-12-29T00:00:00.000Z', '2026-W01'],
        ['2026-01-01T00:00:00.000Z', '2026-W01'], // a Thursday: 2026 has 53 weeks
        ['2026-06-15T10:00:00.000Z', '2026-W25'],
        ['2026-11-29T23:59:59.999Z', '2026-W48'],
        ['2026-11-30T00:00:00.000Z', '2026-W49'],
        ['2026-12-27T23:59:59.999Z', '2026-W52'],
        ['2026-12-28T00:00:00.000Z', '2026-W53'],
        ['2026-12-31T12:00:00.000Z', '2026-W53'],
        ['2027-01-01T00:00:00.000Z', '2026-W53'],
        ['2027-01-03T23:59:59.999Z', '2026-W53'],
        ['2027-01-04T00:00:00.000Z', '2027-W01'],
        ['2027-01-04T23:59:59.999Z', '2027-W01'],
        ['2028-01-02T23:59:59.999Z', '2027-W52'], // 2027 has 52
        ['2028-01-03T00:00:00.000Z', '2028-W01'],
        ['2028-02-29T12:00:00.000Z', '2028-W09'],
        ['2020-12-31T00:00:00.000Z', '2020-W53'], // a leap year starting on Wednesday
        ['2015-12-31T00:00:00.000Z', '2015-W53'],
        ['2016-01-03T23:59:59.999Z', '2015-W53'],
        ['2008-12-29T00:00:00.000Z', '2009-W01'],
        ['2010-01-03T00:00:00.000Z', '2009-W53'],
    ];
    for (const [iso, expected] of table)
        (0, node_test_1.it)(`${iso} is ${expected}`, () => strict_1.default.equal((0, retention_1.isoWeek)(new Date(iso)), expected));
});
(0, node_test_1.describe)('generationTime', () => {
    const table = [
        ['2026-11-25T16:30:12.345Z', '1a2b3c4d'],
        ['2026-12-31T23:59:59.999Z', 'ffffffff'],
        ['2027-01-01T00:00:00.000Z', '00000000'],
        ['2028-02-29T23:59:59.999Z', '0badcafe'],
        ['1999-12-31T23:59:59.001Z', '12345678'],
        ['1970-01-01T00:00:00.000Z', '00000001'],
    ];
    for (const [iso, hex] of table) {
        (0, node_test_1.it)(`round-trips ${iso}`, () => strict_1.default.equal((0, layout_1.generationTime)((0, layout_1.newGeneration)(new Date(iso), hex)).toISOString(), iso));
    }
    (0, node_test_1.it)('reads the time of a GEN id', () => strict_1.default.equal((0, layout_1.generationTime)('20261125T163012345Z-1a2b3c4d').toISOString(), '2026-11-25T16:30:12.345Z'));
    for (const bad of ['MANIFEST', '', '2026-11-25T16:30:12.345Z', '20261125T1630123Z-1a2b3c4d']) {
        (0, node_test_1.it)(`rejects ${JSON.stringify(bad)}`, () => strict_1.default.throws(() => (0, layout_1.generationTime)(bad), { name: 'RangeError', message: `not a generation id: ${bad}` }));
    }
});
// --- planPrune
const G = (iso, hex) => (0, layout_1.newGeneration)(new Date(iso), hex);
const G1 = G('2026-11-20T08:00:00.000Z', '11111111');
const G2 = G('2026-11-22T23:59:59.999Z', '22222222'); // uncommitted: an interrupted upload
const G3 = G('2026-11-30T10:00:00.000Z', '33333333');
const G4 = G('2026-12-01T00:00:00.000Z', '44444444');
const G5 = G('2026-12-01T12:00:00.000Z', '55555555'); // current
const G6 = G('2026-12-02T03:00:00.000Z', '66666666'); // uncommitted, newer: being uploaded
const G7 = G('2026-12-03T00:00:00.000Z', '77777777'); // committed, newer: another writer's
const NAME = 'host/etc';
function stored(generation, committed) {
    const chunks = [0, 1].map((i) => ({ key: (0, layout_1.chunkKey)(NAME, generation, i), size: 8 }));
    return [generation, committed ? { chunks, manifest: (0, layout_1.generationManifestKey)(NAME, generation) } : { chunks }];
}
// Listed in no useful order: planPrune sorts.
const SET = new Map([stored(G4, true), stored(G7, true), stored(G1, true), stored(G6, false), stored(G5, true), stored(G2, false), stored(G3, true)]);
const keep = (generation, ...reasons) => ({ generation, keep: true, reasons });
const remove = (generation, ...reasons) => ({ generation, keep: false, reasons });
const NEWER = 'newer than the current one';
(0, node_test_1.describe)('planPrune', () => {
    // [what, stored, current, policy, plan (oldest first)]
    const table = [
        [
            'last 1: only the current one of the older',
            SET,
            G5,
            { last: 1 },
            [remove(G1), remove(G2, 'uncommitted'), remove(G3), remove(G4), keep(G5, 'current', 'last'), keep(G6, NEWER), keep(G7, NEWER)],
        ],
        [
            'last 2: the current one counts toward the policy',
            SET,
            G5,
            { last: 2 },
            [remove(G1), remove(G2, 'uncommitted'), remove(G3), keep(G4, 'last'), keep(G5, 'current', 'last'), keep(G6, NEWER), keep(G7, NEWER)],
        ],
        [
            'last 10: every committed one; orphans still go',
            SET,
            G5,
            { last: 10 },
            [keep(G1, 'last'), remove(G2, 'uncommitted'), keep(G3, 'last'), keep(G4, 'last'), keep(G5, 'current', 'last'), keep(G6, NEWER), keep(G7, NEWER)],
        ],
        [
            'daily 2',
            SET,
            G5,
            { daily: 2 },
            [remove(G1), remove(G2, 'uncommitted'), keep(G3, 'daily 2026-11-30'), remove(G4), keep(G5, 'current', 'daily 2026-12-01'), keep(G6, NEWER), keep(G7, NEWER)],
        ],
        [
            'weekly 2: 2026-11-30, 12-01 share 2026-W49',
            SET,
            G5,
            { weekly: 2 },
            [keep(G1, 'weekly 2026-W47'), remove(G2, 'uncommitted'), remove(G3), remove(G4), keep(G5, 'current', 'weekly 2026-W49'), keep(G6, NEWER), keep(G7, NEWER)],
        ],
        [
            'monthly 3: the oldest committed one with a count left',
            SET,
            G5,
            { monthly: 3 },
            [keep(G1, 'monthly 2026-11'), remove(G2, 'uncommitted'), keep(G3, 'monthly 2026-11'), remove(G4), keep(G5, 'current', 'monthly 2026-12'), keep(G6, NEWER), keep(G7, NEWER)],
        ],
        [
            'within 1d of the current one, not of the newer G7',
            SET,
            G5,
            { withinMs: DAY },
            [remove(G1), remove(G2, 'uncommitted'), remove(G3), keep(G4, 'within 1d'), keep(G5, 'current', 'within 1d'), keep(G6, NEWER), keep(G7, NEWER)],
        ],
        [
            'the oldest as current: everything else is newer',
            SET,
            G1,
            { last: 1 },
            [keep(G1, 'current', 'last'), keep(G2, NEWER), keep(G3, NEWER), keep(G4, NEWER), keep(G5, NEWER), keep(G6, NEWER), keep(G7, NEWER)],
        ],
        [
            'the newest as current: the uncommitted G6 older than it goes',
            SET,
            G7,
            { last: 2 },
            [remove(G1), remove(G2, 'uncommitted'), remove(G3), remove(G4), keep(G5, 'last'), remove(G6, 'uncommitted'), keep(G7, 'current', 'last')],
        ],
        [
            'the current one listed without its GEN/MANIFEST still counts',
            new Map([stored(G3, true), stored(G4, true), stored(G5, false)]),
            G5,
            { last: 2 },
            [remove(G3), keep(G4, 'last'), keep(G5, 'current', 'last')],
        ],
        [
            'the current one not listed at all still counts',
            new Map([stored(G3, true), stored(G4, true)]),
            G5,
            { last: 2 },
            [remove(G3), keep(G4, 'last')],
        ],
        ['nothing stored', new Map(), G5, { last: 1 }, []],
    ];
    for (const [what, gens, current, policy, expected] of table) {
        (0, node_test_1.it)(what, () => strict_1.default.deepEqual((0, generations_1.planPrune)(gens, current, policy), expected));
    }
    (0, node_test_1.it)('equal times: the GEN id decides which is newer than the current one', () => {
        const low = G('2026-12-01T12:00:00.000Z', '00000001');
        const high = G('2026-12-01T12:00:00.000Z', 'fffffffe');
        const before = G('2026-12-01T11:59:59.999Z', 'ffffffff');
        const gens = new Map([stored(high, true), stored(before, true), stored(low, true)]);
        strict_1.default.deepEqual((0, generations_1.planPrune)(gens, low, { last: 1 }), [remove(before), keep(low, 'current', 'last'), keep(high, NEWER)]);
        strict_1.default.deepEqual((0, generations_1.planPrune)(gens, high, { last: 2 }), [remove(before), keep(low, 'last'), keep(high, 'current', 'last')]);
    });
    (0, node_test_1.it)('an empty policy removes no committed generation (restic keeps all)', () => {
        const plan = (0, generations_1.planPrune)(SET, G5, {});
        strict_1.default.deepEqual(plan.map((d) => [d.generation, d.keep]), [[G1, true], [G2, false], [G3, true], [G4, true], [G5, true], [G6, true], [G7, true]]);
    });
});
(0, node_test_1.describe)('formatPruneDecision', () => {
    const table = [
        [keep(G5, 'current', 'last'), `keep (current, last) ${G5}`],
        [keep(G5, 'current', 'within 7d', 'last', 'daily 2026-12-01', 'weekly 2026-W49', 'monthly 2026-12'), `keep (current, within 7d, last, daily 2026-12-01, weekly 2026-W49, monthly 2026-12) ${G5}`],
        [keep(G3, 'daily 2026-11-30'), `keep (daily 2026-11-30) ${G3}`],
        [keep(G7, NEWER), `keep (newer than the current one) ${G7}`],
        [remove(G1), `remove ${G1}`],
        [remove(G2, 'uncommitted'), `remove ${G2} (uncommitted)`],
    ];
    for (const [d, line] of table)
        (0, node_test_1.it)(line, () => strict_1.default.equal((0, generations_1.formatPruneDecision)(d), line));
});
(0, node_test_1.describe)('pickGeneration', () => {
    const URL = 's3://b/x';
    // G4 is newer than the current G3 (another writer's); G1 < G2 < G3 < G4; in no order.
    const COMMITTED = [G3, G1, G4, G2];
    const tieLow = G('2026-12-01T12:00:00.000Z', '00000001');
    const tieHigh = G('2026-12-01T12:00:00.000Z', 'fffffffe');
    // [what, ref, committed, current, GEN id picked]
    const picks = [
        ['~0 is the current one', '~0', COMMITTED, G3, G3],
        ['~1 the one before', '~1', COMMITTED, G3, G2],
        ['~2', '~2', COMMITTED, G3, G1],
        ['~01 is ~1', '~01', COMMITTED, G3, G2],
        ['an older one by id', G1, COMMITTED, G3, G1],
        ['the current one by id', G3, COMMITTED, G3, G3],
        ['a newer one by id', G4, COMMITTED, G3, G4],
        ['by id with no current one', G1, [G1], undefined, G1],
        ['~0 with a newer one of equal time', '~0', [tieHigh, tieLow, G1], tieLow, tieLow],
        ['~1 with a newer one of equal time', '~1', [tieHigh, tieLow, G1], tieLow, G1],
    ];
    for (const [what, ref, committed, current, expected] of picks) {
        (0, node_test_1.it)(what, () => strict_1.default.equal((0, generations_1.pickGeneration)(ref, committed, current, URL), expected));
    }
    // [what, ref, committed, current, message]
    const misses = [
        ['~N past the oldest', '~3', COMMITTED, G3, 'no generation ~3 of s3://b/x: 3 committed generations (~0 to ~2)'],
        ['~5 of two', '~5', [G1, G2], G2, 'no generation ~5 of s3://b/x: 2 committed generations (~0 to ~1)'],
        ['~1 of one', '~1', [G1], G1, 'no generation ~1 of s3://b/x: 1 committed generation (~0 to ~0)'],
        ['~0 with no current one', '~0', [G1], undefined, 'no generation ~0 of s3://b/x: 0 committed generations'],
        ['~0 of nothing', '~0', [], undefined, 'no generation ~0 of s3://b/x: 0 committed generations'],
        ['an unknown id', G5, COMMITTED, G3, `no generation ${G5} of s3://b/x: 4 committed generations; s3ls --generations lists them`],
        ['an id of nothing', G5, [], undefined, `no generation ${G5} of s3://b/x: 0 committed generations; s3ls --generations lists them`],
        ['an id among one', G5, [G1], G1, `no generation ${G5} of s3://b/x: 1 committed generation; s3ls --generations lists them`],
        ['~-1 is no ~N', '~-1', COMMITTED, G3, 'no generation ~-1 of s3://b/x: 4 committed generations; s3ls --generations lists them'],
    ];
    for (const [what, ref, committed, current, message] of misses) {
        (0, node_test_1.it)(`${what}: ${message}`, () => strict_1.default.throws(() => (0, generations_1.pickGeneration)(ref, committed, current, URL), (err) => {
            strict_1.default.ok(err instanceof generations_1.GenerationNotFound, `a GenerationNotFound, not ${String(err)}`);
            strict_1.default.equal(err.message, message);
            return true;
        }));
    }
});
(0, node_test_1.describe)('resumeMismatch', () => {
    const RESUMED = G('2026-12-02T03:00:00.000Z', '66666666');
    const resume = (...sizes) => ({
        generation: RESUMED,
        chunks: new Map(sizes.map(([i, size]) => [i, { key: (0, layout_1.chunkKey)(NAME, RESUMED, i), size }])),
    });
    const why = (index, size, chunkSize) => `cannot resume ${RESUMED}: its chunk ${index} is ${size} bytes, not --chunk-size ${chunkSize}; give the --chunk-size it was uploaded with`;
    // [what, stored chunks, --chunk-size, why not (undefined: it can resume)]
    const table = [
        ['full chunks and a short last', resume([0, 8], [1, 8], [2, 3]), 8, undefined],
        ['full chunks, the last full too', resume([0, 8], [1, 8], [2, 8]), 8, undefined],
        ['one full chunk', resume([0, 8]), 8, undefined],
        ['one short chunk', resume([0, 5]), 8, undefined],
        ['one empty chunk', resume([0, 0]), 8, undefined],
        ['a missing chunk is no size mismatch', resume([0, 8], [2, 3]), 8, undefined],
        ['a short chunk before the last', resume([0, 8], [1, 7], [2, 8]), 8, why(1, 7, 8)],
        ['uploaded with a larger chunk size', resume([0, 16], [1, 16], [2, 4]), 8, why(0, 16, 8)],
        ['uploaded with a smaller chunk size', resume([0, 4], [1, 4]), 8, why(0, 4, 8)],
        ['a last chunk larger than the chunk size', resume([0, 8], [1, 9]), 8, why(1, 9, 8)],
        ['a single chunk larger than the chunk size', resume([0, 9]), 8, why(0, 9, 8)],
        ['the first mismatch is reported', resume([0, 8], [1, 7], [2, 9]), 8, why(1, 7, 8)],
        ['a real chunk size', resume([0, 8 * 2 ** 20], [1, 8 * 2 ** 20], [2, 1]), 8 * 2 ** 20, undefined],
        ['a real chunk size, one byte short', resume([0, 8 * 2 ** 20 - 1], [1, 1]), 8 * 2 ** 20, why(0, 8 * 2 ** 20 - 1, 8 * 2 ** 20)],
    ];
    for (const [what, r, chunkSize, expected] of table)
        (0, node_test_1.it)(what, () => strict_1.default.equal((0, generations_1.resumeMismatch)(r, chunkSize), expected));
});
