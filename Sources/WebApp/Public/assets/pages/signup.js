// /signup

import { api } from '../api.js';
import { h, setAlert, withBusy } from '../dom.js';
import { field, markInvalid, clearInvalid } from '../components/forms.js';
import { navigate, safeNext } from '../router.js';
import { startSession } from '../session.js';

export default async function signupPage(root, ctx) {
  ctx.setTitle('Sign up');
  const next = safeNext(ctx.query.get('next'));
  const nextQuery = next !== '/' ? `?next=${encodeURIComponent(next)}` : '';

  const username = field({
    label: 'Username',
    hint: '3–32 characters: lowercase letters, digits, dot, dash or underscore.',
    control: { name: 'username', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', required: true, maxlength: '32' },
  });
  const displayName = field({
    label: 'Display name',
    hint: 'How you appear to others, e.g. your full name.',
    control: { name: 'displayName', autocomplete: 'name', required: true, maxlength: '64' },
  });
  const password = field({
    label: 'Password',
    hint: 'At least 8 characters.',
    control: { name: 'password', type: 'password', autocomplete: 'new-password', required: true, maxlength: '128' },
  });
  const error = h('div', { class: 'alert alert-error', role: 'alert', id: 'signup-error', hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block btn-lg' }, 'Sign up');

  const form = h('form', { class: 'stack', novalidate: true }, username.wrap, displayName.wrap, password.wrap, error, submit);
  const fieldFor = { username: username.input, displayName: displayName.input, password: password.input };

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearInvalid(form);
    setAlert(error, '');
    const body = {
      username: username.input.value.trim().toLowerCase(),
      displayName: displayName.input.value.trim(),
      password: password.input.value,
    };
    withBusy(submit, async () => {
      try {
        const user = await api.post('/auth/register', body, { quiet: true });
        startSession(user);
        navigate(next, { replace: true });
      } catch (err) {
        setAlert(error, err.message);
        const target = fieldFor[err.field] || (err.code === 'conflict' ? username.input : null);
        if (target) {
          markInvalid(target, error);
          target.focus();
        }
      }
    });
  });

  root.append(h('div', { class: 'auth' },
    h('div', { class: 'auth-card card' },
      h('h1', { class: 'auth-title' }, 'Create your Parley account'),
      h('p', { class: 'muted auth-sub' }, 'Video meetings, scheduling and calls with your friends.'),
      form,
      h('p', { class: 'auth-switch' }, 'Already have an account? ', h('a', { href: `/signin${nextQuery}` }, 'Sign in')))));
  username.input.focus();
}
