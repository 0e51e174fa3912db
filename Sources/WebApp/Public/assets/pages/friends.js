// /friends — search people, friend requests, friends with live presence, blocks.

import { api, seg, isAbort } from '../api.js';
import { h, icon, spinner, emptyState, withBusy, avatar } from '../dom.js';
import { field } from '../components/forms.js';
import { navigate } from '../router.js';
import { toastOk, toastError } from '../components/toast.js';
import { live } from '../live.js';

const PRESENCE_TEXT = { online: 'Online', in_meeting: 'In a meeting', offline: 'Offline' };
const PRESENCE_ORDER = { in_meeting: 0, online: 1, offline: 2 };

export default async function friendsPage(root, ctx) {
  ctx.setTitle('Friends');

  const state = { friends: [], incoming: [], outgoing: [], blocked: [] };
  const presence = new Map(); // userId -> presence (live updates)

  // --- Search -------------------------------------------------------------
  const search = field({
    label: 'Search people',
    control: { type: 'search', name: 'q', placeholder: 'Name or username', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', maxlength: '64' },
  });
  search.wrap.classList.add('search-field');
  search.input.before(h('span', { class: 'search-icon' }, icon('search', 18)));
  const results = h('div', { class: 'search-results', 'aria-live': 'polite' });
  let searchTimer = null;
  let searchController = null;
  search.input.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => runSearch(), 250);
  });
  search.input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') { ev.preventDefault(); clearTimeout(searchTimer); runSearch(); }
  });
  ctx.onCleanup(() => { clearTimeout(searchTimer); if (searchController) searchController.abort(); });

  async function runSearch({ quiet = false } = {}) {
    const q = search.input.value.trim();
    if (searchController) searchController.abort();
    if (!q) { results.replaceChildren(); return; }
    searchController = new AbortController();
    const signal = searchController.signal;
    if (!quiet) results.replaceChildren(spinner('Searching…'));
    try {
      const res = await api.get(`/users?q=${encodeURIComponent(q.slice(0, 64))}`, { signal });
      const users = res.users || [];
      if (!users.length) {
        results.replaceChildren(h('p', { class: 'muted small search-empty' }, `No one found for “${q}”.`));
        return;
      }
      results.replaceChildren(h('ul', { class: 'people-list', role: 'list', 'aria-label': 'Search results' }, users.map(searchRow)));
    } catch (err) {
      if (isAbort(err)) return;
      results.replaceChildren(h('p', { class: 'alert alert-error', role: 'alert' }, err.message));
    }
  }

  function searchRow(u) {
    const action = h('div', { class: 'person-actions' });
    const setRelationship = (rel) => {
      action.replaceChildren();
      if (rel === 'friend') {
        action.append(h('span', { class: 'pill pill-ok' }, icon('check', 14), 'Friends'));
      } else if (rel === 'outgoing_request') {
        action.append(h('button', { type: 'button', class: 'btn btn-sm', disabled: true }, 'Requested'));
      } else if (rel === 'incoming_request') {
        const accept = h('button', { type: 'button', class: 'btn btn-sm btn-primary' }, 'Accept');
        accept.addEventListener('click', () => withBusy(accept, async () => {
          try {
            await api.post('/friend-requests', { userId: u.id });
            setRelationship('friend');
            toastOk(`You and ${u.displayName} are now friends.`);
            loadAll();
          } catch (err) { toastError(err); }
        }));
        action.append(accept);
      } else {
        const add = h('button', { type: 'button', class: 'btn btn-sm btn-primary' }, icon('userPlus', 16), 'Add friend');
        add.addEventListener('click', () => withBusy(add, async () => {
          try {
            const fr = await api.post('/friend-requests', { userId: u.id });
            if (fr && fr.status === 'accepted') {
              setRelationship('friend');
              toastOk(`You and ${u.displayName} are now friends.`);
            } else {
              setRelationship('outgoing_request');
            }
            loadAll();
          } catch (err) { toastError(err); }
        }));
        action.append(add);
      }
    };
    setRelationship(u.relationship);
    return personRow(u, null, action);
  }

  // --- Lists --------------------------------------------------------------
  const requestsSection = h('section', { class: 'card', 'aria-labelledby': 'req-title' });
  const friendsSection = h('section', { class: 'card', 'aria-labelledby': 'friends-title' });
  const blockedSection = h('section', { class: 'card', 'aria-labelledby': 'blocked-title' });
  friendsSection.append(h('h2', { id: 'friends-title' }, 'Your friends'), spinner('Loading friends…'));

  root.append(h('div', { class: 'container narrow-wide' },
    h('h1', { class: 'page-title' }, 'Friends'),
    h('p', { class: 'muted' }, 'Find people, see who is around, and call them straight into a meeting.'),
    h('section', { class: 'card', 'aria-label': 'Find people' }, search.wrap, results),
    requestsSection,
    friendsSection,
    blockedSection));

  async function loadAll() {
    try {
      const [f, r, b] = await Promise.all([
        api.get('/friends', { signal: ctx.signal }),
        api.get('/friend-requests', { signal: ctx.signal }),
        api.get('/blocks', { signal: ctx.signal }),
      ]);
      state.friends = f.friends || [];
      state.incoming = r.incoming || [];
      state.outgoing = r.outgoing || [];
      state.blocked = b.users || [];
      for (const fr of state.friends) presence.set(fr.user.id, fr.presence);
      renderRequests();
      renderFriends();
      renderBlocked();
      // Relationships in visible search results may have changed.
      if (search.input.value.trim() && results.querySelector('.person')) runSearch({ quiet: true });
    } catch (err) {
      if (isAbort(err)) return;
      friendsSection.replaceChildren(h('h2', { id: 'friends-title' }, 'Your friends'),
        emptyState({ iconName: 'alert', title: 'Your friends could not be loaded.', body: err.message, action: h('button', { type: 'button', class: 'btn btn-sm', onclick: loadAll }, 'Try again') }));
    }
  }

  function renderRequests() {
    const { incoming, outgoing } = state;
    requestsSection.hidden = !incoming.length && !outgoing.length;
    requestsSection.replaceChildren(h('h2', { id: 'req-title' }, 'Friend requests'));
    if (incoming.length) {
      requestsSection.append(h('h3', { class: 'subhead' }, `Received (${incoming.length})`),
        h('ul', { class: 'people-list', role: 'list' }, incoming.map((fr) => {
          const accept = h('button', { type: 'button', class: 'btn btn-sm btn-primary' }, icon('check', 16), 'Accept');
          const decline = h('button', { type: 'button', class: 'btn btn-sm' }, 'Decline');
          accept.addEventListener('click', () => withBusy(accept, async () => {
            try {
              await api.postEmpty(`/friend-requests/${seg(fr.id)}/accept`);
              toastOk(`You and ${fr.from.displayName} are now friends.`);
              loadAll();
            } catch (err) { toastError(err); loadAll(); }
          }));
          decline.addEventListener('click', () => withBusy(decline, async () => {
            try {
              await api.postEmpty(`/friend-requests/${seg(fr.id)}/decline`);
              loadAll();
            } catch (err) { toastError(err); loadAll(); }
          }));
          return personRow(fr.from, 'wants to be your friend', h('div', { class: 'person-actions' }, accept, decline));
        })));
    }
    if (outgoing.length) {
      requestsSection.append(h('h3', { class: 'subhead' }, `Sent (${outgoing.length})`),
        h('ul', { class: 'people-list', role: 'list' }, outgoing.map((fr) => {
          const cancel = h('button', { type: 'button', class: 'btn btn-sm' }, 'Cancel request');
          cancel.addEventListener('click', () => withBusy(cancel, async () => {
            try {
              await api.del(`/friend-requests/${seg(fr.id)}`);
              loadAll();
            } catch (err) { toastError(err); loadAll(); }
          }));
          return personRow(fr.to, 'Waiting for an answer', h('div', { class: 'person-actions' }, cancel));
        })));
    }
  }

  function renderFriends() {
    const list = [...state.friends].sort((a, b) => {
      const pa = PRESENCE_ORDER[presence.get(a.user.id) || 'offline'] ?? 2;
      const pb = PRESENCE_ORDER[presence.get(b.user.id) || 'offline'] ?? 2;
      return pa - pb || a.user.displayName.localeCompare(b.user.displayName);
    });
    friendsSection.replaceChildren(h('h2', { id: 'friends-title' }, `Your friends${list.length ? ` (${list.length})` : ''}`));
    if (!list.length) {
      friendsSection.append(emptyState({
        iconName: 'users',
        title: 'No friends yet',
        body: 'Search for people above and send them a friend request. Friends can see when you are online and call you.',
      }));
      return;
    }
    friendsSection.append(h('ul', { class: 'people-list', role: 'list' }, list.map(friendRow)));
  }

  function presenceBadge(userId) {
    const p = presence.get(userId) || 'offline';
    return h('span', { class: `presence presence-${p}`, dataset: { presenceFor: userId } },
      h('span', { class: 'presence-dot', 'aria-hidden': 'true' }),
      h('span', { class: 'presence-text' }, PRESENCE_TEXT[p] || 'Offline'));
  }

  function friendRow(f) {
    const u = f.user;
    const call = h('button', { type: 'button', class: 'btn btn-sm btn-primary' }, icon('phone', 16), 'Call');
    call.addEventListener('click', () => withBusy(call, async () => {
      try {
        const c = await api.post('/calls', { userId: u.id });
        navigate(`/m/${encodeURIComponent(c.meeting.code)}`, { state: { call: c } });
      } catch (err) { toastError(err); }
    }));
    const invite = h('a', { class: 'btn btn-sm', href: `/schedule?invite=${encodeURIComponent(u.id)}` }, icon('calendar', 16), 'Invite to meeting');
    const remove = h('button', { type: 'button', class: 'btn btn-sm btn-ghost' }, 'Remove');
    remove.addEventListener('click', () => {
      if (!window.confirm(`Remove ${u.displayName} from your friends?`)) return;
      withBusy(remove, async () => {
        try {
          await api.del(`/friends/${seg(u.id)}`);
          toastOk(`${u.displayName} was removed from your friends.`);
          loadAll();
        } catch (err) { toastError(err); }
      });
    });
    const block = h('button', { type: 'button', class: 'btn btn-sm btn-danger-ghost' }, 'Block');
    block.addEventListener('click', () => {
      if (!window.confirm(`Block ${u.displayName}? You will no longer be friends, and they will not be able to find you, call you or send you requests.`)) return;
      withBusy(block, async () => {
        try {
          await api.post('/blocks', { userId: u.id });
          toastOk(`${u.displayName} is blocked.`);
          loadAll();
        } catch (err) { toastError(err); }
      });
    });
    const row = personRow(u, presenceBadge(u.id), h('div', { class: 'person-actions' }, call, invite, remove, block));
    row.dataset.userId = u.id;
    return row;
  }

  function renderBlocked() {
    blockedSection.replaceChildren(h('h2', { id: 'blocked-title' }, 'Blocked people'));
    if (!state.blocked.length) {
      blockedSection.append(h('p', { class: 'muted small' }, 'You have not blocked anyone. Blocked people cannot find you, call you or send you requests.'));
      return;
    }
    blockedSection.append(h('ul', { class: 'people-list', role: 'list' }, state.blocked.map((u) => {
      const unblock = h('button', { type: 'button', class: 'btn btn-sm' }, 'Unblock');
      unblock.addEventListener('click', () => withBusy(unblock, async () => {
        try {
          await api.del(`/blocks/${seg(u.id)}`);
          toastOk(`${u.displayName} is unblocked.`);
          loadAll();
        } catch (err) { toastError(err); }
      }));
      return personRow(u, null, h('div', { class: 'person-actions' }, unblock));
    })));
  }

  // --- Live updates -------------------------------------------------------
  const onPresence = (ev) => {
    const { userId, presence: p } = ev.detail;
    presence.set(userId, p);
    for (const el of friendsSection.querySelectorAll('[data-presence-for]')) {
      if (el.dataset.presenceFor === userId) el.replaceWith(presenceBadge(userId));
    }
  };
  const onNotification = (ev) => {
    const kind = ev.detail && ev.detail.kind;
    if (kind === 'friend_request' || kind === 'friend_accepted') loadAll();
  };
  const onStatus = (ev) => { if (ev.detail === 'open') loadAll(); }; // resync after a reconnect
  live.addEventListener('presence', onPresence);
  live.addEventListener('notification', onNotification);
  live.addEventListener('status', onStatus);
  ctx.onCleanup(() => {
    live.removeEventListener('presence', onPresence);
    live.removeEventListener('notification', onNotification);
    live.removeEventListener('status', onStatus);
  });

  await loadAll();
}

function personRow(u, sub, actions) {
  return h('li', { class: 'person' },
    avatar(u, 'md'),
    h('span', { class: 'person-text' },
      h('span', { class: 'person-name' }, u.displayName),
      h('span', { class: 'person-sub' }, h('span', { class: 'muted small' }, `@${u.username}`), sub ? (typeof sub === 'string' ? h('span', { class: 'muted small' }, ` · ${sub}`) : sub) : null)),
    actions);
}
