// Time formatting with Intl.DateTimeFormat, in the viewer's zone unless a zone
// is given. Instants from the API are RFC 3339 UTC strings.

export const viewerZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

const cache = new Map();
function fmt(options) {
  const key = JSON.stringify(options);
  let f = cache.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(undefined, options);
    } catch {
      // An unknown zone: fall back to the viewer's.
      const { timeZone, ...rest } = options;
      f = new Intl.DateTimeFormat(undefined, rest);
    }
    cache.set(key, f);
  }
  return f;
}

export const toDate = (v) => (v instanceof Date ? v : new Date(v));

/** "YYYY-MM-DD" of an instant in a zone (default: viewer's). */
export function dayKey(instant, timeZone) {
  const parts = fmtParts(instant, timeZone);
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** "YYYY-MM-DDTHH:MM" of an instant in a zone. */
export function localDateTime(instant, timeZone) {
  const p = fmtParts(instant, timeZone);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

function fmtParts(instant, timeZone) {
  const key = `parts:${timeZone || ''}`;
  let f = cache.get(key);
  if (!f) {
    const opts = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
    if (timeZone) opts.timeZone = timeZone;
    try { f = new Intl.DateTimeFormat('en-US', opts); } catch { delete opts.timeZone; f = new Intl.DateTimeFormat('en-US', opts); }
    cache.set(key, f);
  }
  const out = {};
  for (const p of f.formatToParts(toDate(instant))) out[p.type] = p.value;
  if (out.hour === '24') out.hour = '00';
  return out;
}

/** "Today", "Tomorrow", "Yesterday", else weekday + date in the viewer's locale. */
export function dayHeading(instant, now = new Date()) {
  const key = dayKey(instant);
  const today = dayKey(now);
  const tomorrow = dayKey(new Date(now.getTime() + 86_400_000));
  const yesterday = dayKey(new Date(now.getTime() - 86_400_000));
  if (key === today) return 'Today';
  if (key === tomorrow) return 'Tomorrow';
  if (key === yesterday) return 'Yesterday';
  const d = toDate(instant);
  const sameYear = dayKey(d).slice(0, 4) === today.slice(0, 4);
  return fmt(sameYear ? { weekday: 'long', month: 'long', day: 'numeric' } : { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }).format(d);
}

export function formatTime(instant, timeZone) {
  const o = { hour: 'numeric', minute: '2-digit' };
  if (timeZone) o.timeZone = timeZone;
  return fmt(o).format(toDate(instant));
}

/** "9:00 – 10:00 AM" (same day) in a zone. */
export function formatTimeRange(start, end, timeZone) {
  const o = { hour: 'numeric', minute: '2-digit' };
  if (timeZone) o.timeZone = timeZone;
  const f = fmt(o);
  const s = toDate(start);
  const e = toDate(end);
  if (typeof f.formatRange === 'function' && e > s) {
    try { return f.formatRange(s, e); } catch { /* fall through */ }
  }
  return `${f.format(s)} – ${f.format(e)}`;
}

/** "Tuesday, December 1, 2026 at 9:00 AM" in a zone. */
export function formatDateTime(instant, timeZone, { withWeekday = true } = {}) {
  const o = { dateStyle: withWeekday ? 'full' : 'medium', timeStyle: 'short' };
  if (timeZone) o.timeZone = timeZone;
  return fmt(o).format(toDate(instant));
}

/** "Tue, Dec 1, 9:00 AM" in a zone. */
export function formatShortDateTime(instant, timeZone) {
  const o = { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' };
  if (timeZone) o.timeZone = timeZone;
  return fmt(o).format(toDate(instant));
}

/** "Tuesday, December 1, 2026" for a local date "YYYY-MM-DD". */
export function formatLocalDate(ymd, style = 'long') {
  const [y, m, d] = ymd.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d, 12));
  const o = style === 'long' ? { dateStyle: 'long', timeZone: 'UTC' } : { dateStyle: 'medium', timeZone: 'UTC' };
  return fmt(o).format(date);
}

/** Date range in a zone: "Tuesday, December 1, 2026, 9:00 – 10:00 AM". */
export function formatWhen(start, end, timeZone) {
  const dayO = { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' };
  if (timeZone) dayO.timeZone = timeZone;
  const day = fmt(dayO).format(toDate(start));
  if (!end) return `${day}, ${formatTime(start, timeZone)}`;
  if (dayKey(start, timeZone) !== dayKey(end, timeZone)) {
    return `${formatDateTime(start, timeZone)} – ${formatDateTime(end, timeZone)}`;
  }
  return `${day}, ${formatTimeRange(start, end, timeZone)}`;
}

/** "GMT+1" style offset of a zone at an instant. */
export function zoneOffset(timeZone, at = new Date()) {
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'shortOffset' }).formatToParts(at);
    const p = parts.find((x) => x.type === 'timeZoneName');
    return p ? p.value : '';
  } catch {
    return '';
  }
}

/** A friendly zone name, e.g. "Central European Standard Time". */
export function zoneName(timeZone, at = new Date()) {
  try {
    const parts = new Intl.DateTimeFormat(undefined, { timeZone, timeZoneName: 'long' }).formatToParts(at);
    const p = parts.find((x) => x.type === 'timeZoneName');
    return p ? p.value : timeZone;
  } catch {
    return timeZone;
  }
}

const rtf = typeof Intl.RelativeTimeFormat === 'function' ? new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }) : null;

/** "5 minutes ago", "yesterday", … */
export function relativeTime(instant, now = new Date()) {
  const diff = (toDate(instant).getTime() - now.getTime()) / 1000;
  const abs = Math.abs(diff);
  if (!rtf) return formatShortDateTime(instant);
  if (abs < 45) return 'just now';
  if (abs < 3600) return rtf.format(Math.round(diff / 60), 'minute');
  if (abs < 86_400) return rtf.format(Math.round(diff / 3600), 'hour');
  if (abs < 7 * 86_400) return rtf.format(Math.round(diff / 86_400), 'day');
  return formatShortDateTime(instant);
}

/** "in 10 minutes" / "10 minutes" phrasing for reminders. */
export function minutesPhrase(minutes) {
  const m = Math.max(0, Math.round(Number(minutes) || 0));
  if (m < 60 || m % 60 !== 0) return `${m} minute${m === 1 ? '' : 's'}`;
  const hours = m / 60;
  if (hours < 24 || hours % 24 !== 0) return `${hours} hour${hours === 1 ? '' : 's'}`;
  const days = hours / 24;
  return `${days} day${days === 1 ? '' : 's'}`;
}

/** Duration label: "30 minutes", "1 hour", "1 hour 30 minutes". */
export function durationLabel(minutes) {
  const m = Number(minutes) || 0;
  if (m < 60) return `${m} minutes`;
  const hrs = Math.floor(m / 60);
  const rest = m % 60;
  const hPart = `${hrs} hour${hrs === 1 ? '' : 's'}`;
  return rest ? `${hPart} ${rest} min` : hPart;
}

/** Today's local date and a sensible default start time (next half hour). */
export function defaultStart(now = new Date()) {
  const d = new Date(now.getTime());
  d.setSeconds(0, 0);
  const add = 30 - (d.getMinutes() % 30);
  d.setMinutes(d.getMinutes() + (add === 0 ? 30 : add));
  const pad = (n) => String(n).padStart(2, '0');
  return {
    date: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`,
    time: `${pad(d.getHours())}:${pad(d.getMinutes())}`,
  };
}

/** Weekday index (0 = Sunday) of a local "YYYY-MM-DD". */
export function weekdayOf(ymd) {
  const [y, m, d] = ymd.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

export function daysInMonth(ymd) {
  const [y, m] = ymd.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** All IANA zones the browser knows, plus any extra ones needed. */
export function allTimeZones(extra = []) {
  let zones = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = ['UTC'];
  }
  const set = new Set(zones);
  for (const z of [viewerZone(), 'UTC', ...extra]) if (z) set.add(z);
  return [...set].sort((a, b) => a.localeCompare(b));
}
