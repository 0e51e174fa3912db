// Parley web client entry point: session bootstrap, client-side router,
// top bar, live connection and the app-wide notification handling.

import { api, isAbort } from './api.js';
import { live } from './live.js';
import { h, icon, spinner, emptyState } from './dom.js';
import { session, setMe, setUnread, getUnread, ui } from './state.js';
import { navigate, safeNext, appPath } from './router.js';
import { mountTopbar } from './components/topbar.js';
import { toast, toastError } from './components/toast.js';
import { showIncomingCall, handleCallUpdate } from './components/call-dialog.js';
import { startSession, endSession } from './session.js';
import { notificationMessage, notificationIcon } from './components/notification-text.js';

import signinPage from './pages/signin.js';
import signupPage from './pages/signup.js';
import homePage from './pages/home.js';
import schedulePage from './pages/schedule.js';
import meetingDetailsPage from './pages/meeting-details.js';
import meetingsPage from './pages/meetings.js';
import friendsPage from './pages/friends.js';
import notificationsPage from './pages/notifications.js';
import recordingsPage from './pages/recordings.js';
import settingsPage from './pages/settings.js';
import meetingPage from './pages/meeting.js';

// Route table. `auth`: signed-in users only; `guest`: signed-out users only.
const ROUTES = [
  { pattern: '/', page: homePage, auth: true },
  { pattern: '/signin', page: signinPage, guest: true },
  { pattern: '/signup', page: signupPage, guest: true },
  { pattern: '/schedule', page: schedulePage, auth: true },
  { pattern: '/meetings', page: meetingsPage, auth: true },
  { pattern: '/meetings/:id', page: meetingDetailsPage, auth: true },
  { pattern: '/meetings/:id/edit', page: schedulePage, auth: true },
  { pattern: '/friends', page: friendsPage, auth: true },
  { pattern: '/notifications', page: notificationsPage, auth: true },
  { pattern: '/recordings', page: recordingsPage, auth: true },
  { pattern: '/settings', page: settingsPage, auth: true },
  { pattern: '/m/:code', page: meetingPage, auth: false, layout: 'meeting' },
];

function matchRoute(path) {
  const parts = path.split('/').filter(Boolean);
  for (const route of ROUTES) {
    const rp = route.pattern.split('/').filter(Boolean);
    if (rp.length !== parts.length) continue;
    const params = {};
    let ok = true;
    for (let i = 0; i < rp.length; i += 1) {
      if (rp[i].startsWith(':')) {
        try { params[rp[i].slice(1)] = decodeURIComponent(parts[i]); } catch { ok = false; break; }
      } else if (rp[i] !== parts[i]) {
        ok = false;
        break;
      }
    }
    if (ok) return { route, params };
  }
  return { route: null, params: {} };
}

const main = document.getElementById('main');
const header = document.getElementById('topbar');
let topbar = null;
let current = null; // {controller, cleanups}
let renderSeq = 0;

function teardown() {
  if (!current) return;
  current.controller.abort();
  for (const fn of current.cleanups.reverse()) {
    try { fn(); } catch (err) { console.error(err); }
  }
  current = null;
}

async function render({ initial = false } = {}) {
  const seq = (renderSeq += 1);
  const url = new URL(location.href);
  let path = url.pathname.replace(/\/+$/, '') || '/';
  const { route, params } = matchRoute(path);

  if (route && route.auth && !session.me) {
    navigate(`/signin?next=${encodeURIComponent(url.pathname + url.search)}`, { replace: true });
    return;
  }
  if (route && route.guest && session.me) {
    navigate(safeNext(url.searchParams.get('next')), { replace: true });
    return;
  }

  teardown();
  const controller = new AbortController();
  const cleanups = [];
  current = { controller, cleanups };

  topbar.update(path);
  document.body.dataset.layout = (route && route.layout) || (session.me ? 'app' : 'public');

  const view = h('div', { class: 'page' });
  main.replaceChildren(view);
  window.scrollTo(0, 0);

  const ctx = {
    params,
    query: url.searchParams,
    state: history.state,
    me: session.me,
    signal: controller.signal,
    onCleanup: (fn) => cleanups.push(fn),
    setTitle: (t) => { document.title = t ? `${t} · Parley` : 'Parley'; },
    isCurrent: () => seq === renderSeq,
  };

  if (!route) {
    ctx.setTitle('Page not found');
    view.append(h('div', { class: 'container narrow' },
      h('h1', { class: 'page-title', tabindex: '-1' }, 'Page not found'),
      emptyState({
        iconName: 'info',
        title: "We couldn't find that page.",
        body: 'The link may be broken, or the page may have moved.',
        action: h('a', { class: 'btn btn-primary', href: '/' }, 'Back to your agenda'),
      })));
  } else {
    try {
      await route.page(view, ctx);
    } catch (err) {
      if (isAbort(err) || seq !== renderSeq) return;
      console.error(err);
      view.replaceChildren(h('div', { class: 'container narrow' },
        h('h1', { class: 'page-title', tabindex: '-1' }, 'Something went wrong'),
        emptyState({
          iconName: 'alert',
          title: err && err.message ? err.message : 'This page could not be loaded.',
          action: h('button', { type: 'button', class: 'btn', onclick: () => render() }, 'Try again'),
        })));
    }
  }

  if (!initial && seq === renderSeq) {
    // Move focus to the new page's heading for keyboard and screen-reader users,
    // unless the page already focused something on purpose.
    const active = document.activeElement;
    if (!active || active === document.body || !main.contains(active)) {
      const h1 = view.querySelector('h1');
      if (h1) {
        if (!h1.hasAttribute('tabindex')) h1.setAttribute('tabindex', '-1');
        h1.focus({ preventScroll: true });
      }
    }
  }
}

// Intercept same-origin link clicks (except downloads, new tabs, the API).
document.addEventListener('click', (ev) => {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const a = ev.target.closest && ev.target.closest('a[href]');
  if (!a || a.hasAttribute('download') || (a.target && a.target !== '_self') || a.dataset.external !== undefined) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname === '/healthz' || url.pathname === '/metrics' || url.pathname.startsWith('/assets/')) return;
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return; // in-page anchor
  ev.preventDefault();
  if (url.pathname + url.search === location.pathname + location.search) {
    render();
    return;
  }
  navigate(url.pathname + url.search + url.hash);
});

window.addEventListener('popstate', () => render());
window.addEventListener('parley:navigate', () => render());

// The session ended (cookie expired, signed out in another tab…).
window.addEventListener('parley:unauthenticated', () => {
  if (!session.me) return;
  endSession();
  const { route } = matchRoute(location.pathname.replace(/\/+$/, '') || '/');
  if (route && route.auth) {
    toast({ message: 'Your session has ended. Please sign in again.', tone: 'info' });
    navigate(`/signin?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
  }
});

async function signOut(button) {
  button.disabled = true;
  try {
    // Leave any meeting first (the meeting page's cleanup leaves the room).
    teardown();
    await api.postEmpty('/auth/logout', { quiet: true });
  } catch (err) {
    if (err.status !== 401) {
      button.disabled = false;
      toastError(err);
      return;
    }
  }
  endSession();
  navigate('/signin', { replace: false });
}

// Live messages that matter on every page.
live.addEventListener('notification', (ev) => {
  const n = ev.detail;
  if (!n || !n.id) return;
  if (!n.readAt) setUnread(getUnread() + 1);
  if (n.kind === 'call') {
    showIncomingCall(n);
    return;
  }
  toastForNotification(n);
});
live.addEventListener('call', (ev) => handleCallUpdate(ev.detail));

function toastForNotification(n) {
  const d = n.data || {};
  // The meeting page already shows this call's answer in its banner.
  if ((n.kind === 'call_declined' || n.kind === 'call_accepted') && d.callId && d.callId === ui.outgoingCallId) return;
  const actions = [];
  let timeout = 7000;
  switch (n.kind) {
    case 'reminder':
    case 'meeting_invitation':
      if (d.joinUrl) actions.push({ label: 'Join', href: appPath(d.joinUrl), primary: true });
      if (n.kind === 'meeting_invitation' && d.meetingId) actions.push({ label: 'Details', href: `/meetings/${encodeURIComponent(d.meetingId)}` });
      timeout = 20000;
      break;
    case 'friend_request':
      actions.push({ label: 'View', href: '/friends' });
      timeout = 10000;
      break;
    case 'meeting_updated':
      if (d.meetingId) actions.push({ label: 'Details', href: `/meetings/${encodeURIComponent(d.meetingId)}` });
      break;
    default:
      break;
  }
  toast({ message: notificationMessage(n), iconName: notificationIcon(n.kind), actions, timeout });
}

// "Reconnecting…" hint when the live connection drops for a while.
let offlineTimer = null;
const connBanner = h('div', { class: 'conn-banner', role: 'status', hidden: true }, icon('info', 16), 'Reconnecting to Parley…');
document.body.append(connBanner);
live.addEventListener('status', (ev) => {
  clearTimeout(offlineTimer);
  if (ev.detail === 'open' || ev.detail === 'closed') {
    connBanner.hidden = true;
  } else {
    offlineTimer = setTimeout(() => { if (live.status === 'connecting') connBanner.hidden = false; }, 5000);
  }
});
live.addEventListener('hello', (ev) => {
  // Keep the display name fresh (it may have been changed in another tab).
  const u = ev.detail;
  if (u && session.me && u.id === session.me.id && u.displayName !== session.me.displayName) {
    setMe({ ...session.me, ...u });
  }
});

async function boot() {
  main.replaceChildren(spinner('Loading Parley…'));
  try {
    const me = await api.get('/me', { quiet: true });
    session.me = me;
  } catch {
    session.me = null;
  }
  topbar = mountTopbar(header, { onSignOut: signOut });
  if (session.me) startSession(session.me);
  await render({ initial: true });
}

boot();
