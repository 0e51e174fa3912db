// /meetings — "My meetings": upcoming and past meetings (occurrences of what
// you host or are invited to) and your instant meetings, with a search box.
// Instant meetings you host can be renamed here.

import { api, isAbort } from '../api.js';
import { h, icon, spinner, emptyState } from '../dom.js';
import { appPath } from '../router.js';
import { formatWhen, toDate, formatShortDateTime } from '../components/time.js';
import { renameControl } from '../components/rename.js';
import { live } from '../live.js';

const UPCOMING_DAYS = 90;
const PAST_DAYS = 90;
const DAY_MS = 86_400_000;

const iso = (d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export default async function meetingsPage(root, ctx) {
  ctx.setTitle('My meetings');
  const searchId = 'meetings-search';
  const search = h('input', { type: 'search', id: searchId, name: 'q', autocomplete: 'off', placeholder: 'Title or host', value: ctx.query.get('q') || '' });
  const count = h('p', { class: 'sr-only', role: 'status' });
  const body = h('div', { class: 'stack meetings-body' }, spinner('Loading your meetings…'));
  root.append(h('div', { class: 'container' },
    h('div', { class: 'page-head' },
      h('h1', { class: 'page-title' }, 'My meetings'),
      h('div', { class: 'row' },
        h('a', { class: 'btn btn-primary', href: '/schedule' }, icon('calendar', 16), 'Schedule meeting'))),
    h('form', { class: 'meetings-search', role: 'search', onsubmit: (ev) => ev.preventDefault() },
      h('label', { for: searchId }, 'Search meetings'),
      search),
    count,
    body));

  let data = null; // {upcoming, past, instant, meetings: Map}

  async function load() {
    const now = new Date();
    const window = (from, to) => api.get(`/occurrences?from=${encodeURIComponent(iso(from))}&to=${encodeURIComponent(iso(to))}`, { signal: ctx.signal });
    try {
      const [meetRes, ahead, behind] = await Promise.all([
        api.get('/meetings', { signal: ctx.signal }),
        window(now, new Date(now.getTime() + UPCOMING_DAYS * DAY_MS)),
        window(new Date(now.getTime() - PAST_DAYS * DAY_MS), now),
      ]);
      const meetings = new Map((meetRes.meetings || []).map((m) => [m.id, m]));
      // Ongoing meetings (started, not ended) count as upcoming.
      const upcoming = (ahead.occurrences || []).concat((behind.occurrences || []).filter((o) => toDate(o.end) > now));
      const seen = new Set();
      data = {
        meetings,
        upcoming: upcoming.filter((o) => { const k = `${o.meetingId}@${o.start}`; if (seen.has(k)) return false; seen.add(k); return true; })
          .sort((a, b) => toDate(a.start) - toDate(b.start)),
        past: (behind.occurrences || []).filter((o) => toDate(o.end) <= now).sort((a, b) => toDate(b.start) - toDate(a.start)),
        instant: [...meetings.values()].filter((m) => m.kind === 'instant').sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt))),
      };
      render();
    } catch (err) {
      if (isAbort(err)) return;
      body.replaceChildren(emptyState({
        iconName: 'alert', title: 'Your meetings could not be loaded.', body: err.message,
        action: h('button', { type: 'button', class: 'btn btn-sm', onclick: () => { body.replaceChildren(spinner('Loading your meetings…')); load(); } }, 'Try again'),
      }));
    }
  }

  function matches(title, host) {
    const q = search.value.trim().toLowerCase();
    if (!q) return true;
    return String(title || '').toLowerCase().includes(q) || String(host || '').toLowerCase().includes(q);
  }

  function render() {
    if (!data) return;
    const q = search.value.trim();
    const hostName = (x) => (x.host ? x.host.displayName : '');
    const upcoming = data.upcoming.filter((o) => matches(o.title, hostName(o)));
    const instant = data.instant.filter((m) => matches(m.title, hostName(m)));
    const past = data.past.filter((o) => matches(o.title, hostName(o)));
    const total = upcoming.length + instant.length + past.length;
    count.textContent = q ? `${total} ${total === 1 ? 'meeting matches' : 'meetings match'} “${q}”.` : '';
    body.replaceChildren(
      section('upcoming', 'Upcoming', upcoming, q ? 'No upcoming meeting matches.' : `Nothing scheduled in the next ${UPCOMING_DAYS} days.`, occurrenceItem),
      section('instant', 'Instant meetings', instant, q ? 'No instant meeting matches.' : 'Meetings you start with “New meeting” appear here.', instantItem),
      section('past', 'Past', past, q ? 'No past meeting matches.' : `No meetings in the last ${PAST_DAYS} days.`, occurrenceItem));
  }

  function section(key, title, items, emptyText, itemFn) {
    const headingId = `meetings-${key}`;
    return h('section', { class: 'card', 'aria-labelledby': headingId },
      h('div', { class: 'card-head' }, h('h2', { id: headingId }, `${title} (${items.length})`)),
      items.length
        ? h('ul', { class: 'meeting-list', role: 'list' }, items.map(itemFn))
        : h('p', { class: 'muted small' }, emptyText));
  }

  function hostLine(x) {
    return x.role === 'host' ? 'You are the host' : `Hosted by ${x.host ? x.host.displayName : 'someone'}`;
  }

  function occurrenceItem(o) {
    const start = toDate(o.start);
    const end = toDate(o.end);
    const now = new Date();
    const isNow = start <= now && now < end;
    return h('li', { class: 'meeting-row' },
      h('div', { class: 'meeting-main' },
        h('a', { class: 'meeting-title', href: `/meetings/${encodeURIComponent(o.meetingId)}` }, o.title || 'Untitled meeting'),
        h('p', { class: 'muted small' }, formatWhen(start, end), ' · ', hostLine(o), o.isRecurring ? ' · Repeats' : '')),
      isNow ? h('span', { class: 'pill pill-live' }, 'Now') : null,
      end > now ? h('a', { class: 'btn btn-sm', href: appPath(o.joinUrl) }, 'Join') : null);
  }

  function instantItem(m) {
    const titleLink = h('a', { class: 'meeting-title', href: `/meetings/${encodeURIComponent(m.id)}` }, m.title || 'Untitled meeting');
    const main = h('div', { class: 'meeting-main' },
      titleLink,
      h('p', { class: 'muted small' }, m.createdAt ? `Started ${formatShortDateTime(m.createdAt)}` : 'Instant meeting', ' · ', hostLine(m)));
    const actions = h('div', { class: 'row meeting-actions' }, h('a', { class: 'btn btn-sm', href: appPath(m.joinUrl) }, 'Join'));
    if (m.role === 'host') {
      const { button, form } = renameControl({
        meeting: m,
        onRenamed: (updated) => { titleLink.textContent = updated.title; },
      });
      actions.prepend(button);
      main.append(form);
    }
    return h('li', { class: 'meeting-row' }, main, actions);
  }

  search.addEventListener('input', () => {
    const url = new URL(location.href);
    if (search.value.trim()) url.searchParams.set('q', search.value.trim());
    else url.searchParams.delete('q');
    history.replaceState(history.state, '', url.pathname + url.search);
    render();
  });

  const onNotification = (ev) => {
    const kind = ev.detail && ev.detail.kind;
    if (kind === 'meeting_invitation' || kind === 'meeting_updated' || kind === 'meeting_cancelled') load();
  };
  live.addEventListener('notification', onNotification);
  ctx.onCleanup(() => live.removeEventListener('notification', onNotification));

  await load();
}
