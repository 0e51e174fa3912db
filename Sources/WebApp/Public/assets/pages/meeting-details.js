// /meetings/{id} — details, invitees, host actions, upcoming occurrences.

import { api, seg, isAbort, API_BASE } from '../api.js';
import { h, icon, spinner, emptyState, withBusy, setAlert, avatar, copyText, nextId } from '../dom.js';
import { check } from '../components/forms.js';
import { navigate, appPath } from '../router.js';
import { toast, toastOk, toastError } from '../components/toast.js';
import { formatWhen, viewerZone, zoneName, toDate, minutesPhrase, durationLabel } from '../components/time.js';
import { describeRecurrence } from '../components/recurrence.js';
import { renameControl } from '../components/rename.js';
import { live } from '../live.js';
import { dialInDetails } from '../components/dial-in.js';

const OCCURRENCE_LIMIT = 8;

export default async function meetingDetailsPage(root, ctx) {
  const id = ctx.params.id;
  ctx.setTitle('Meeting');
  root.append(spinner('Loading meeting…'));

  let meeting;
  try {
    meeting = await api.get(`/meetings/${seg(id)}`, { signal: ctx.signal });
  } catch (err) {
    if (isAbort(err)) return;
    root.replaceChildren(h('div', { class: 'container narrow' },
      h('h1', { class: 'page-title' }, err.status === 404 ? 'Meeting not found' : 'Meeting'),
      emptyState({
        iconName: err.status === 404 ? 'calendar' : 'alert',
        title: err.status === 404 ? 'This meeting does not exist or was cancelled.' : 'The meeting could not be loaded.',
        body: err.status === 404 ? 'If someone shared it with you, ask them for a fresh link.' : err.message,
        action: h('a', { class: 'btn', href: '/' }, 'Back to your agenda'),
      })));
    return;
  }
  await renderMeeting(root, ctx, meeting);
}

async function renderMeeting(root, ctx, meeting) {
  ctx.setTitle(meeting.title || 'Meeting');
  const isHost = meeting.role === 'host';
  const mPath = `/meetings/${seg(meeting.id)}`;
  const viewer = viewerZone();

  // Header and actions
  const actions = h('div', { class: 'detail-actions' },
    h('a', { class: 'btn btn-primary', href: appPath(meeting.joinUrl) }, icon('video'), 'Join'));
  const invitePanel = h('div', { class: 'invite-panel', hidden: true });
  let renameForm = null;
  const titleEl = h('h1', { class: 'page-title' }, meeting.title || 'Untitled meeting');
  if (isHost) {
    const inviteBtn = h('button', { type: 'button', class: 'btn', 'aria-expanded': 'false' }, icon('userPlus'), 'Invite');
    inviteBtn.addEventListener('click', () => toggleInvite(inviteBtn));
    const cancelBtn = h('button', { type: 'button', class: 'btn btn-danger-ghost' }, icon('trash'), 'Cancel meeting');
    cancelBtn.addEventListener('click', () => {
      const what = meeting.recurrence ? 'the whole series' : 'this meeting';
      if (!window.confirm(`Cancel ${what} “${meeting.title}”? Invitees will be notified.`)) return;
      withBusy(cancelBtn, async () => {
        try {
          await api.del(`/meetings/${seg(meeting.id)}`);
          toastOk('Meeting cancelled. Invitees have been notified.');
          navigate('/', { replace: true });
        } catch (err) { toastError(err); }
      });
    });
    if (meeting.kind === 'instant') {
      // An instant meeting has no schedule to edit: its title is renamed in place.
      const rename = renameControl({
        meeting,
        onRenamed: (updated) => { titleEl.textContent = updated.title; ctx.setTitle(updated.title); },
      });
      renameForm = rename.form;
      actions.append(rename.button, inviteBtn, cancelBtn);
    } else {
      actions.append(
        h('a', { class: 'btn', href: `${mPath}/edit` }, icon('edit'), 'Edit'),
        inviteBtn,
        cancelBtn);
    }
  }

  const head = h('header', { class: 'detail-head' },
    h('div', { class: 'detail-title-row' },
      h('div', { class: 'detail-icon' }, icon(meeting.kind === 'instant' ? 'video' : 'calendar', 22)),
      h('div', null,
        titleEl,
        h('p', { class: 'muted' },
          isHost ? 'You are the host' : `Hosted by ${meeting.host ? meeting.host.displayName : 'someone'}`,
          meeting.kind === 'instant' ? ' · Instant meeting' : ''))),
    actions,
    renameForm,
    invitePanel);

  // The facts
  const rows = [];
  if (meeting.start) {
    const end = new Date(toDate(meeting.start).getTime() + (meeting.durationMinutes || 60) * 60_000);
    const whenLines = [h('span', null, formatWhen(meeting.start, end, meeting.timeZone)), h('span', { class: 'muted small' }, `${zoneName(meeting.timeZone, toDate(meeting.start))} (${meeting.timeZone})`)];
    const inViewerZone = formatWhen(meeting.start, end, viewer);
    if (meeting.timeZone && meeting.timeZone !== viewer && inViewerZone !== formatWhen(meeting.start, end, meeting.timeZone)) {
      whenLines.push(h('span', { class: 'your-time' }, 'Your time: ', formatWhen(meeting.start, end, viewer)));
    }
    rows.push(['When', icon('clock'), h('div', { class: 'stack-tight' }, whenLines)]);
    rows.push(['Duration', icon('clock'), durationLabel(meeting.durationMinutes || 60)]);
    rows.push(['Repeats', icon('repeat'), describeRecurrence(meeting.recurrence, meeting.startLocal)]);
  } else {
    rows.push(['When', icon('clock'), 'Any time — this is an instant meeting. Join whenever you are ready.']);
  }

  const linkInput = h('input', { type: 'text', readOnly: true, value: meeting.joinUrl, id: nextId('join-link'), class: 'mono' });
  const copyBtn = h('button', { type: 'button', class: 'btn btn-sm' }, icon('copy', 16), 'Copy link');
  copyBtn.addEventListener('click', async () => {
    const ok = await copyText(meeting.joinUrl);
    if (ok) toastOk('Meeting link copied.');
    else { linkInput.select(); toast({ message: 'Press Ctrl+C to copy the selected link.' }); }
  });
  linkInput.addEventListener('focus', () => linkInput.select());
  rows.push(['Join link', icon('link'), h('div', { class: 'copy-row' }, h('label', { for: linkInput.id, class: 'sr-only' }, 'Join link'), linkInput, copyBtn)]);
  rows.push(meeting.dialIn
    ? ['Join by phone', icon('phone'), dialInDetails(meeting.dialIn, { heading: null })]
    : ['Dial-in code', icon('hash'), h('span', { class: 'mono' }, formatDialIn(meeting.dialInCode))]);
  if (isHost) {
    rows.push(['Passcode', icon('lock'), meeting.passcode ? h('span', { class: 'mono' }, meeting.passcode) : h('span', { class: 'muted' }, 'None')]);
  } else if (meeting.hasPasscode) {
    rows.push(['Passcode', icon('lock'), h('span', { class: 'muted' }, 'Required — ask the host')]);
  }
  rows.push(['Sign-in', icon('user'), meeting.requireSignIn ? 'Required to join' : 'Guests can join with a name']);
  rows.push(['Recording', icon('record'), h('span', null,
    meeting.recordAutomatically ? 'Recorded automatically' : 'Recorded when a host starts it',
    ' · ', meeting.recordingsVisible ? 'participants may watch' : 'hosts only',
    ' · ', h('a', { href: `/recordings?meeting=${encodeURIComponent(meeting.id)}` }, 'Recordings'))]);
  if (meeting.start) {
    rows.push(['Reminder', icon('bell'), meeting.reminderMinutes > 0 ? `${minutesPhrase(meeting.reminderMinutes)} before` : 'No reminder']);
  }
  rows.push(['Calendar', icon('download'), h('a', { href: `${API_BASE}/meetings/${seg(meeting.id)}/calendar.ics`, download: `${slug(meeting.title)}.ics` }, 'Download .ics')]);

  const facts = h('dl', { class: 'facts' }, rows.map(([label, ic, value]) => h('div', { class: 'fact' },
    h('dt', null, ic, h('span', null, label)),
    h('dd', null, value))));

  const descriptionCard = meeting.description
    ? h('section', { class: 'card' }, h('h2', null, 'Description'), h('p', { class: 'prewrap' }, meeting.description))
    : null;

  // Invitees
  const inviteesList = h('ul', { class: 'people-list', role: 'list' });
  function renderInvitees() {
    const invitees = meeting.invitees || [];
    inviteesTitle.textContent = `Invitees (${invitees.length})`;
    if (!invitees.length) {
      inviteesList.replaceChildren(h('li', { class: 'muted small' }, isHost ? 'No one is invited yet. Use “Invite” to add friends.' : 'No other invitees.'));
      return;
    }
    inviteesList.replaceChildren(...invitees.map((u) => h('li', { class: 'person' },
      avatar(u, 'sm'),
      h('span', { class: 'person-text' }, h('span', { class: 'person-name' }, u.displayName), h('span', { class: 'muted small' }, `@${u.username}`)))));
  }
  const inviteesTitle = h('h2', null, 'Invitees');
  const hostRow = meeting.host ? h('p', { class: 'host-row' }, avatar(meeting.host, 'sm'), h('span', null, h('strong', null, meeting.host.displayName), h('span', { class: 'muted small' }, ' · Host'))) : null;
  renderInvitees();

  // Invite panel (host)
  async function toggleInvite(btn) {
    if (!invitePanel.hidden) {
      invitePanel.hidden = true;
      btn.setAttribute('aria-expanded', 'false');
      return;
    }
    btn.setAttribute('aria-expanded', 'true');
    invitePanel.hidden = false;
    invitePanel.replaceChildren(spinner('Loading friends…'));
    let friends = [];
    try {
      friends = ((await api.get('/friends', { signal: ctx.signal })).friends || []).map((f) => f.user);
    } catch (err) {
      if (isAbort(err)) return;
      invitePanel.replaceChildren(h('p', { class: 'alert alert-error', role: 'alert' }, err.message));
      return;
    }
    const invited = new Set((meeting.invitees || []).map((u) => u.id));
    const candidates = friends.filter((u) => !invited.has(u.id));
    if (!candidates.length) {
      invitePanel.replaceChildren(h('p', { class: 'muted small' },
        friends.length ? 'All your friends are already invited.' : 'You have no friends to invite yet. ',
        friends.length ? null : h('a', { href: '/friends' }, 'Find people')));
      return;
    }
    const checks = candidates.map((u) => {
      const c = check({ label: u.displayName, value: u.id, name: 'invite', className: 'person-check', extra: h('span', { class: 'muted small' }, `@${u.username}`) });
      c.wrap.prepend(avatar(u, 'sm'));
      return c;
    });
    const err = h('p', { class: 'alert alert-error', role: 'alert', hidden: true });
    const send = h('button', { type: 'submit', class: 'btn btn-primary btn-sm' }, 'Send invitations');
    const form = h('form', { class: 'stack' },
      h('fieldset', { class: 'fieldset' }, h('legend', null, 'Invite friends'), h('div', { class: 'invite-list' }, checks.map((c) => c.wrap))),
      err,
      h('div', { class: 'row' }, send, h('button', { type: 'button', class: 'btn btn-ghost btn-sm', onclick: () => toggleInvite(btn) }, 'Close')));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const userIds = checks.filter((c) => c.input.checked).map((c) => c.input.value);
      if (!userIds.length) { setAlert(err, 'Choose at least one friend.'); return; }
      withBusy(send, async () => {
        try {
          const res = await api.post(`/meetings/${seg(meeting.id)}/invitations`, { userIds });
          meeting.invitees = res.invitees || meeting.invitees;
          renderInvitees();
          toastOk(userIds.length === 1 ? 'Invitation sent.' : `${userIds.length} invitations sent.`);
          invitePanel.hidden = true;
          btn.setAttribute('aria-expanded', 'false');
          btn.focus();
        } catch (e) { setAlert(err, e.message); }
      });
    });
    invitePanel.replaceChildren(form);
  }

  // Upcoming occurrences (scheduled meetings)
  let occurrencesCard = null;
  const occList = h('div', { class: 'occurrences' });
  if (meeting.start) {
    occurrencesCard = h('section', { class: 'card', 'aria-labelledby': 'occ-title' },
      h('h2', { id: 'occ-title' }, meeting.recurrence ? 'Next occurrences' : 'Scheduled time'),
      occList);
  }

  async function loadOccurrences() {
    if (!occurrencesCard) return;
    occList.replaceChildren(spinner('Loading dates…'));
    const from = new Date(Date.now() - (meeting.durationMinutes || 60) * 60_000);
    const to = new Date(from.getTime() + 365 * 86_400_000);
    const iso = (d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
    try {
      const res = await api.get(`/occurrences?from=${encodeURIComponent(iso(from))}&to=${encodeURIComponent(iso(to))}`, { signal: ctx.signal });
      const mine = (res.occurrences || []).filter((o) => o.meetingId === meeting.id && toDate(o.end) > new Date());
      renderOccurrences(mine);
    } catch (err) {
      if (isAbort(err)) return;
      occList.replaceChildren(h('p', { class: 'alert alert-error' }, err.message));
    }
  }

  function renderOccurrences(list) {
    if (!list.length) {
      occList.replaceChildren(h('p', { class: 'muted small' }, 'No upcoming dates.'));
    } else {
      occList.replaceChildren(h('ul', { class: 'occ-list', role: 'list' }, list.slice(0, OCCURRENCE_LIMIT).map(occurrenceRow)));
      if (list.length > OCCURRENCE_LIMIT) occList.append(h('p', { class: 'muted small' }, `and ${list.length - OCCURRENCE_LIMIT} more in the next year.`));
    }
    const cancelled = (meeting.cancelledOccurrences || []).filter((c) => toDate(c) > new Date());
    if (cancelled.length) {
      occList.append(h('details', { class: 'cancelled' },
        h('summary', null, `Cancelled dates (${cancelled.length})`),
        h('ul', { class: 'plain-list' }, cancelled.map((c) => h('li', { class: 'muted small' }, formatWhen(c, null, viewer))))));
    }
  }

  function occurrenceRow(o) {
    const li = h('li', { class: 'occ' });
    const when = h('div', { class: 'occ-when' },
      h('span', { class: 'occ-date' }, formatWhen(o.start, o.end, viewer)),
      o.isModified ? h('span', { class: 'pill' }, 'Moved') : null);
    const buttons = h('div', { class: 'occ-actions' });
    if (isHost) {
      const moveBtn = h('button', { type: 'button', class: 'btn btn-sm', 'aria-expanded': 'false' }, icon('move', 16), 'Move');
      const cancelBtn = h('button', { type: 'button', class: 'btn btn-sm btn-danger-ghost' }, 'Cancel this occurrence');
      moveBtn.addEventListener('click', () => toggleMove(li, o, moveBtn));
      cancelBtn.addEventListener('click', () => {
        if (!window.confirm(`Cancel the meeting on ${formatWhen(o.start, o.end, viewer)}? Other dates stay as they are.`)) return;
        withBusy(cancelBtn, async () => {
          try {
            await api.del(`/meetings/${seg(meeting.id)}/occurrences/${seg(o.originalStart)}`);
            meeting.cancelledOccurrences = [...(meeting.cancelledOccurrences || []), o.originalStart];
            toastOk('That date was cancelled.');
            loadOccurrences();
          } catch (err) { toastError(err); }
        });
      });
      buttons.append(moveBtn);
      if (meeting.recurrence) buttons.append(cancelBtn);
    } else {
      buttons.append(h('a', { class: 'btn btn-sm', href: appPath(o.joinUrl) }, 'Join'));
    }
    li.append(h('div', { class: 'occ-row' }, when, buttons));
    return li;
  }

  function toggleMove(li, o, btn) {
    const existing = li.querySelector('.move-form');
    if (existing) {
      existing.remove();
      btn.setAttribute('aria-expanded', 'false');
      return;
    }
    btn.setAttribute('aria-expanded', 'true');
    const local = o.startLocal || '';
    const dateIn = h('input', { type: 'date', id: nextId('move-date'), value: local.slice(0, 10), required: true });
    const timeIn = h('input', { type: 'time', id: nextId('move-time'), value: local.slice(11, 16), required: true, step: '300' });
    const durIn = h('input', { type: 'number', id: nextId('move-dur'), min: '5', max: '1440', value: String(Math.round((toDate(o.end) - toDate(o.start)) / 60000)), class: 'input-narrow' });
    const err = h('p', { class: 'alert alert-error', role: 'alert', hidden: true });
    const save = h('button', { type: 'submit', class: 'btn btn-primary btn-sm' }, 'Save new time');
    const form = h('form', { class: 'move-form', novalidate: true },
      h('p', { class: 'muted small' }, `Times are in the meeting’s time zone (${o.timeZone || meeting.timeZone}).`),
      h('div', { class: 'move-grid' },
        h('div', { class: 'field' }, h('label', { for: dateIn.id }, 'New date'), dateIn),
        h('div', { class: 'field' }, h('label', { for: timeIn.id }, 'New start time'), timeIn),
        h('div', { class: 'field' }, h('label', { for: durIn.id }, 'Duration (minutes)'), durIn)),
      err,
      h('div', { class: 'row' }, save, h('button', { type: 'button', class: 'btn btn-ghost btn-sm', onclick: () => toggleMove(li, o, btn) }, 'Close')));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      if (!dateIn.value || !timeIn.value) { setAlert(err, 'Choose the new date and start time.'); return; }
      const body = { start: `${dateIn.value}T${timeIn.value.slice(0, 5)}` };
      const dur = Number(durIn.value);
      if (dur && dur !== Math.round((toDate(o.end) - toDate(o.start)) / 60000)) body.durationMinutes = dur;
      withBusy(save, async () => {
        try {
          await api.patch(`/meetings/${seg(meeting.id)}/occurrences/${seg(o.originalStart)}`, body);
          toastOk('That date was moved.');
          loadOccurrences();
        } catch (e) { setAlert(err, e.message); }
      });
    });
    li.append(form);
    dateIn.focus();
  }

  root.replaceChildren(h('div', { class: 'container' },
    h('a', { class: 'back-link', href: '/' }, icon('arrowLeft', 16), 'Agenda'),
    head,
    h('div', { class: 'detail-grid' },
      h('div', { class: 'stack' },
        h('section', { class: 'card', 'aria-label': 'Meeting details' }, facts),
        descriptionCard,
        occurrencesCard),
      h('aside', { class: 'stack' },
        h('section', { class: 'card' }, inviteesTitle, hostRow, inviteesList)))));

  // Keep the page current when the meeting changes elsewhere.
  const onNotification = async (ev) => {
    const n = ev.detail;
    if (!n || !n.data || n.data.meetingId !== meeting.id) return;
    if (n.kind === 'meeting_cancelled' && !n.data.occurrenceStart) {
      root.replaceChildren(h('div', { class: 'container narrow' },
        h('h1', { class: 'page-title' }, meeting.title),
        emptyState({ iconName: 'calendar', title: 'This meeting was cancelled.', action: h('a', { class: 'btn', href: '/' }, 'Back to your agenda') })));
      return;
    }
    if (n.kind === 'meeting_updated' || n.kind === 'meeting_cancelled') {
      try {
        const fresh = await api.get(`/meetings/${seg(meeting.id)}`, { signal: ctx.signal });
        live.removeEventListener('notification', onNotification);
        root.replaceChildren();
        renderMeeting(root, ctx, fresh);
      } catch { /* keep what we show */ }
    }
  };
  live.addEventListener('notification', onNotification);
  ctx.onCleanup(() => live.removeEventListener('notification', onNotification));

  await loadOccurrences();
}

function formatDialIn(code) {
  return String(code || '') || '—';
}

function slug(title) {
  return (String(title || 'meeting').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'meeting').slice(0, 60);
}
