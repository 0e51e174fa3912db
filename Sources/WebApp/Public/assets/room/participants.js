// The meeting room's participants panel: everyone with their role, microphone
// and hand; for hosts and co-hosts per-person "Mute <name>", "Remove <name>",
// "Make co-host" (host only), the lobby ("Admit <name>" / "Deny <name>") and
// the room-level "Lock meeting" / "Unlock meeting" and "End meeting for all".

import { h, icon, avatar, nextId } from '../dom.js';

export const ROLE_LABELS = { host: 'Host', cohost: 'Co-host', participant: 'Participant', guest: 'Guest', phone: 'Phone' };

export const isModerator = (role) => role === 'host' || role === 'cohost';

export class ParticipantsPanel {
  /**
   * actions: {mute(id), remove(id, name), cohost(id, on), admit(id, admit),
   *           lock(locked), end(), callPhone(target)}
   */
  constructor({ actions, onClose }) {
    this.actions = actions;
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

  /** view: {participants: Map, selfId, role, locked, lobby: [{participantId, displayName}]} */
  render({ participants, selfId, role, locked, lobby }) {
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

    // Room-level host controls
    this.dialForm.hidden = !mod;
    this.hostBox.replaceChildren();
    if (mod) {
      const lock = h('button', { type: 'button', class: 'btn btn-sm', dataset: { focusKey: 'lock' } }, icon('lock', 16), locked ? 'Unlock meeting' : 'Lock meeting');
      lock.addEventListener('click', () => this.actions.lock(!locked));
      const end = h('button', { type: 'button', class: 'btn btn-sm btn-danger', dataset: { focusKey: 'end' } }, 'End meeting for all');
      end.addEventListener('click', () => this.actions.end());
      this.hostBox.append(
        h('h3', { class: 'subhead' }, 'Meeting'),
        h('p', { class: 'muted small' }, locked ? 'The meeting is locked: nobody new can join.' : 'Anyone with the link can join.'),
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
    if (mod && !self && p.role !== 'host') {
      const nameId = nextId('person-name');
      if (!p.audioMuted) {
        const mute = h('button', { type: 'button', class: 'btn btn-sm', dataset: { focusKey: `mute:${p.id}` } }, icon('micOff', 14), `Mute ${name}`);
        mute.addEventListener('click', () => this.actions.mute(p.id));
        actions.push(mute);
      }
      if (role === 'host' && p.role !== 'phone') {
        const on = p.role !== 'cohost';
        const co = h('button', { type: 'button', class: 'btn btn-sm', 'aria-describedby': nameId, dataset: { focusKey: `cohost:${p.id}` } }, on ? 'Make co-host' : 'Remove co-host');
        co.addEventListener('click', () => this.actions.cohost(p.id, on));
        actions.push(co);
      }
      const remove = h('button', { type: 'button', class: 'btn btn-sm btn-danger-ghost', dataset: { focusKey: `remove:${p.id}` } }, `Remove ${name}`);
      remove.addEventListener('click', () => this.actions.remove(p.id, name));
      actions.push(remove);
      return this.li(p, name, self, roleLabel, status, actions, nameId);
    }
    return this.li(p, name, self, roleLabel, status, actions, null);
  }

  li(p, name, self, roleLabel, status, actions, nameId) {
    return h('li', { class: 'person', dataset: { participantId: p.id } },
      avatar({ id: p.userId || p.id, displayName: name }, 'sm'),
      h('div', { class: 'person-text' },
        h('span', { class: 'person-name', id: nameId }, name),
        h('span', { class: 'muted small person-role' }, [self ? 'You' : null, roleLabel || null, p.reconnecting ? 'Reconnecting…' : null].filter(Boolean).join(' · '))),
      status,
      actions.length ? h('div', { class: 'person-actions' }, actions) : null);
  }
}
