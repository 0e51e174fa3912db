// The meeting room's participants panel: everyone with their role, microphone
// and hand; for hosts and co-hosts one menu per person ("More actions for
// <name>": Mute, Make co-host / Remove co-host and Make host (host only),
// Transfer call… and Move to another meeting… (phone callers),
// Remove from meeting), so twenty people fit; the lobby ("Admit <name>" /
// "Deny <name>"), and the room-level lobby switch, "Lock meeting" /
// "Unlock meeting" and "End meeting for all".

import { h, icon, avatar, nextId } from '../dom.js';
import { attachMenu } from '../components/menu.js';

export const ROLE_LABELS = { host: 'Host', cohost: 'Co-host', participant: 'Participant', guest: 'Guest', phone: 'Phone' };

export const isModerator = (role) => role === 'host' || role === 'cohost';

export class ParticipantsPanel {
  /**
   * actions: {mute(id), remove(id, name), cohost(id, on), transfer(id, name),
   *           admit(id, admit), lock(locked), lobby(enabled), end(), callPhone(target),
   *           transferCall(id, name), moveCall(id, name)}
   */
  constructor({ actions, onClose }) {
    this.actions = actions;
    /** participantId → {button, person}: one menu button per person, kept across renders. */
    this.menus = new Map();
    const headingId = nextId('people-title');
    this.heading = h('h2', { id: headingId, tabindex: '-1' }, 'Participants');
    const close = h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Close participants' }, icon('x', 18));
    close.addEventListener('click', () => onClose());
    this.lobbyBox = h('div', { class: 'people-lobby' });
    this.list = h('ul', { class: 'people-list room-people', 'aria-labelledby': headingId });
    this.hostBox = h('div', { class: 'people-host' });
    // "Call a phone" lives outside hostBox, which is rebuilt on every update
    // (a half-typed number must survive people joining).
    const dialHeadingId = nextId('dial-title');
    this.dialInput = h('input', { type: 'text', id: nextId('dial-target'), autocomplete: 'off', inputmode: 'tel',
      placeholder: '+1 555 123 4567 or sip:alice@example.org' });
    const dialLabel = h('label', { for: this.dialInput.id }, 'Phone number or SIP address');
    const dialButton = h('button', { type: 'submit', class: 'btn btn-sm btn-primary' }, icon('phone', 16), 'Call');
    this.dialForm = h('form', { class: 'people-dial', 'aria-labelledby': dialHeadingId, hidden: true },
      h('h3', { class: 'subhead', id: dialHeadingId }, 'Call a phone'),
      h('div', { class: 'field' }, dialLabel, this.dialInput),
      h('div', { class: 'row' }, dialButton));
    this.dialForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const target = this.dialInput.value.trim();
      if (!target) { this.dialInput.focus(); return; }
      if (this.actions.callPhone) this.actions.callPhone(target);
      this.dialInput.value = '';
    });
    this.el = h('section', { class: 'room-panel-body people-panel', id: 'room-panel-participants', 'aria-labelledby': headingId, hidden: true },
      h('div', { class: 'panel-head' }, this.heading, close),
      h('div', { class: 'panel-scroll' }, this.lobbyBox, this.list, this.hostBox, this.dialForm));
  }

  focus() {
    this.heading.focus();
  }

  /** view: {participants: Map, selfId, role, locked, lobbyEnabled, lobby: [{participantId, displayName}]} */
  render({ participants, selfId, role, locked, lobbyEnabled = false, lobby }) {
    // Re-rendering replaces the buttons: put focus back on the same action.
    const active = document.activeElement;
    const focusKey = active && this.el.contains(active) ? active.dataset.focusKey : null;

    const mod = isModerator(role);
    const people = [...participants.values()];
    this.heading.textContent = `Participants (${people.length})`;

    // Lobby
    this.lobbyBox.replaceChildren();
    if (mod && lobby && lobby.length) {
      const lobbyHeadingId = nextId('lobby-title');
      this.lobbyBox.append(
        h('h3', { class: 'subhead', id: lobbyHeadingId }, `Waiting in lobby (${lobby.length})`),
        h('ul', { class: 'people-list', 'aria-labelledby': lobbyHeadingId }, lobby.map((w) => {
          const name = w.displayName || 'Someone';
          const admit = h('button', { type: 'button', class: 'btn btn-sm btn-primary', dataset: { focusKey: `admit:${w.participantId}` } }, `Admit ${name}`);
          const deny = h('button', { type: 'button', class: 'btn btn-sm', dataset: { focusKey: `deny:${w.participantId}` } }, `Deny ${name}`);
          admit.addEventListener('click', () => this.actions.admit(w.participantId, true));
          deny.addEventListener('click', () => this.actions.admit(w.participantId, false));
          return h('li', { class: 'person', dataset: { participantId: w.participantId } },
            avatar({ id: w.participantId, displayName: name }, 'sm'),
            h('div', { class: 'person-text' }, h('span', { class: 'person-name' }, name), h('span', { class: 'muted small' }, 'Waiting')),
            h('div', { class: 'person-actions' }, admit, deny));
        })));
    }

    // People: you first, then hosts, then the rest in join order.
    const rank = (p) => (p.id === selfId ? 0 : p.role === 'host' ? 1 : p.role === 'cohost' ? 2 : 3);
    people.sort((a, b) => rank(a) - rank(b));
    this.list.replaceChildren(...people.map((p) => this.row(p, { selfId, role, mod })));
    for (const id of [...this.menus.keys()]) if (!participants.has(id)) this.menus.delete(id);

    // Room-level host controls
    this.dialForm.hidden = !mod;
    this.hostBox.replaceChildren();
    if (mod) {
      const lock = h('button', { type: 'button', class: 'btn btn-sm', dataset: { focusKey: 'lock' } }, icon('lock', 16), locked ? 'Unlock meeting' : 'Lock meeting');
      lock.addEventListener('click', () => this.actions.lock(!locked));
      const end = h('button', { type: 'button', class: 'btn btn-sm btn-danger', dataset: { focusKey: 'end' } }, 'End meeting for all');
      end.addEventListener('click', () => this.actions.end());
      // The lobby switch: a checkbox styled as a switch (role="switch").
      const lobbyId = nextId('lobby-switch');
      const lobbySwitch = h('input', { type: 'checkbox', role: 'switch', id: lobbyId, class: 'switch', checked: !!lobbyEnabled, dataset: { focusKey: 'lobby' } });
      lobbySwitch.addEventListener('change', () => this.actions.lobby(lobbySwitch.checked));
      this.hostBox.append(
        h('h3', { class: 'subhead' }, 'Meeting'),
        h('p', { class: 'muted small' }, locked ? 'The meeting is locked: nobody new can join.'
          : lobbyEnabled ? 'Newcomers wait in the lobby until a host lets them in.' : 'Anyone with the link can join.'),
        h('div', { class: 'switch-row' }, lobbySwitch, h('label', { for: lobbyId }, 'Lobby: let people in one by one')),
        h('div', { class: 'row' }, lock, end));
    }

    if (focusKey) {
      const again = this.el.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`);
      if (again) again.focus();
      else this.heading.focus();
    }
  }

  row(p, { selfId, role, mod }) {
    const name = p.displayName || 'Someone';
    const self = p.id === selfId;
    const roleLabel = ROLE_LABELS[p.role] || '';
    const status = h('span', { class: 'person-status' },
      p.handRaised ? h('span', { class: 'status-icon is-hand', role: 'img', 'aria-label': 'Hand raised', title: 'Hand raised' }, icon('hand', 16)) : null,
      p.audioMuted
        ? h('span', { class: 'status-icon is-off', role: 'img', 'aria-label': 'Microphone off', title: 'Microphone off' }, icon('micOff', 16))
        : h('span', { class: 'status-icon', role: 'img', 'aria-label': 'Microphone on', title: 'Microphone on' }, icon('mic', 16)),
      p.videoMuted
        ? h('span', { class: 'status-icon is-off', role: 'img', 'aria-label': 'Camera off', title: 'Camera off' }, icon('videoOff', 16))
        : h('span', { class: 'status-icon', role: 'img', 'aria-label': 'Camera on', title: 'Camera on' }, icon('video', 16)));

    const actions = [];
    if (mod && !self && p.role !== 'host') actions.push(this.menuButton(p, name, role));
    return this.li(p, name, self, roleLabel, status, actions, null);
  }

  /** The person's "More actions for <name>" menu button (the same node across renders). */
  menuButton(p, name, role) {
    let entry = this.menus.get(p.id);
    if (!entry) {
      const button = h('button', { type: 'button', class: 'icon-btn person-menu', dataset: { focusKey: `menu:${p.id}` } }, icon('more', 18));
      entry = { button, person: p, name, role };
      attachMenu(button, {
        label: `Actions for ${name}`,
        items: () => this.menuItems(entry),
      });
      this.menus.set(p.id, entry);
    }
    Object.assign(entry, { person: p, name, role });
    entry.button.setAttribute('aria-label', `More actions for ${name}`);
    entry.button.title = `More actions for ${name}`;
    return entry.button;
  }

  menuItems({ person: p, name, role }) {
    const items = [];
    if (!p.audioMuted) items.push({ label: 'Mute', icon: icon('micOff', 16), onSelect: () => this.actions.mute(p.id) });
    if (role === 'host' && p.role !== 'phone') {
      const on = p.role !== 'cohost';
      items.push({ label: on ? 'Make co-host' : 'Remove co-host', icon: icon('user', 16), onSelect: () => this.actions.cohost(p.id, on) });
      if (p.userId && p.role !== 'guest') {
        items.push({ label: 'Make host', icon: icon('userPlus', 16), onSelect: () => this.actions.transfer(p.id, name) });
      }
    }
    if (p.role === 'phone' && this.actions.transferCall) {
      items.push({ label: 'Transfer call…', icon: icon('phone', 16), onSelect: () => this.actions.transferCall(p.id, name) });
      items.push({ label: 'Move to another meeting…', icon: icon('phone', 16), onSelect: () => this.actions.moveCall(p.id, name) });
    }
    items.push({ label: 'Remove from meeting', icon: icon('block', 16), danger: true, onSelect: () => this.actions.remove(p.id, name) });
    return items;
  }

  li(p, name, self, roleLabel, status, actions, nameId) {
    return h('li', { class: 'person', dataset: { participantId: p.id } },
      avatar({ id: p.userId || p.id, displayName: name }, 'sm'),
      h('div', { class: 'person-text' },
        h('span', { class: 'person-name', id: nameId }, name),
        h('span', { class: 'muted small person-role' }, [self ? 'You' : null, roleLabel || null, p.reconnecting ? 'Reconnecting…' : null].filter(Boolean).join(' · ')),
        // Hosts and co-hosts only (the server sends them to no one else): a caller's number, chosen SIP headers.
        p.attributes ? h('span', { class: 'muted small person-attributes' },
          Object.entries(p.attributes).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}: ${v}`).join(' · ')) : null),
      status,
      actions.length ? h('div', { class: 'person-actions' }, actions) : null);
  }
}
