// Renaming a meeting in place: a "Rename" button that turns into a small
// form (Title, Save, Cancel). PATCH /meetings/{id} with the new title; the
// server checks it (MeetingRules) and answers 422 with a message to show.

import { api, seg } from '../api.js';
import { h, icon, withBusy, setAlert, nextId } from '../dom.js';
import { toastOk } from './toast.js';

/**
 * renameControl({meeting, onRenamed(updatedMeeting)}) → {button, form}: put
 * both where they belong; the form is hidden until the button is pressed.
 */
export function renameControl({ meeting, onRenamed }) {
  const button = h('button', { type: 'button', class: 'btn btn-sm', 'aria-expanded': 'false' }, icon('edit', 16), 'Rename');
  button.setAttribute('aria-label', `Rename ${meeting.title || 'meeting'}`);
  const inputId = nextId('rename');
  const input = h('input', { type: 'text', id: inputId, name: 'title', maxlength: '200', autocomplete: 'off', value: meeting.title || '' });
  const error = h('p', { class: 'field-error', role: 'alert', id: `${inputId}-error`, hidden: true });
  const save = h('button', { type: 'submit', class: 'btn btn-sm btn-primary' }, 'Save');
  const cancel = h('button', { type: 'button', class: 'btn btn-sm btn-ghost' }, 'Cancel');
  const form = h('form', { class: 'rename-form', hidden: true, novalidate: true },
    h('div', { class: 'field' }, h('label', { for: inputId }, 'Meeting title'), input),
    error,
    h('div', { class: 'row' }, save, cancel));

  const close = () => {
    form.hidden = true;
    button.hidden = false;
    button.setAttribute('aria-expanded', 'false');
    setAlert(error, '');
    input.removeAttribute('aria-invalid');
    button.focus();
  };
  button.addEventListener('click', () => {
    input.value = meeting.title || '';
    form.hidden = false;
    button.hidden = true;
    button.setAttribute('aria-expanded', 'true');
    input.focus();
    input.select();
  });
  cancel.addEventListener('click', close);
  input.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') { ev.preventDefault(); close(); } });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const title = input.value.trim();
    if (!title) {
      setAlert(error, 'Give the meeting a title.');
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-errormessage', error.id);
      input.focus();
      return;
    }
    withBusy(save, async () => {
      try {
        const updated = await api.patch(`/meetings/${seg(meeting.id)}`, { title });
        meeting.title = updated.title;
        button.setAttribute('aria-label', `Rename ${updated.title}`);
        close();
        toastOk('Meeting renamed.');
        if (onRenamed) onRenamed(updated);
      } catch (err) {
        setAlert(error, err.message);
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-errormessage', error.id);
        input.focus();
      }
    });
  });
  return { button, form };
}
