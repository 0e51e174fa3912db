// /settings — display name and the personal calendar feed.

import { api, isAbort } from '../api.js';
import { h, icon, spinner, setAlert, withBusy, copyText, avatar } from '../dom.js';
import { field } from '../components/forms.js';
import { toast, toastOk, toastError } from '../components/toast.js';
import { setMe, session } from '../state.js';

export default async function settingsPage(root, ctx) {
  ctx.setTitle('Settings');
  const me = session.me;

  // Profile
  const displayName = field({ label: 'Display name', hint: 'Shown to your friends and in meetings.', control: { name: 'displayName', value: me.displayName, maxlength: '64', autocomplete: 'name' } });
  const profileError = h('p', { class: 'alert alert-error', role: 'alert', hidden: true });
  const saveBtn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save');
  const avatarSlot = h('span', null, avatar(me, 'lg'));
  const profileForm = h('form', { class: 'stack', novalidate: true }, displayName.wrap, profileError, h('div', { class: 'row' }, saveBtn));
  profileForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    setAlert(profileError, '');
    withBusy(saveBtn, async () => {
      try {
        const user = await api.patch('/me', { displayName: displayName.input.value.trim() });
        setMe({ ...session.me, ...user });
        avatarSlot.replaceChildren(avatar(user, 'lg'));
        toastOk('Your display name was saved.');
      } catch (err) {
        setAlert(profileError, err.message);
        displayName.input.setAttribute('aria-invalid', 'true');
      }
    });
  });
  displayName.input.addEventListener('input', () => displayName.input.removeAttribute('aria-invalid'));

  // Calendar feed
  const feedBody = h('div', { class: 'stack' }, spinner('Loading…'));

  root.append(h('div', { class: 'container narrow' },
    h('h1', { class: 'page-title' }, 'Settings'),
    h('section', { class: 'card', 'aria-labelledby': 'profile-title' },
      h('h2', { id: 'profile-title' }, 'Profile'),
      h('div', { class: 'profile-row' }, avatarSlot, h('div', null, h('p', { class: 'person-name' }, me.displayName), h('p', { class: 'muted small' }, `@${me.username}`))),
      profileForm),
    h('section', { class: 'card', 'aria-labelledby': 'feed-title' },
      h('h2', { id: 'feed-title' }, 'Calendar feed'),
      h('p', { class: 'muted' }, 'Subscribe to this private link in your calendar app (Google Calendar, Outlook, Apple Calendar…) to see your Parley meetings there. Anyone with the link can see your meetings, so keep it to yourself.'),
      feedBody)));

  function renderFeed(url) {
    const getBtn = h('button', { type: 'button', class: url ? 'btn' : 'btn btn-primary' }, icon('calendar', 16), 'Get calendar link');
    const err = h('p', { class: 'alert alert-error', role: 'alert', hidden: true });
    getBtn.addEventListener('click', () => withBusy(getBtn, async () => {
      try {
        const res = await api.post('/me/calendar-feed', {});
        renderFeed(res.url);
        toastOk(url ? 'A new calendar link was created. The old one no longer works.' : 'Your calendar link is ready.');
      } catch (e) { setAlert(err, e.message); }
    }));
    if (!url) {
      feedBody.replaceChildren(h('p', { class: 'small' }, 'You do not have a calendar link yet.'), err, h('div', { class: 'row' }, getBtn));
      return;
    }
    const urlField = field({ label: 'Calendar feed URL', control: { value: url, readOnly: true, class: 'mono', spellcheck: 'false' } });
    urlField.input.addEventListener('focus', () => urlField.input.select());
    const copyBtn = h('button', { type: 'button', class: 'btn btn-primary' }, icon('copy', 16), 'Copy');
    copyBtn.addEventListener('click', async () => {
      if (await copyText(url)) toastOk('Calendar link copied.');
      else { urlField.input.select(); toast({ message: 'Press Ctrl+C to copy the selected link.' }); }
    });
    const revokeBtn = h('button', { type: 'button', class: 'btn btn-danger-ghost' }, 'Revoke');
    revokeBtn.addEventListener('click', () => withBusy(revokeBtn, async () => {
      try {
        await api.del('/me/calendar-feed');
        renderFeed(null);
        toastOk('Calendar link revoked. Calendars using it will stop updating.');
      } catch (e) { setAlert(err, e.message); }
    }));
    feedBody.replaceChildren(urlField.wrap, err,
      h('div', { class: 'row wrap' }, copyBtn, getBtn, revokeBtn),
      h('p', { class: 'hint' }, 'Getting a new link turns the old one off.'));
  }

  try {
    const res = await api.get('/me/calendar-feed', { signal: ctx.signal });
    renderFeed(res.url || null);
  } catch (err) {
    if (isAbort(err)) return;
    feedBody.replaceChildren(h('p', { class: 'alert alert-error' }, err.message));
    toastError(err);
  }
}
