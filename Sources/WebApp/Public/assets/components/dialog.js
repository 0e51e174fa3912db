// A modal dialog on the native <dialog> (showModal): focus stays inside,
// Escape closes it, and focus returns to where it was. Used by the room for
// device settings, the host's leave choice and the keyboard shortcut sheet.

import { h, icon, nextId } from '../dom.js';

/**
 * openDialog({title, description?, content(close) → nodes, className?, onClose?})
 * → {el, close()}. `content` builds the body; call `close()` to dismiss.
 */
export function openDialog({ title, description = null, content, className = '', onClose = null }) {
  const previous = document.activeElement;
  const titleId = nextId('dialog-title');
  const descId = description ? nextId('dialog-desc') : null;
  const dialog = h('dialog', { class: `dialog ${className}`.trim(), 'aria-labelledby': titleId, 'aria-describedby': descId });
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    if (dialog.open) dialog.close();
    dialog.remove();
    if (onClose) { try { onClose(); } catch (err) { console.error(err); } }
    if (previous && previous.isConnected && typeof previous.focus === 'function') previous.focus();
  };
  const closeBtn = h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Close' }, icon('x', 18));
  closeBtn.addEventListener('click', close);
  dialog.append(
    h('div', { class: 'dialog-head' }, h('h2', { id: titleId }, title), closeBtn),
    description ? h('p', { class: 'muted small dialog-desc', id: descId }, description) : null,
    h('div', { class: 'dialog-body' }, content(close)));
  dialog.addEventListener('close', close);
  dialog.addEventListener('cancel', (ev) => { ev.preventDefault(); close(); });
  // A click on the backdrop (the dialog element itself, outside its box) closes it.
  dialog.addEventListener('click', (ev) => {
    if (ev.target !== dialog) return;
    const r = dialog.getBoundingClientRect();
    if (ev.clientX < r.left || ev.clientX > r.right || ev.clientY < r.top || ev.clientY > r.bottom) close();
  });
  document.body.append(dialog);
  dialog.showModal();
  const first = dialog.querySelector('.dialog-body select, .dialog-body input, .dialog-body button, .dialog-body [tabindex]');
  if (first) first.focus();
  return { el: dialog, close };
}
