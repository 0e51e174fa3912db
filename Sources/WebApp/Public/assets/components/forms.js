// Form building blocks: every control gets a real <label>.

import { h, nextId } from '../dom.js';

/**
 * A labelled control. `control` is an element (input/select/textarea) or the
 * attributes for an <input>. Returns {wrap, input, hintEl}.
 */
export function field({ label, control, hint = null, className = '' }) {
  const input = control instanceof Element ? control : h('input', { type: 'text', ...control });
  if (!input.id) input.id = nextId('field');
  let hintEl = null;
  if (hint) {
    hintEl = h('p', { class: 'hint', id: `${input.id}-hint` }, hint);
    addDescribedBy(input, hintEl.id);
  }
  const wrap = h('div', { class: `field ${className}`.trim() },
    h('label', { for: input.id }, label),
    input,
    hintEl);
  return { wrap, input, hintEl };
}

export function addDescribedBy(el, id) {
  const ids = new Set((el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean));
  ids.add(id);
  el.setAttribute('aria-describedby', [...ids].join(' '));
}

export function removeDescribedBy(el, id) {
  const ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter((x) => x && x !== id);
  if (ids.length) el.setAttribute('aria-describedby', ids.join(' '));
  else el.removeAttribute('aria-describedby');
}

/** A checkbox (or radio) with its label to the right. Returns {wrap, input}. */
export function check({ label, type = 'checkbox', name, value, checked = false, className = '', extra = null }) {
  const input = h('input', { type, name, value, checked, id: nextId(type === 'radio' ? 'radio' : 'check') });
  const wrap = h('div', { class: `check ${className}`.trim() },
    input,
    h('label', { for: input.id }, label),
    extra);
  return { wrap, input };
}

/** A <select> built from [{value, label}] options. */
export function select(options, { value = null, ...attrs } = {}) {
  const el = h('select', attrs, options.map((o) => h('option', { value: String(o.value) }, o.label)));
  if (value !== null && value !== undefined) el.value = String(value);
  return el;
}

/**
 * Mark fields invalid and point them at the error region. `fields` are inputs.
 * Call clearInvalid(form) before a new submit.
 */
export function markInvalid(input, errorEl) {
  if (!input) return;
  input.setAttribute('aria-invalid', 'true');
  if (errorEl && errorEl.id) input.setAttribute('aria-errormessage', errorEl.id);
  const wrap = input.closest('.field, fieldset');
  if (wrap) wrap.classList.add('has-error');
}

export function clearInvalid(root) {
  for (const el of root.querySelectorAll('[aria-invalid="true"]')) {
    el.removeAttribute('aria-invalid');
    el.removeAttribute('aria-errormessage');
  }
  for (const el of root.querySelectorAll('.has-error')) el.classList.remove('has-error');
}
