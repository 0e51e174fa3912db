// Recurrence in words, shared by the agenda, the schedule form and the
// meeting details page.

import { formatLocalDate, weekdayOf } from './time.js';

/** API weekday codes in Monday-first order (the form's order). */
export const WEEKDAY_CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
/** JS getDay() index (0 = Sunday) → API code. */
export const CODE_BY_JS_DAY = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];
export const SHORT_LABEL = { MO: 'Mon', TU: 'Tue', WE: 'Wed', TH: 'Thu', FR: 'Fri', SA: 'Sat', SU: 'Sun' };
const LONG_LABEL = { MO: 'Monday', TU: 'Tuesday', WE: 'Wednesday', TH: 'Thursday', FR: 'Friday', SA: 'Saturday', SU: 'Sunday' };

export const weekdayName = (code) => LONG_LABEL[code] || code;

const ORDINALS = ['first', '1st', '2nd', '3rd', '4th'];

/** "the 2nd Tuesday" / "the last Friday" for a local date. */
export function nthWeekdayPhrase(ymd) {
  const day = Number(ymd.split('-')[2]);
  const n = Math.ceil(day / 7);
  const name = weekdayName(CODE_BY_JS_DAY[weekdayOf(ymd)]);
  return n >= 5 ? `the last ${name}` : `the ${ORDINALS[n]} ${name}`;
}

function listOf(items) {
  try {
    return new Intl.ListFormat('en', { style: 'long', type: 'conjunction' }).format(items);
  } catch {
    return items.join(', ');
  }
}

function sortDays(days) {
  return [...days].sort((a, b) => WEEKDAY_CODES.indexOf(a) - WEEKDAY_CODES.indexOf(b));
}

/**
 * Full sentence: "Every week on Monday and Wednesday, 10 times".
 * `startLocal` is "YYYY-MM-DDTHH:MM" (used for defaults: weekday, day of month).
 */
export function describeRecurrence(rec, startLocal) {
  if (!rec) return 'Does not repeat';
  const n = Number(rec.interval) || 1;
  const date = startLocal ? startLocal.slice(0, 10) : null;
  let s;
  switch (rec.frequency) {
    case 'daily':
      s = n === 1 ? 'Every day' : `Every ${n} days`;
      break;
    case 'weekly': {
      let days = rec.byWeekday && rec.byWeekday.length ? sortDays(rec.byWeekday) : (date ? [CODE_BY_JS_DAY[weekdayOf(date)]] : []);
      const weekdays = ['MO', 'TU', 'WE', 'TH', 'FR'];
      const isWorkweek = days.length === 5 && weekdays.every((d) => days.includes(d));
      if (n === 1 && isWorkweek) {
        s = 'Every weekday (Monday to Friday)';
      } else if (n === 1 && days.length === 7) {
        s = 'Every day';
      } else {
        s = `${n === 1 ? 'Every week' : `Every ${n} weeks`}${days.length ? ` on ${listOf(days.map(weekdayName))}` : ''}`;
      }
      break;
    }
    case 'monthly': {
      const base = n === 1 ? 'Every month' : `Every ${n} months`;
      if (!date) { s = base; break; }
      if (rec.monthlyBy === 'weekdayOfMonth') s = `${base} on ${nthWeekdayPhrase(date)}`;
      else s = `${base} on day ${Number(date.slice(8, 10))}`;
      break;
    }
    default:
      s = rec.rrule ? `Repeats (${rec.rrule})` : 'Repeats';
  }
  if (rec.count) s += `, ${rec.count} time${rec.count === 1 ? '' : 's'}`;
  else if (rec.until) s += `, until ${formatLocalDate(rec.until, 'medium')}`;
  return s;
}

/** Short hint for lists: "Weekly", "Every 2 weeks", "Daily", "Monthly". */
export function shortRecurrence(rec) {
  if (!rec) return 'Repeats';
  const n = Number(rec.interval) || 1;
  switch (rec.frequency) {
    case 'daily': return n === 1 ? 'Daily' : `Every ${n} days`;
    case 'weekly': return n === 1 ? 'Weekly' : `Every ${n} weeks`;
    case 'monthly': return n === 1 ? 'Monthly' : `Every ${n} months`;
    default: return 'Repeats';
  }
}
