// /notifications — newest first, inline actions, "Mark all as read".

import { api, seg, isAbort } from '../api.js';
import { h, icon, spinner, emptyState, withBusy } from '../dom.js';
import { appPath } from '../router.js';
import { toastError } from '../components/toast.js';
import { notificationListMessage, notificationIcon } from '../components/notification-text.js';
import { relativeTime, formatDateTime } from '../components/time.js';
import { setUnread } from '../state.js';
import { live } from '../live.js';

export default async function notificationsPage(root, ctx) {
  ctx.setTitle('Notifications');
  let items = [];
  let unreadCount = 0;

  const markAll = h('button', { type: 'button', class: 'btn btn-sm' }, icon('check', 16), 'Mark all as read');
  markAll.addEventListener('click', () => withBusy(markAll, async () => {
    try {
      await api.postEmpty('/notifications/read-all');
      const now = new Date().toISOString();
      for (const n of items) if (!n.readAt) n.readAt = now;
      unreadCount = 0;
      setUnread(0);
      render();
    } catch (err) { toastError(err); }
  }).then(() => { markAll.disabled = unreadCount <= 0; }));

  const listBox = h('div', { class: 'notif-box' }, spinner('Loading notifications…'));
  const summary = h('p', { class: 'muted', 'aria-live': 'polite' });
  root.append(h('div', { class: 'container narrow' },
    h('div', { class: 'page-head' },
      h('div', null, h('h1', { class: 'page-title' }, 'Notifications'), summary),
      markAll),
    h('section', { class: 'card card-flush' }, listBox)));

  async function load() {
    try {
      const res = await api.get('/notifications', { signal: ctx.signal });
      items = res.notifications || [];
      unreadCount = res.unreadCount ?? items.filter((n) => !n.readAt).length;
      setUnread(unreadCount);
      render();
    } catch (err) {
      if (isAbort(err)) return;
      listBox.replaceChildren(emptyState({ iconName: 'alert', title: 'Notifications could not be loaded.', body: err.message, action: h('button', { type: 'button', class: 'btn btn-sm', onclick: load }, 'Try again') }));
    }
  }

  function render() {
    markAll.disabled = unreadCount <= 0;
    summary.textContent = unreadCount > 0 ? `${unreadCount} unread` : 'You are all caught up.';
    if (!items.length) {
      listBox.replaceChildren(emptyState({
        iconName: 'bell',
        title: 'No notifications yet',
        body: 'Friend requests, invitations, reminders and calls will show up here.',
      }));
      return;
    }
    listBox.replaceChildren(h('ul', { class: 'notif-list', role: 'list' }, items.map(row)));
  }

  async function markRead(n) {
    if (n.readAt) return;
    n.readAt = new Date().toISOString();
    unreadCount = Math.max(0, unreadCount - 1);
    setUnread(unreadCount);
    try { await api.postEmpty(`/notifications/${seg(n.id)}/read`); } catch { /* not critical */ }
  }

  function row(n) {
    const d = n.data || {};
    const actions = h('div', { class: 'notif-actions' });
    const result = h('span', { class: 'muted small notif-result', role: 'status' });
    switch (n.kind) {
      case 'friend_request': {
        if (!d.requestId) break;
        const accept = h('button', { type: 'button', class: 'btn btn-sm btn-primary' }, 'Accept');
        const decline = h('button', { type: 'button', class: 'btn btn-sm' }, 'Decline');
        const act = (btn, verb, done) => withBusy(btn, async () => {
          try {
            await api.postEmpty(`/friend-requests/${seg(d.requestId)}/${verb}`);
            actions.replaceChildren(result);
            result.textContent = done;
            markRead(n).then(() => li.classList.remove('unread'));
          } catch (err) {
            actions.replaceChildren(result);
            result.textContent = err.status === 404 || err.status === 409 ? 'This request is no longer pending.' : err.message;
          }
        });
        accept.addEventListener('click', () => act(accept, 'accept', `You and ${d.from ? d.from.displayName : 'they'} are now friends.`));
        decline.addEventListener('click', () => act(decline, 'decline', 'Request declined.'));
        actions.append(accept, decline);
        break;
      }
      case 'meeting_invitation':
      case 'reminder':
      case 'call':
        if (d.joinUrl) actions.append(h('a', { class: 'btn btn-sm btn-primary', href: appPath(d.joinUrl), onclick: () => markRead(n) }, 'Join'));
        if (n.kind !== 'call' && d.meetingId) actions.append(h('a', { class: 'btn btn-sm', href: `/meetings/${encodeURIComponent(d.meetingId)}`, onclick: () => markRead(n) }, 'Details'));
        break;
      case 'meeting_updated':
        if (d.meetingId) actions.append(h('a', { class: 'btn btn-sm', href: `/meetings/${encodeURIComponent(d.meetingId)}`, onclick: () => markRead(n) }, 'Details'));
        break;
      default:
        break;
    }
    const markBtn = n.readAt ? null : h('button', { type: 'button', class: 'icon-btn notif-mark', 'aria-label': 'Mark as read', title: 'Mark as read' }, icon('check', 16));
    const li = h('li', { class: `notif${n.readAt ? '' : ' unread'}` },
      h('span', { class: `notif-icon notif-${n.kind}` }, icon(notificationIcon(n.kind), 18)),
      h('div', { class: 'notif-main' },
        h('p', { class: 'notif-text' }, notificationListMessage(n)),
        h('time', { class: 'muted small', datetime: n.createdAt, title: formatDateTime(n.createdAt) }, relativeTime(n.createdAt)),
        actions.childNodes.length ? actions : null),
      n.readAt ? null : h('span', { class: 'unread-dot', 'aria-hidden': 'true' }),
      n.readAt ? null : h('span', { class: 'sr-only' }, 'Unread'),
      markBtn);
    if (markBtn) {
      markBtn.addEventListener('click', async () => {
        await markRead(n);
        render();
      });
    }
    return li;
  }

  // New notifications appear at the top as they arrive.
  const onNotification = (ev) => {
    const n = ev.detail;
    if (!n || items.some((x) => x.id === n.id)) return;
    items.unshift(n);
    if (!n.readAt) unreadCount += 1;
    render();
  };
  live.addEventListener('notification', onNotification);
  ctx.onCleanup(() => live.removeEventListener('notification', onNotification));

  // Keep relative times fresh.
  const tick = setInterval(() => {
    for (const t of listBox.querySelectorAll('time[datetime]')) t.textContent = relativeTime(t.getAttribute('datetime'));
  }, 60_000);
  ctx.onCleanup(() => clearInterval(tick));

  await load();
}
