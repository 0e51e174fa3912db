// The top bar: brand, main navigation with the unread badge, the user, sign out.

import { h, icon, logoMark, avatar } from '../dom.js';
import { store, getUnread, session } from '../state.js';

const NAV = [
  { href: '/', label: 'Home', iconName: 'home', match: (p) => p === '/' || p === '/schedule' },
  { href: '/meetings', label: 'Meetings', iconName: 'calendar', match: (p) => p === '/meetings' || p.startsWith('/meetings/') },
  { href: '/friends', label: 'Friends', iconName: 'users', match: (p) => p.startsWith('/friends') },
  { href: '/recordings', label: 'Recordings', iconName: 'film', match: (p) => p.startsWith('/recordings') },
  { href: '/notifications', label: 'Notifications', iconName: 'bell', match: (p) => p.startsWith('/notifications') },
];

/**
 * Build the top bar into `header`. Returns {update(path)}.
 * `onSignOut` is called when "Sign out" is pressed.
 */
export function mountTopbar(header, { onSignOut }) {
  let links = [];
  let badge = null;
  let badgeDesc = null;
  let nameEl = null;
  let avatarSlot = null;

  function build() {
    const me = session.me;
    header.replaceChildren();
    header.className = 'topbar';
    links = [];
    const brand = h('a', { class: 'brand', href: me ? '/' : '/signin' }, logoMark(28), h('span', { class: 'brand-name' }, 'Parley'));
    if (!me) {
      header.append(h('div', { class: 'topbar-inner' }, brand));
      return;
    }
    badge = h('span', { class: 'badge', 'aria-hidden': 'true', hidden: true });
    badgeDesc = h('span', { class: 'sr-only', id: 'unread-desc' });
    const nav = h('nav', { class: 'mainnav', 'aria-label': 'Main' },
      NAV.map((item) => {
        const a = h('a', { href: item.href, class: 'navlink', title: item.label }, icon(item.iconName, 18), h('span', { class: 'navlink-label' }, item.label));
        if (item.href === '/notifications') {
          a.append(badge);
          a.setAttribute('aria-describedby', 'unread-desc');
        }
        links.push({ a, item });
        return a;
      }),
      badgeDesc);
    nameEl = h('span', { class: 'user-name' }, me.displayName || me.username);
    avatarSlot = h('span', { class: 'user-avatar' }, avatar(me, 'sm'));
    const userChip = h('a', { class: 'user-chip', href: '/settings', title: 'Settings' }, avatarSlot, nameEl, h('span', { class: 'sr-only' }, ' — settings'));
    const signOut = h('button', { type: 'button', class: 'btn btn-ghost btn-sm signout' }, icon('logout', 16), h('span', { class: 'signout-label' }, 'Sign out'));
    signOut.addEventListener('click', () => onSignOut(signOut));
    header.append(h('div', { class: 'topbar-inner' },
      brand,
      nav,
      h('div', { class: 'user-area' }, userChip, signOut)));
    renderBadge(getUnread());
  }

  function renderBadge(n) {
    if (!badge) return;
    badge.textContent = n > 99 ? '99+' : String(n);
    badge.hidden = n <= 0;
    badgeDesc.textContent = n > 0 ? `${n} unread` : '';
  }

  store.addEventListener('unread', (e) => renderBadge(e.detail));
  store.addEventListener('me', () => build());

  let lastPath = location.pathname;
  function update(path = location.pathname) {
    lastPath = path;
    for (const { a, item } of links) {
      if (item.match(path)) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    if (session.me && nameEl) {
      nameEl.textContent = session.me.displayName || session.me.username;
      avatarSlot.replaceChildren(avatar(session.me, 'sm'));
    }
  }

  build();
  update(lastPath);
  return { update, rebuild: () => { build(); update(lastPath); } };
}
