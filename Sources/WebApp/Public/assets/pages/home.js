// / — home: start or schedule a meeting, join with a code, the 14-day agenda.

import { api, isAbort } from '../api.js';
import { h, icon, spinner, emptyState, withBusy, setAlert } from '../dom.js';
import { field } from '../components/forms.js';
import { navigate, appPath } from '../router.js';
import { toastError } from '../components/toast.js';
import { dayKey, dayHeading, formatTimeRange, toDate } from '../components/time.js';
import { describeRecurrence, shortRecurrence } from '../components/recurrence.js';
import { live } from '../live.js';

const AGENDA_DAYS = 14;

function greeting(now = new Date()) {
  const hour = now.getHours();
  if (hour < 5) return 'Good evening';
  if (hour < 12) return 'Good morning';
  if (hour < 18) return 'Good afternoon';
  return 'Good evening';
}

export default async function homePage(root, ctx) {
  ctx.setTitle('Home');
  const me = ctx.me;
  const firstName = (me.displayName || me.username).split(/\s+/)[0];

  // Actions
  const newBtn = h('button', { type: 'button', class: 'btn btn-primary btn-lg' }, icon('video'), 'New meeting');
  newBtn.addEventListener('click', () => withBusy(newBtn, async () => {
    try {
      const meeting = await api.post('/meetings', {});
      navigate(`/m/${encodeURIComponent(meeting.code)}`);
    } catch (err) {
      toastError(err);
    }
  }));
  const scheduleBtn = h('button', { type: 'button', class: 'btn btn-lg' }, icon('calendar'), 'Schedule meeting');
  scheduleBtn.addEventListener('click', () => navigate('/schedule'));

  // Join with a code
  const code = field({
    label: 'Meeting code or link',
    control: { name: 'code', placeholder: 'abc-defg-hij', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false' },
  });
  const codeError = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const codeForm = h('form', { class: 'join-code', novalidate: true },
    h('div', { class: 'join-code-row' }, code.wrap, h('button', { type: 'submit', class: 'btn' }, 'Go')),
    codeError);
  codeForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const raw = code.input.value.trim();
    let c = raw;
    const m = raw.match(/\/m\/([^/?#\s]+)/);
    if (m) c = m[1];
    c = c.replace(/\s+/g, '');
    if (!c) {
      setAlert(codeError, 'Enter a meeting code, like abc-defg-hij, or paste a meeting link.');
      code.input.focus();
      return;
    }
    setAlert(codeError, '');
    navigate(`/m/${encodeURIComponent(c)}`);
  });

  const agendaBody = h('div', { class: 'agenda-body' }, spinner('Loading your agenda…'));

  root.append(h('div', { class: 'container' },
    h('section', { class: 'home-hero' },
      h('div', null,
        h('h1', { class: 'page-title' }, `${greeting()}, ${firstName}`),
        h('p', { class: 'muted' }, 'Here is what is coming up in the next two weeks.')),
      h('div', { class: 'hero-actions' }, newBtn, scheduleBtn)),
    h('div', { class: 'home-grid' },
      h('section', { class: 'card agenda', 'aria-labelledby': 'agenda-title' },
        h('div', { class: 'card-head' },
          h('h2', { id: 'agenda-title' }, 'Agenda'),
          h('span', { class: 'muted small' }, 'Next 14 days')),
        agendaBody),
      h('aside', { class: 'home-side' },
        h('section', { class: 'card', 'aria-labelledby': 'join-title' },
          h('h2', { id: 'join-title' }, 'Join with a code'),
          h('p', { class: 'muted small' }, 'Got a link or code from someone? Enter it here.'),
          codeForm),
        h('section', { class: 'card tip-card' },
          h('h2', null, 'Call a friend'),
          h('p', { class: 'muted small' }, 'Ring a friend straight into a meeting from your friends list.'),
          h('a', { class: 'btn btn-sm', href: '/friends' }, icon('users', 16), 'See who is online'))))));

  async function loadAgenda() {
    const now = new Date();
    const startOfToday = new Date(now.getFullYear(), now.getMonth(), now.getDate());
    const to = new Date(startOfToday.getTime());
    to.setDate(to.getDate() + AGENDA_DAYS);
    const qs = `from=${encodeURIComponent(startOfToday.toISOString().replace(/\.\d{3}Z$/, 'Z'))}&to=${encodeURIComponent(to.toISOString().replace(/\.\d{3}Z$/, 'Z'))}`;
    try {
      const [occRes, meetRes] = await Promise.all([
        api.get(`/occurrences?${qs}`, { signal: ctx.signal }),
        api.get('/meetings', { signal: ctx.signal }).catch((err) => { if (isAbort(err)) throw err; return { meetings: [] }; }),
      ]);
      const meetings = new Map((meetRes.meetings || []).map((m) => [m.id, m]));
      const occurrences = (occRes.occurrences || []).filter((o) => toDate(o.end) > now);
      renderAgenda(occurrences, meetings, now);
    } catch (err) {
      if (isAbort(err)) return;
      agendaBody.replaceChildren(emptyState({
        iconName: 'alert',
        title: 'Your agenda could not be loaded.',
        body: err.message,
        action: h('button', { type: 'button', class: 'btn btn-sm', onclick: () => { agendaBody.replaceChildren(spinner('Loading your agenda…')); loadAgenda(); } }, 'Try again'),
      }));
    }
  }

  function renderAgenda(occurrences, meetings, now) {
    if (!occurrences.length) {
      agendaBody.replaceChildren(emptyState({
        iconName: 'calendar',
        title: 'No meetings in the next two weeks',
        body: 'Schedule one and invite your friends — it will show up here.',
        action: h('a', { class: 'btn btn-primary btn-sm', href: '/schedule' }, icon('plus', 16), 'Schedule a meeting'),
      }));
      return;
    }
    const groups = new Map();
    for (const o of occurrences) {
      // An ongoing meeting that started yesterday is listed under today.
      const key = toDate(o.start) < now ? dayKey(now) : dayKey(o.start);
      if (!groups.has(key)) groups.set(key, { label: dayHeading(toDate(o.start) < now ? now : o.start, now), items: [] });
      groups.get(key).items.push(o);
    }
    const list = h('div', { class: 'agenda-days' });
    for (const [key, group] of groups) {
      const headingId = `day-${key}`;
      list.append(h('section', { class: 'agenda-day', 'aria-labelledby': headingId },
        h('h3', { class: 'agenda-day-title', id: headingId }, group.label),
        h('ul', { class: 'agenda-list', role: 'list' }, group.items.map((o) => agendaItem(o, meetings.get(o.meetingId), now)))));
    }
    agendaBody.replaceChildren(list);
  }

  function agendaItem(o, meeting, now) {
    const start = toDate(o.start);
    const end = toDate(o.end);
    const isNow = start <= now && now < end;
    const soon = !isNow && start - now < 15 * 60_000;
    const host = o.role === 'host' ? 'You are the host' : `Hosted by ${o.host ? o.host.displayName : 'someone'}`;
    const meta = [];
    if (o.isRecurring) {
      const rec = meeting && meeting.recurrence;
      meta.push(h('span', { class: 'meta-item', title: rec ? describeRecurrence(rec, meeting.startLocal) : 'Recurring meeting' },
        icon('repeat', 14), rec ? shortRecurrence(rec) : 'Recurring'));
    }
    if (o.isModified) meta.push(h('span', { class: 'meta-item' }, icon('clock', 14), 'Rescheduled'));
    meta.push(h('span', { class: 'meta-item' }, icon('user', 14), host));

    return h('li', { class: `agenda-item${isNow ? ' is-now' : ''}` },
      h('div', { class: 'agenda-time' },
        h('span', { class: 'agenda-time-range' }, formatTimeRange(start, end)),
        isNow ? h('span', { class: 'pill pill-live' }, 'Now') : soon ? h('span', { class: 'pill pill-soon' }, 'Starting soon') : null),
      h('div', { class: 'agenda-main' },
        h('a', { class: 'agenda-title', href: `/meetings/${encodeURIComponent(o.meetingId)}` }, o.title || 'Untitled meeting'),
        h('div', { class: 'agenda-meta' }, meta)),
      h('a', { class: `btn btn-sm ${isNow || soon ? 'btn-primary' : ''} agenda-join`, href: appPath(o.joinUrl) }, 'Join'));
  }

  // Refresh when an invitation, update or cancellation arrives.
  const onNotification = (ev) => {
    const kind = ev.detail && ev.detail.kind;
    if (kind === 'meeting_invitation' || kind === 'meeting_updated' || kind === 'meeting_cancelled') loadAgenda();
  };
  live.addEventListener('notification', onNotification);
  ctx.onCleanup(() => live.removeEventListener('notification', onNotification));

  // Keep "Now" badges honest if the page stays open.
  const tick = setInterval(() => { if (document.visibilityState === 'visible') loadAgenda(); }, 5 * 60_000);
  ctx.onCleanup(() => clearInterval(tick));

  await loadAgenda();
}
