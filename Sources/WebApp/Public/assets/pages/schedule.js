// /schedule and /meetings/{id}/edit — create or edit a scheduled meeting.

import { api, seg, isAbort } from '../api.js';
import { h, icon, spinner, setAlert, withBusy, nextId, avatar, emptyState } from '../dom.js';
import { field, check, select, markInvalid, clearInvalid } from '../components/forms.js';
import { navigate } from '../router.js';
import { toastOk } from '../components/toast.js';
import { allTimeZones, viewerZone, zoneOffset, defaultStart, weekdayOf, durationLabel, localDateTime } from '../components/time.js';
import { WEEKDAY_CODES, CODE_BY_JS_DAY, SHORT_LABEL, weekdayName, nthWeekdayPhrase, describeRecurrence } from '../components/recurrence.js';

const DURATIONS = [15, 30, 45, 60, 90, 120, 180, 240, 480];
const REMINDERS = [
  { value: 0, label: 'No reminder' },
  { value: 5, label: '5 minutes before' },
  { value: 10, label: '10 minutes before' },
  { value: 15, label: '15 minutes before' },
  { value: 30, label: '30 minutes before' },
  { value: 60, label: '1 hour before' },
  { value: 1440, label: '1 day before' },
];

export default async function schedulePage(root, ctx) {
  const editingId = ctx.params.id || null;
  ctx.setTitle(editingId ? 'Edit meeting' : 'Schedule meeting');
  root.append(spinner(editingId ? 'Loading meeting…' : 'Loading…'));

  let meeting = null;
  let friends = [];
  try {
    const [m, f] = await Promise.all([
      editingId ? api.get(`/meetings/${seg(editingId)}`, { signal: ctx.signal }) : Promise.resolve(null),
      api.get('/friends', { signal: ctx.signal }).catch((err) => { if (isAbort(err)) throw err; return { friends: [] }; }),
    ]);
    meeting = m;
    friends = (f.friends || []).map((x) => x.user);
  } catch (err) {
    if (isAbort(err)) return;
    root.replaceChildren(h('div', { class: 'container narrow' },
      h('h1', { class: 'page-title' }, 'Edit meeting'),
      emptyState({ iconName: 'alert', title: err.status === 404 ? 'That meeting could not be found.' : 'The meeting could not be loaded.', body: err.status === 404 ? 'It may have been cancelled, or you may not have access to it.' : err.message, action: h('a', { class: 'btn', href: '/' }, 'Back to your agenda') })));
    return;
  }
  if (meeting && meeting.role !== 'host') {
    root.replaceChildren(h('div', { class: 'container narrow' },
      h('h1', { class: 'page-title' }, 'Edit meeting'),
      emptyState({ iconName: 'lock', title: 'Only the host can edit this meeting.', action: h('a', { class: 'btn', href: `/meetings/${encodeURIComponent(meeting.id)}` }, 'Back to meeting') })));
    return;
  }

  // Initial values
  const defaults = defaultStart();
  const startLocal = meeting && meeting.startLocal ? meeting.startLocal : `${defaults.date}T${defaults.time}`;
  const rec = meeting ? meeting.recurrence : null;
  const zone = (meeting && meeting.timeZone) || viewerZone();
  const preInvite = new Set(meeting ? (meeting.invitees || []).map((u) => u.id) : []);
  const inviteParam = ctx.query.get('invite');
  if (!meeting && inviteParam) preInvite.add(inviteParam);

  // Fields
  const title = field({ label: 'Title', control: { name: 'title', value: meeting ? meeting.title : '', placeholder: 'e.g. Weekly sync', maxlength: '200', autocomplete: 'off' } });
  const description = field({
    label: 'Description',
    control: h('textarea', { name: 'description', rows: '3', placeholder: 'Agenda, links, anything people should know (optional)' }),
  });
  description.input.value = meeting ? meeting.description || '' : '';

  const date = field({ label: 'Date', control: { type: 'date', name: 'date', value: startLocal.slice(0, 10), required: true } });
  const time = field({ label: 'Start time', control: { type: 'time', name: 'time', value: startLocal.slice(11, 16), required: true, step: '300' } });

  const durationValue = (meeting && meeting.durationMinutes) || 60;
  const durationOptions = DURATIONS.map((m) => ({ value: m, label: durationLabel(m) }));
  if (!DURATIONS.includes(durationValue)) durationOptions.push({ value: durationValue, label: durationLabel(durationValue) });
  durationOptions.sort((a, b) => a.value - b.value);
  const duration = field({ label: 'Duration', control: select(durationOptions, { name: 'duration', value: durationValue }) });

  const zones = allTimeZones([zone]);
  const now = new Date();
  const tz = field({
    label: 'Time zone',
    control: h('select', { name: 'timeZone' }, zones.map((z) => {
      const off = zoneOffset(z, now);
      return h('option', { value: z }, off ? `${z.replace(/_/g, ' ')} (${off})` : z.replace(/_/g, ' '));
    })),
  });
  tz.input.value = zone;

  // Recurrence
  const repeat = field({
    label: 'Repeat',
    control: select([
      { value: 'none', label: 'Does not repeat' },
      { value: 'daily', label: 'Daily' },
      { value: 'weekly', label: 'Weekly' },
      { value: 'monthly', label: 'Monthly' },
    ], { name: 'repeat', value: rec ? rec.frequency : 'none' }),
  });

  const intervalInput = h('input', { type: 'number', name: 'interval', min: '1', max: '99', value: String((rec && rec.interval) || 1), id: nextId('interval'), class: 'input-narrow', inputmode: 'numeric' });
  const intervalUnit = h('span', { class: 'unit' });
  const intervalRow = h('div', { class: 'field' },
    h('label', { for: intervalInput.id }, 'Every'),
    h('div', { class: 'inline-row' }, intervalInput, intervalUnit));

  const weekdayChecks = WEEKDAY_CODES.map((code) => {
    const c = check({ label: SHORT_LABEL[code], name: 'byWeekday', value: code, className: 'chip-check' });
    c.wrap.title = weekdayName(code);
    return { code, ...c };
  });
  let weekdaysTouched = !!(rec && rec.byWeekday && rec.byWeekday.length);
  if (rec && rec.frequency === 'weekly' && rec.byWeekday && rec.byWeekday.length) {
    for (const w of weekdayChecks) w.input.checked = rec.byWeekday.includes(w.code);
  }
  for (const w of weekdayChecks) w.input.addEventListener('change', () => { weekdaysTouched = true; updateSummary(); });
  const weekdaysSet = h('fieldset', { class: 'fieldset weekdays' },
    h('legend', null, 'On these days'),
    h('div', { class: 'chip-row' }, weekdayChecks.map((w) => w.wrap)));

  const monthlyDay = check({ type: 'radio', name: 'monthlyBy', value: 'dayOfMonth', label: 'On day 1', checked: !(rec && rec.monthlyBy === 'weekdayOfMonth') });
  const monthlyNth = check({ type: 'radio', name: 'monthlyBy', value: 'weekdayOfMonth', label: 'On the 1st Monday', checked: !!(rec && rec.monthlyBy === 'weekdayOfMonth') });
  const monthlySet = h('fieldset', { class: 'fieldset' }, h('legend', null, 'Monthly on'), monthlyDay.wrap, monthlyNth.wrap);

  const endsMode = rec && rec.count ? 'count' : rec && rec.until ? 'until' : 'never';
  const endNever = check({ type: 'radio', name: 'ends', value: 'never', label: 'Never', checked: endsMode === 'never' });
  const countInput = h('input', { type: 'number', name: 'count', min: '1', max: '1000', value: String((rec && rec.count) || 10), id: nextId('count'), class: 'input-narrow', inputmode: 'numeric' });
  const endCount = check({
    type: 'radio', name: 'ends', value: 'count', label: 'After', checked: endsMode === 'count',
    extra: h('span', { class: 'inline-row' }, countInput, h('label', { for: countInput.id }, 'occurrences')),
  });
  const untilInput = h('input', { type: 'date', name: 'until', id: nextId('until'), value: (rec && rec.until) || '' });
  const endUntil = check({
    type: 'radio', name: 'ends', value: 'until', label: 'On', checked: endsMode === 'until',
    extra: h('span', { class: 'inline-row' }, h('label', { for: untilInput.id, class: 'sr-only' }, 'Until'), untilInput),
  });
  const endsSet = h('fieldset', { class: 'fieldset ends' }, h('legend', null, 'Ends'), endNever.wrap, endCount.wrap, endUntil.wrap);
  countInput.addEventListener('focus', () => { endCount.input.checked = true; updateSummary(); });
  untilInput.addEventListener('focus', () => { endUntil.input.checked = true; updateSummary(); });

  const summary = h('p', { class: 'recurrence-summary', 'aria-live': 'polite' });
  const freqSlot = h('div', { class: 'freq-slot' });
  const recurrenceBox = h('div', { class: 'recurrence-box' }, intervalRow, freqSlot, endsSet, summary);

  // Invitees
  const inviteChecks = [];
  let inviteBody;
  const knownInvitees = new Map(friends.map((u) => [u.id, u]));
  if (meeting) for (const u of meeting.invitees || []) if (!knownInvitees.has(u.id)) knownInvitees.set(u.id, u);
  if (!knownInvitees.size) {
    inviteBody = h('p', { class: 'muted small' }, 'You have no friends to invite yet. ', h('a', { href: '/friends' }, 'Find people'), ' — or share the meeting link after saving.');
  } else {
    inviteBody = h('div', { class: 'invite-list' }, [...knownInvitees.values()].map((u) => {
      const c = check({ label: u.displayName, name: 'inviteeIds', value: u.id, checked: preInvite.has(u.id), className: 'person-check', extra: h('span', { class: 'muted small' }, `@${u.username}`) });
      c.wrap.prepend(avatar(u, 'sm'));
      inviteChecks.push(c);
      return c.wrap;
    }));
  }
  const inviteSet = h('fieldset', { class: 'fieldset', id: nextId('invitees') }, h('legend', null, 'Invite friends'), inviteBody);

  // Security and reminders
  const passcode = field({
    label: 'Passcode',
    hint: 'Optional. 4–10 digits that guests must enter to join.',
    control: { name: 'passcode', inputmode: 'numeric', autocomplete: 'off', maxlength: '10', value: (meeting && meeting.passcode) || '', class: 'input-narrow-lg' },
  });
  const requireSignIn = check({ label: 'Require sign-in', name: 'requireSignIn', checked: !!(meeting && meeting.requireSignIn), extra: h('p', { class: 'hint' }, 'Only people with a Parley account can join. Phone callers, who cannot sign in, must type the passcode; without a passcode they cannot join.') });
  // The lobby: people wait until a host lets them in (hosts may switch it in the meeting too).
  const lobbyEnabled = check({ label: 'Lobby', name: 'lobbyEnabled', checked: !!(meeting && meeting.lobbyEnabled), extra: h('p', { class: 'hint' }, 'People wait in a lobby until you or a co-host let them in.') });
  lobbyEnabled.input.setAttribute('role', 'switch');
  lobbyEnabled.input.classList.add('switch');
  lobbyEnabled.wrap.classList.add('switch-check');
  const recordAutomatically = check({ label: 'Record automatically', name: 'recordAutomatically', checked: !!(meeting && meeting.recordAutomatically), extra: h('p', { class: 'hint' }, 'Recording starts when the first person joins. Everyone sees that the meeting is recorded, and phone callers hear it.') });
  const recordingsVisible = check({ label: 'Participants may watch recordings', name: 'recordingsVisible', checked: !!(meeting && meeting.recordingsVisible), extra: h('p', { class: 'hint' }, 'Otherwise only you and your co-hosts can see recordings of this meeting.') });
  const reminderValue = meeting ? meeting.reminderMinutes : 10;
  const reminderOptions = [...REMINDERS];
  if (!reminderOptions.some((r) => r.value === reminderValue)) reminderOptions.push({ value: reminderValue, label: `${reminderValue} minutes before` });
  reminderOptions.sort((a, b) => a.value - b.value);
  const reminder = field({ label: 'Reminder', control: select(reminderOptions, { name: 'reminder', value: reminderValue }) });

  const errorBox = h('div', { class: 'alert alert-error', role: 'alert', id: nextId('form-error'), hidden: true });
  // A start in the past is allowed (it may be on purpose) but said at once, before saving.
  const pastWarning = h('p', { class: 'alert alert-warning', role: 'status', id: nextId('past-warning'), hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-lg' }, icon('check'), 'Save meeting');
  const cancelLink = h('a', { class: 'btn btn-ghost btn-lg', href: meeting ? `/meetings/${encodeURIComponent(meeting.id)}` : '/' }, 'Discard');

  const form = h('form', { class: 'schedule-form', novalidate: true },
    h('section', { class: 'card form-section' },
      h('h2', null, 'Details'),
      title.wrap, description.wrap),
    h('section', { class: 'card form-section' },
      h('h2', null, 'When'),
      h('div', { class: 'grid-2' }, date.wrap, time.wrap),
      pastWarning,
      h('div', { class: 'grid-2' }, duration.wrap, tz.wrap),
      repeat.wrap,
      recurrenceBox),
    h('section', { class: 'card form-section' },
      h('h2', null, 'People'),
      inviteSet),
    h('section', { class: 'card form-section' },
      h('h2', null, 'Access and reminders'),
      h('div', { class: 'grid-2' }, passcode.wrap, reminder.wrap),
      requireSignIn.wrap,
      lobbyEnabled.wrap),
    h('section', { class: 'card form-section' },
      h('h2', null, 'Recording'),
      recordAutomatically.wrap, recordingsVisible.wrap),
    errorBox,
    h('div', { class: 'form-actions' }, cancelLink, submit));

  // Dynamic recurrence UI
  function currentFrequency() { return repeat.input.value; }
  function updateRecurrenceUI() {
    const f = currentFrequency();
    recurrenceBox.hidden = f === 'none';
    // Only the controls for the chosen frequency are in the document, so
    // "Wed" or "Mon" never matches a hidden monthly option by accident.
    if (f === 'weekly') { if (!weekdaysSet.isConnected) freqSlot.replaceChildren(weekdaysSet); } else if (f === 'monthly') { if (!monthlySet.isConnected) freqSlot.replaceChildren(monthlySet); } else freqSlot.replaceChildren();
    freqSlot.hidden = !freqSlot.firstChild;
    const n = Math.max(1, Number(intervalInput.value) || 1);
    const unit = { daily: 'day', weekly: 'week', monthly: 'month' }[f] || 'day';
    intervalUnit.textContent = n === 1 ? unit : `${unit}s`;
    const d = date.input.value;
    if (d && /^\d{4}-\d{2}-\d{2}$/.test(d)) {
      monthlyDay.wrap.querySelector('label').textContent = `On day ${Number(d.slice(8, 10))}`;
      monthlyNth.wrap.querySelector('label').textContent = `On ${nthWeekdayPhrase(d)}`;
      if (f === 'weekly' && !weekdaysTouched) {
        const code = CODE_BY_JS_DAY[weekdayOf(d)];
        for (const w of weekdayChecks) w.input.checked = w.code === code;
      }
    }
    updateSummary();
  }
  function updatePastWarning() {
    const d = date.input.value;
    const t = time.input.value.slice(0, 5);
    const zoneNow = localDateTime(new Date(), tz.input.value);
    // Editing a series that began long ago is normal: warn for one-off meetings only.
    const past = !!d && !!t && currentFrequency() === 'none' && `${d}T${t}` < zoneNow;
    pastWarning.textContent = past
      ? `This start is in the past (it is now ${zoneNow.slice(11)} on ${zoneNow.slice(0, 10)} in ${tz.input.value.replace(/_/g, ' ')}). Pick a later time, or save anyway.`
      : '';
    pastWarning.hidden = !past;
    for (const input of [date.input, time.input]) {
      if (past) input.setAttribute('aria-describedby', pastWarning.id);
      else if (input.getAttribute('aria-describedby') === pastWarning.id) input.removeAttribute('aria-describedby');
    }
  }
  for (const el of [date.input, time.input, tz.input, repeat.input]) {
    el.addEventListener('input', updatePastWarning);
    el.addEventListener('change', updatePastWarning);
  }

  function updateSummary() {
    const r = buildRecurrence();
    summary.textContent = r ? describeRecurrence(r, `${date.input.value}T${time.input.value}`) : '';
  }
  repeat.input.addEventListener('change', updateRecurrenceUI);
  date.input.addEventListener('change', updateRecurrenceUI);
  date.input.addEventListener('input', updateRecurrenceUI);
  intervalInput.addEventListener('input', updateRecurrenceUI);
  for (const el of [countInput, untilInput, endNever.input, endCount.input, endUntil.input, monthlyDay.input, monthlyNth.input]) {
    el.addEventListener('change', updateSummary);
    el.addEventListener('input', updateSummary);
  }
  updateRecurrenceUI();
  updatePastWarning();

  function buildRecurrence() {
    const f = currentFrequency();
    if (f === 'none') return null;
    const r = { frequency: f, interval: Math.round(Number(intervalInput.value) || 1) };
    if (f === 'weekly') {
      const days = weekdayChecks.filter((w) => w.input.checked).map((w) => w.code);
      if (days.length) r.byWeekday = days;
    }
    if (f === 'monthly') r.monthlyBy = monthlyNth.input.checked ? 'weekdayOfMonth' : 'dayOfMonth';
    if (endCount.input.checked) r.count = Math.round(Number(countInput.value) || 0);
    else if (endUntil.input.checked && untilInput.value) r.until = untilInput.value;
    return r;
  }

  const fieldFor = (name) => {
    if (!name) return null;
    const map = {
      title: title.input, description: description.input, start: date.input, startLocal: date.input,
      timeZone: tz.input, durationMinutes: duration.input, recurrence: repeat.input,
      'recurrence.interval': intervalInput, 'recurrence.count': countInput, 'recurrence.until': untilInput,
      'recurrence.byWeekday': weekdayChecks[0].input, 'recurrence.monthlyBy': monthlyDay.input,
      'recurrence.frequency': repeat.input,
      inviteeIds: inviteChecks.length ? inviteChecks[0].input : null, passcode: passcode.input,
      requireSignIn: requireSignIn.input, reminderMinutes: reminder.input,
      interval: intervalInput, count: countInput, until: untilInput, byWeekday: weekdayChecks[0].input,
    };
    return map[name] || (name.startsWith('recurrence') ? repeat.input : null);
  };

  function showError(message, fieldName) {
    setAlert(errorBox, message);
    const target = fieldFor(fieldName);
    if (target) {
      markInvalid(target, errorBox);
      target.focus();
    } else {
      errorBox.scrollIntoView({ block: 'center', behavior: 'smooth' });
    }
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearInvalid(form);
    setAlert(errorBox, '');
    if (!date.input.value) { showError('Choose a date for the meeting.', 'start'); return; }
    if (!time.input.value) { markInvalid(time.input, errorBox); setAlert(errorBox, 'Choose a start time for the meeting.'); time.input.focus(); return; }
    const f = currentFrequency();
    if (f === 'weekly' && !weekdayChecks.some((w) => w.input.checked)) {
      showError('Pick at least one day of the week.', 'recurrence.byWeekday');
      return;
    }
    if (f !== 'none' && endUntil.input.checked && !untilInput.value) {
      showError('Choose the date the meeting stops repeating.', 'recurrence.until');
      return;
    }

    const body = {
      title: title.input.value.trim(),
      description: description.input.value.trim(),
      start: `${date.input.value}T${time.input.value.slice(0, 5)}`,
      timeZone: tz.input.value,
      durationMinutes: Number(duration.input.value),
      requireSignIn: requireSignIn.input.checked,
      lobbyEnabled: lobbyEnabled.input.checked,
      recordAutomatically: recordAutomatically.input.checked,
      recordingsVisible: recordingsVisible.input.checked,
      reminderMinutes: Number(reminder.input.value),
    };
    const recurrence = buildRecurrence();
    if (recurrence) body.recurrence = recurrence;
    else if (meeting && meeting.recurrence) body.recurrence = null;

    const code = passcode.input.value.trim();
    if (code) body.passcode = code;
    else if (meeting && meeting.hasPasscode) body.passcode = null;

    const chosen = inviteChecks.filter((c) => c.input.checked).map((c) => c.input.value);
    if (!meeting) {
      if (chosen.length) body.inviteeIds = chosen;
    } else {
      const before = [...preInvite].sort().join(',');
      if ([...chosen].sort().join(',') !== before) body.inviteeIds = chosen;
    }

    withBusy(submit, async () => {
      try {
        const saved = meeting
          ? await api.patch(`/meetings/${seg(meeting.id)}`, body)
          : await api.post('/meetings', body);
        toastOk(meeting ? 'Meeting updated.' : 'Meeting scheduled.');
        navigate(`/meetings/${encodeURIComponent(saved.id)}`, { replace: !!meeting });
      } catch (err) {
        showError(err.message, err.field);
      }
    });
  });

  root.replaceChildren(h('div', { class: 'container narrow' },
    h('a', { class: 'back-link', href: meeting ? `/meetings/${encodeURIComponent(meeting.id)}` : '/' }, icon('arrowLeft', 16), meeting ? 'Back to meeting' : 'Agenda'),
    h('h1', { class: 'page-title' }, meeting ? 'Edit meeting' : 'Schedule a meeting'),
    meeting && meeting.recurrence ? h('p', { class: 'muted' }, 'Changes apply to the whole series. To change a single date, use “Move” on the meeting page.') : null,
    form));
  if (!meeting) title.input.focus();
}
