// Toasts: short messages in a polite live region (#toasts in index.html).

import { h, icon } from '../dom.js';

const MAX_TOASTS = 4;

function region() {
  let el = document.getElementById('toasts');
  if (!el) {
    el = h('div', { id: 'toasts', class: 'toasts', 'aria-live': 'polite', 'aria-relevant': 'additions' });
    document.body.append(el);
  }
  return el;
}

/**
 * toast({message, title?, tone?: 'info'|'success'|'error', iconName?,
 *        actions?: [{label, href?, onClick?, primary?}], timeout?})
 * `message` may be a string or an array of strings/nodes.
 * Returns a function that dismisses the toast.
 */
export function toast({ message, title = null, tone = 'info', iconName = null, actions = [], timeout = 6000 }) {
  const root = region();
  const iconFor = iconName || (tone === 'success' ? 'check' : tone === 'error' ? 'alert' : 'info');
  let timer = null;
  const el = h('div', { class: `toast toast-${tone}` });

  const dismiss = () => {
    clearTimeout(timer);
    if (!el.isConnected) return;
    el.classList.add('toast-leaving');
    setTimeout(() => el.remove(), 180);
  };

  const actionEls = actions.map((a) => {
    const cls = `btn btn-sm ${a.primary ? 'btn-primary' : ''}`;
    if (a.href) {
      return h('a', { class: cls, href: a.href, onclick: () => dismiss() }, a.label);
    }
    return h('button', {
      type: 'button', class: cls,
      onclick: async (ev) => { try { await a.onClick?.(ev); } finally { dismiss(); } },
    }, a.label);
  });

  el.append(
    h('span', { class: 'toast-icon' }, icon(iconFor, 18)),
    h('div', { class: 'toast-body' },
      title ? h('p', { class: 'toast-title' }, title) : null,
      h('p', { class: 'toast-message' }, message),
      actionEls.length ? h('div', { class: 'toast-actions' }, actionEls) : null,
    ),
    h('button', { type: 'button', class: 'icon-btn toast-close', 'aria-label': 'Dismiss', onclick: dismiss }, icon('x', 16)),
  );

  const start = () => { if (timeout > 0) timer = setTimeout(dismiss, timeout); };
  el.addEventListener('mouseenter', () => clearTimeout(timer));
  el.addEventListener('mouseleave', start);
  el.addEventListener('focusin', () => clearTimeout(timer));
  el.addEventListener('focusout', start);

  root.append(el);
  while (root.children.length > MAX_TOASTS) root.firstElementChild.remove();
  start();
  return dismiss;
}

export const toastError = (err) => toast({ message: (err && err.message) || 'Something went wrong.', tone: 'error', timeout: 8000 });
export const toastOk = (message) => toast({ message, tone: 'success', timeout: 4000 });
