// /settings — display name, password, default camera/microphone/speaker
// (kept in this browser) and the personal calendar feed.

import { api, isAbort } from '../api.js';
import { h, icon, spinner, setAlert, withBusy, copyText, avatar } from '../dom.js';
import { field, check, markInvalid, clearInvalid } from '../components/forms.js';
import { devicePrefs, saveDevicePrefs, listDevices, canChooseSpeaker } from '../components/media.js';
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

  // Password
  const current = field({ label: 'Current password', control: { type: 'password', name: 'currentPassword', autocomplete: 'current-password', maxlength: '256' } });
  const next = field({ label: 'New password', hint: 'At least 8 characters.', control: { type: 'password', name: 'newPassword', autocomplete: 'new-password', maxlength: '128' } });
  const again = field({ label: 'Repeat new password', control: { type: 'password', name: 'newPasswordAgain', autocomplete: 'new-password', maxlength: '128' } });
  const passwordError = h('p', { class: 'alert alert-error', role: 'alert', id: 'password-error', hidden: true });
  const passwordBtn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Change password');
  const passwordForm = h('form', { class: 'stack', novalidate: true }, current.wrap, next.wrap, again.wrap, passwordError, h('div', { class: 'row' }, passwordBtn));
  passwordForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearInvalid(passwordForm);
    setAlert(passwordError, '');
    const fail = (input, message) => { setAlert(passwordError, message); markInvalid(input, passwordError); input.focus(); };
    if (!current.input.value) { fail(current.input, 'Enter your current password.'); return; }
    if (next.input.value.length < 8) { fail(next.input, 'A password needs at least 8 characters.'); return; }
    if (next.input.value !== again.input.value) { fail(again.input, 'The two new passwords differ. Type the same one twice.'); return; }
    withBusy(passwordBtn, async () => {
      try {
        await api.post('/me/password', { currentPassword: current.input.value, newPassword: next.input.value });
        for (const f of [current, next, again]) f.input.value = '';
        toastOk('Your password was changed. You were signed out everywhere else.');
      } catch (err) {
        const input = err.field === 'currentPassword' || err.code === 'wrong_password' ? current.input : err.field === 'newPassword' ? next.input : null;
        if (input) fail(input, err.message);
        else setAlert(passwordError, err.message);
      }
    });
  });

  // Default devices (this browser only)
  const devicesBody = h('div', { class: 'stack' });
  async function renderDevices() {
    const prefs = devicePrefs();
    const { cameras, microphones, speakers } = await listDevices();
    const named = [...cameras, ...microphones].some((d) => !/^(Camera|Microphone) \d+$/.test(d.label));
    const pick = (label, name, items, chosen, emptyLabel) => {
      const sel = h('select', { name }, h('option', { value: '' }, 'System default'),
        items.map((d) => h('option', { value: d.id }, d.label)));
      sel.value = chosen && items.some((d) => d.id === chosen) ? chosen : '';
      if (!items.length) sel.title = emptyLabel;
      sel.addEventListener('change', () => {
        saveDevicePrefs({ [name]: sel.value || null });
        status.textContent = `${label} saved.`;
      });
      return field({ label, control: sel }).wrap;
    };
    const status = h('p', { class: 'sr-only', role: 'status' });
    const noise = check({ label: 'Noise suppression', checked: prefs.noiseSuppression !== false,
      extra: h('p', { class: 'hint' }, 'Filters out steady background noise such as fans. Turn it off for music.') });
    noise.input.addEventListener('change', () => {
      saveDevicePrefs({ noiseSuppression: noise.input.checked });
      status.textContent = `Noise suppression ${noise.input.checked ? 'on' : 'off'}.`;
    });
    const allow = named ? null : h('button', { type: 'button', class: 'btn btn-sm' }, icon('video', 16), 'Show device names');
    if (allow) {
      allow.addEventListener('click', () => withBusy(allow, async () => {
        try {
          // Device names appear once the browser may use the camera and microphone.
          const s = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
          for (const t of s.getTracks()) t.stop();
        } catch { /* names stay generic */ }
        await renderDevices();
      }));
    }
    devicesBody.replaceChildren(...[
      pick('Camera', 'camera', cameras, prefs.camera, 'No camera found'),
      pick('Microphone', 'microphone', microphones, prefs.microphone, 'No microphone found'),
      canChooseSpeaker ? pick('Speaker', 'speaker', speakers, prefs.speaker, 'No speaker found') : null,
      noise.wrap,
      allow ? h('div', { class: 'row' }, allow) : null,
      status,
    ].filter(Boolean));
  }
  renderDevices();

  // Calendar feed
  const feedBody = h('div', { class: 'stack' }, spinner('Loading…'));

  root.append(h('div', { class: 'container narrow' },
    h('h1', { class: 'page-title' }, 'Settings'),
    h('section', { class: 'card', 'aria-labelledby': 'profile-title' },
      h('h2', { id: 'profile-title' }, 'Profile'),
      h('div', { class: 'profile-row' }, avatarSlot, h('div', null, h('p', { class: 'person-name' }, me.displayName), h('p', { class: 'muted small' }, `@${me.username}`))),
      profileForm),
    h('section', { class: 'card', 'aria-labelledby': 'password-title' },
      h('h2', { id: 'password-title' }, 'Password'),
      h('p', { class: 'muted small' }, 'Changing it signs you out on every other browser and device.'),
      passwordForm),
    h('section', { class: 'card', 'aria-labelledby': 'devices-title' },
      h('h2', { id: 'devices-title' }, 'Camera, microphone and speaker'),
      h('p', { class: 'muted small' }, 'The devices meetings start with in this browser. You can still switch in a meeting.'),
      devicesBody),
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
