// /signin

import { api } from '../api.js';
import { h, setAlert, withBusy } from '../dom.js';
import { field, markInvalid, clearInvalid } from '../components/forms.js';
import { navigate, safeNext } from '../router.js';
import { startSession } from '../session.js';

export default async function signinPage(root, ctx) {
  ctx.setTitle('Sign in');
  const next = safeNext(ctx.query.get('next'));
  const nextQuery = next !== '/' ? `?next=${encodeURIComponent(next)}` : '';

  const username = field({
    label: 'Username',
    control: { name: 'username', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', required: true },
  });
  const password = field({
    label: 'Password',
    control: { name: 'password', type: 'password', autocomplete: 'current-password', required: true },
  });
  const error = h('div', { class: 'alert alert-error', role: 'alert', id: 'signin-error', hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block btn-lg' }, 'Sign in');

  const form = h('form', { class: 'stack', novalidate: true }, username.wrap, password.wrap, error, submit);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearInvalid(form);
    setAlert(error, '');
    const u = username.input.value.trim();
    const p = password.input.value;
    if (!u || !p) {
      setAlert(error, 'Enter your username and password.');
      markInvalid(!u ? username.input : password.input, error);
      (!u ? username.input : password.input).focus();
      return;
    }
    withBusy(submit, async () => {
      try {
        const user = await api.post('/auth/login', { username: u, password: p }, { quiet: true });
        startSession(user);
        navigate(next, { replace: true });
      } catch (err) {
        setAlert(error, err.message);
        if (err.code === 'invalid_credentials') {
          markInvalid(password.input, error);
          password.input.select();
        }
      }
    });
  });

  root.append(h('div', { class: 'auth' },
    h('div', { class: 'auth-card card' },
      h('h1', { class: 'auth-title' }, 'Sign in to Parley'),
      h('p', { class: 'muted auth-sub' }, 'Meet your friends and colleagues, right in the browser.'),
      form,
      h('p', { class: 'auth-switch' }, 'New to Parley? ', h('a', { href: `/signup${nextQuery}` }, 'Create an account')))));
  username.input.focus();
}
