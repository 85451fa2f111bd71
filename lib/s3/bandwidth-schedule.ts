import { parseSize } from '../units';

/**
 * `--bwlimit` values as rclone spells them: one rate (`10M`, bytes per second with the
 * size suffixes, binary multiples; `off` for none), or a timetable of `[DAY-]HH:MM,RATE`
 * entries separated by blanks (`08:00,2M 19:00,off`; `Mon-08:00,2M Sat-00:00,off`). Each
 * entry holds from its time until the next one; before the first of a day the last one
 * of the day (or the week) before goes on. An entry without a day holds on every day.
 */

/** Bytes per second; Infinity means no limit. */
export type Rate = number;

/** One rate from a point of the week on: minutes since Monday 00:00, local time. */
export interface ScheduleEntry {
  minuteOfWeek: number;
  rate: Rate;
}

/** A whole week's timetable, sorted by time; one entry for a constant rate. */
export type BandwidthSchedule = ScheduleEntry[];

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const MINUTES_PER_DAY = 24 * 60;

/** A rate: `off`, or a size per second (`512K`, `10M`, `1.5M`); NaN when malformed or zero. */
export function parseRate(text: string): Rate {
  if (text.toLowerCase() === 'off') return Infinity;
  const n = parseSize(text);
  return n > 0 ? n : NaN;
}

/** The timetable of a `--bwlimit` value; throws RangeError saying which part is wrong. */
export function parseBandwidth(text: string): BandwidthSchedule {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 1 && !words[0].includes(',')) {
    const rate = parseRate(words[0]);
    if (Number.isNaN(rate)) throw new RangeError(`'${words[0]}' is not a rate such as 10M or off`);
    return [{ minuteOfWeek: 0, rate }];
  }
  if (!words.length) throw new RangeError('no rate given');
  const entries: ScheduleEntry[] = [];
  for (const word of words) {
    const m = /^(?:([a-z]{3})-)?(\d{1,2}):(\d{2}),(.+)$/i.exec(word);
    const day = m?.[1] === undefined ? undefined : DAYS.indexOf(m[1].toLowerCase());
    const hour = Number(m?.[2]);
    const minute = Number(m?.[3]);
    const rate = m ? parseRate(m[4]) : NaN;
    if (!m || day === -1 || hour > 23 || minute > 59 || Number.isNaN(rate)) {
      throw new RangeError(`'${word}' is not a timetable entry such as 08:00,2M or Mon-19:00,off`);
    }
    const minuteOfDay = hour * 60 + minute;
    const days = day === undefined ? [0, 1, 2, 3, 4, 5, 6] : [day];
    for (const d of days) entries.push({ minuteOfWeek: d * MINUTES_PER_DAY + minuteOfDay, rate });
  }
  entries.sort((a, b) => a.minuteOfWeek - b.minuteOfWeek);
  for (let i = 1; i < entries.length; i++) {
    if (entries[i].minuteOfWeek === entries[i - 1].minuteOfWeek) throw new RangeError(`two entries for the same time in '${text}'`);
  }
  return entries;
}

/** The rate in force at `when` (local time). */
export function rateAt(schedule: BandwidthSchedule, when: Date): Rate {
  const minute = ((when.getDay() + 6) % 7) * MINUTES_PER_DAY + when.getHours() * 60 + when.getMinutes();
  let rate = schedule[schedule.length - 1].rate;
  for (const entry of schedule) {
    if (entry.minuteOfWeek > minute) break;
    rate = entry.rate;
  }
  return rate;
}
