// A menu button (the WAI-ARIA menu button pattern): a button with
// aria-haspopup="menu" and aria-expanded that opens a role="menu" list of
// items. Arrow keys, Home and End move between items; Enter or Space picks
// one; Escape (or Tab, or a click elsewhere) closes it and gives focus back
// to the button. Items are built each time the menu opens, so they always
// show the current state.

import { h } from '../dom.js';

let openMenu = null; // the one menu open at a time

/**
 * attachMenu(button, {label, items() → [{label, onSelect, role?, checked?,
 * danger?, disabled?, hint?}], className?}) turns `button` into a menu button.
 * `role` is 'menuitem' (default), 'menuitemradio' or 'menuitemcheckbox'.
 * Returns {open(), close(), isOpen()}.
 */
export function attachMenu(button, { label, items, className = '' }) {
  button.setAttribute('aria-haspopup', 'menu');
  button.setAttribute('aria-expanded', 'false');
  let popup = null;

  const api = {
    isOpen: () => !!popup,
    open(focusLast = false) {
      if (popup) return;
      if (openMenu) openMenu.close({ focus: false });
      const list = items().filter(Boolean);
      popup = h('div', { class: `menu-popup ${className}`.trim(), role: 'menu', 'aria-label': label });
      for (const item of list) {
        const el = h('button', {
          type: 'button',
          role: item.role || 'menuitem',
          class: `menu-item${item.danger ? ' is-danger' : ''}`,
          tabindex: '-1',
          disabled: !!item.disabled,
        }, item.icon || null, h('span', { class: 'menu-item-label' }, item.label),
        item.hint ? h('kbd', { class: 'menu-item-hint', 'aria-hidden': 'true' }, item.hint) : null);
        if (item.role === 'menuitemradio' || item.role === 'menuitemcheckbox') {
          el.setAttribute('aria-checked', item.checked ? 'true' : 'false');
        }
        el.addEventListener('click', () => {
          api.close();
          item.onSelect();
        });
        popup.append(el);
      }
      popup.addEventListener('keydown', onKey);
      popup.addEventListener('focusout', (ev) => {
        if (popup && ev.relatedTarget && !popup.contains(ev.relatedTarget) && ev.relatedTarget !== button) api.close({ focus: false });
      });
      document.body.append(popup);
      place();
      button.setAttribute('aria-expanded', 'true');
      openMenu = api;
      document.addEventListener('pointerdown', onOutside, true);
      window.addEventListener('resize', onResize);
      const enabled = menuItems();
      if (enabled.length) enabled[focusLast ? enabled.length - 1 : 0].focus();
    },
    close({ focus = true } = {}) {
      if (!popup) return;
      popup.remove();
      popup = null;
      button.setAttribute('aria-expanded', 'false');
      if (openMenu === api) openMenu = null;
      document.removeEventListener('pointerdown', onOutside, true);
      window.removeEventListener('resize', onResize);
      if (focus && button.isConnected) button.focus();
    },
  };

  function menuItems() {
    return popup ? [...popup.querySelectorAll('.menu-item')].filter((b) => !b.disabled) : [];
  }

  function place() {
    const r = button.getBoundingClientRect();
    const w = popup.offsetWidth;
    const hgt = popup.offsetHeight;
    const vw = document.documentElement.clientWidth;
    const vh = document.documentElement.clientHeight;
    let left = Math.min(Math.max(8, r.right - w), vw - w - 8);
    if (left < 8) left = 8;
    let top = r.bottom + 6;
    if (top + hgt > vh - 8 && r.top - hgt - 6 >= 8) top = r.top - hgt - 6;
    popup.style.left = `${Math.round(left)}px`;
    popup.style.top = `${Math.round(Math.max(8, top))}px`;
  }

  function onResize() { if (popup) place(); }

  function onOutside(ev) {
    if (popup && !popup.contains(ev.target) && !button.contains(ev.target)) api.close({ focus: false });
  }

  function onKey(ev) {
    const list = menuItems();
    const i = list.indexOf(document.activeElement);
    let j = null;
    if (ev.key === 'ArrowDown') j = (i + 1) % list.length;
    else if (ev.key === 'ArrowUp') j = (i - 1 + list.length) % list.length;
    else if (ev.key === 'Home') j = 0;
    else if (ev.key === 'End') j = list.length - 1;
    else if (ev.key === 'Escape') {
      ev.preventDefault();
      ev.stopPropagation();
      api.close();
      return;
    } else if (ev.key === 'Tab') {
      api.close({ focus: false });
      return;
    }
    if (j !== null && list.length) {
      ev.preventDefault();
      list[j].focus();
    }
  }

  button.addEventListener('click', () => (popup ? api.close() : api.open()));
  button.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      api.open(ev.key === 'ArrowUp');
    }
  });
  return api;
}

/** Close whichever menu is open (e.g. when the view it belongs to goes away). */
export function closeMenus() {
  if (openMenu) openMenu.close({ focus: false });
}
