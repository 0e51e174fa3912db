// Room, continued: the features around the call itself — reactions, the
// layout menu (grid or speaker view, self view), device settings, keyboard
// shortcuts, the host's leave choice (end for all or hand over), what the
// participants panel's host actions do (phone calls, transfers and moves too),
// the lobby switch, lobby updates and toasts that go once they are answered, and the "your meeting
// is ready" card of an empty room. Mixed into Room.prototype by room.js
// (like room-media.js), so room.js keeps only small hooks.

import { api, seg } from '../api.js';
import { h, icon, copyText } from '../dom.js';
import { toast, toastOk } from '../components/toast.js';
import { openDialog } from '../components/dialog.js';
import { closeMenus } from '../components/menu.js';
import { dialInDetails } from '../components/dial-in.js';
import { devicePrefs } from '../components/media.js';
import { openDeviceSettings } from './devices.js';
import { installShortcuts, openShortcutSheet } from './shortcuts.js';
import { reactionName } from './reactions.js';
import { isModerator } from './participants.js';

const TRANSFER_TIMEOUT_MS = 8000;

export const roomUxMethods = {
  /** After buildRoom: shortcuts, the saved speaker, the ready card. */
  installUx() {
    this.lobbyToasts = new Map();
    this.offShortcuts = installShortcuts({
      mic: () => this.toggleMic(),
      video: () => this.toggleVideo(),
      hand: () => this.toggleHand(),
      chat: () => this.setPanel(this.panel === 'chat' ? null : 'chat', { focus: true }),
      participants: () => this.setPanel(this.panel === 'participants' ? null : 'participants', { focus: true }),
      leave: () => this.requestLeave(),
    });
    const { speaker } = devicePrefs();
    if (speaker) this.grid.setSpeaker(speaker);
  },

  /** In teardown: stop listening, close what floats above the room. */
  uninstallUx() {
    if (this.offShortcuts) this.offShortcuts();
    this.offShortcuts = null;
    closeMenus();
    if (this.dialog) this.dialog.close();
    if (this.lobbyToasts) for (const dismiss of this.lobbyToasts.values()) dismiss();
    if (this.lobbyToasts) this.lobbyToasts.clear();
  },

  // --- More options (layout, devices, shortcuts) -------------------------------

  moreMenuItems() {
    const grid = this.grid;
    if (!grid) return [];
    return [
      { role: 'menuitemradio', label: 'Grid view', checked: grid.view === 'grid', icon: icon('grid', 16), onSelect: () => grid.setView('grid') },
      { role: 'menuitemradio', label: 'Speaker view', checked: grid.view === 'speaker', icon: icon('user', 16), onSelect: () => grid.setView('speaker') },
      grid.pinned ? { label: 'Unpin', icon: icon('pin', 16), onSelect: () => grid.pin(null) } : null,
      { role: 'menuitemcheckbox', label: 'Show self view', checked: !grid.hideSelf, icon: icon('video', 16), onSelect: () => grid.setHideSelf(!grid.hideSelf) },
      { label: 'Meeting info', icon: icon('info', 16), onSelect: () => this.openMeetingInfo() },
      { label: 'Audio and video settings', icon: icon('settings', 16), onSelect: () => this.openDevices() },
      { label: 'Keyboard shortcuts', hint: '?', icon: icon('keyboard', 16), onSelect: () => openShortcutSheet() },
    ];
  },

  /** The link and the ways to call in, as on the meeting page. */
  openMeetingInfo() {
    if (this.ended) return;
    const url = `${location.origin}/m/${this.code}`;
    this.dialog = openDialog({
      title: 'Meeting info',
      className: 'meeting-info-dialog',
      content: () => {
        const link = h('input', { type: 'text', readonly: true, value: url, class: 'mono', id: 'meeting-info-link' });
        const copy = h('button', { type: 'button', class: 'btn btn-sm' }, icon('copy', 16), 'Copy link');
        copy.addEventListener('click', async () => {
          if (await copyText(url)) toastOk('Link copied.');
          else { link.select(); toast({ message: 'Press Ctrl+C to copy the selected link.' }); }
        });
        const phone = h('div', null, h('p', { class: 'small muted' }, 'Looking up how to call in…'));
        api.get(`/join/${seg(this.code)}`, { quiet: true }).then((m) => {
          phone.replaceChildren(dialInDetails(m && m.dialIn) || h('p', { class: 'small muted' }, 'Joining by phone is not set up on this server.'));
        }).catch(() => phone.replaceChildren());
        return h('div', null,
          h('div', { class: 'copy-row' }, h('label', { for: link.id, class: 'sr-only' }, 'Join link'), link, copy),
          phone);
      },
    });
  },

  openDevices() {
    if (!this.grid || this.ended) return;
    this.dialog = openDeviceSettings({ media: this.media, grid: this.grid });
  },

  // --- Reactions ----------------------------------------------------------------

  sendReaction(emoji) {
    this.send('reaction.send', { emoji });
  },

  onReaction(m) {
    const name = reactionName(m.emoji);
    if (!name || !m.participantId || !this.grid || this.state !== 'joined') return;
    const p = this.participants.get(m.participantId);
    const who = m.participantId === this.participantId ? 'You' : (p && p.displayName) || 'Someone';
    this.grid.showReaction(m.participantId, m.emoji, `${who}: ${name}`);
    if (m.participantId !== this.participantId) this.announce(`${who} reacted: ${name}`);
  },

  // --- Leaving as host ------------------------------------------------------------

  /** "Leave": a host with others in the room chooses to end it for all or hand it over. */
  requestLeave() {
    if (this.state !== 'joined') { this.leave(); return; }
    const others = [...this.participants.values()].filter((p) => p.id !== this.participantId);
    if (this.role !== 'host' || !others.length) { this.leave(); return; }
    const heirs = others.filter((p) => p.userId && p.role !== 'guest' && p.role !== 'phone');
    this.dialog = openDialog({
      title: 'Leave the meeting?',
      description: heirs.length
        ? 'You are the host. End the meeting for everyone, or make someone else the host and leave.'
        : 'You are the host. End the meeting for everyone, or leave it running.',
      className: 'leave-dialog',
      onClose: () => { this.dialog = null; },
      content: (close) => {
        const end = h('button', { type: 'button', class: 'btn btn-danger' }, 'End meeting for all');
        end.addEventListener('click', () => { close(); this.send('host.end', {}); });
        let handOver;
        if (heirs.length) {
          const sel = h('select', { id: 'leave-heir', name: 'heir' },
            heirs.map((p) => h('option', { value: p.id }, p.displayName || 'Someone')));
          const go = h('button', { type: 'button', class: 'btn btn-primary' }, 'Make host and leave');
          go.addEventListener('click', () => {
            const target = this.participants.get(sel.value);
            if (!target) return;
            go.disabled = true;
            this.transferAndLeave(target.id, target.displayName || 'Someone', close);
          });
          handOver = h('div', { class: 'stack leave-handover' },
            h('div', { class: 'field' }, h('label', { for: 'leave-heir' }, 'New host'), sel),
            h('div', { class: 'row' }, go));
        } else {
          const leave = h('button', { type: 'button', class: 'btn' }, 'Leave without ending');
          leave.addEventListener('click', () => { close(); this.leave(); });
          handOver = h('div', { class: 'stack leave-handover' },
            h('p', { class: 'small muted' }, 'Nobody here is signed in, so nobody can take over as host. Co-hosts keep their controls.'),
            h('div', { class: 'row' }, leave));
        }
        const cancel = h('button', { type: 'button', class: 'btn btn-ghost' }, 'Cancel');
        cancel.addEventListener('click', close);
        return h('div', { class: 'stack' }, handOver, h('div', { class: 'row wrap' }, end, cancel));
      },
    });
  },

  /** Hand the host role over, and leave once Parley confirms it (or say why not). */
  transferAndLeave(targetId, name, closeDialog) {
    const s = this.session;
    if (!s || !this.send('host.transfer', { participantId: targetId })) return;
    let offs = [];
    const done = () => { clearTimeout(timer); for (const off of offs) off(); offs = []; };
    const timer = setTimeout(() => {
      done();
      closeDialog();
      toast({ message: `${name} could not be made host. Try again, or end the meeting for all.`, tone: 'error' });
    }, TRANSFER_TIMEOUT_MS);
    offs = [
      s.on('participant.updated', (m) => {
        if (!m.participant || m.participant.id !== targetId || m.participant.role !== 'host') return;
        done();
        closeDialog();
        this.leave();
      }),
      s.on('error', (m) => {
        if (m.requestType !== 'host.transfer') return;
        done();
        closeDialog();
      }),
    ];
  },

  /** What the participants panel's buttons and menus do (hosts and co-hosts). */
  peopleActions() {
    return {
      mute: (id) => this.send('host.mute', { participantId: id }),
      remove: (id, name) => {
        if (window.confirm(`Remove ${name} from the meeting?`)) this.send('host.remove', { participantId: id });
      },
      cohost: (id, cohost) => this.send('host.cohost', { participantId: id, cohost }),
      transfer: (id, name) => this.transferHost(id, name),
      admit: (id, admit) => this.admit(id, admit),
      lock: (locked) => this.send('host.lock', { locked }),
      lobby: (enabled) => this.setLobbyEnabled(enabled),
      callPhone: (target) => {
        this.send('phone.call', { target });
        toast({ message: `Calling ${target}…` });
      },
      transferCall: (id, name) => {
        const target = (window.prompt(`Transfer ${name} to which phone number or SIP address?`) || '').trim();
        if (target) this.send('phone.transfer', { participantId: id, target });
      },
      moveCall: (id, name) => {
        const target = (window.prompt(`Move ${name} to which meeting? Paste its link or code.`) || '').trim();
        if (target) this.send('phone.move', { participantId: id, target });
      },
      end: () => {
        if (window.confirm('End the meeting for everyone?')) this.send('host.end', {});
      },
    };
  },

  /** From the participants menu: make someone the host and stay (as a co-host). */
  transferHost(id, name) {
    if (!window.confirm(`Make ${name} the host? You will become a co-host.`)) return;
    if (this.send('host.transfer', { participantId: id })) toastOk(`${name} is now the host.`);
  },

  // --- Lobby --------------------------------------------------------------------------

  setLobbyEnabled(enabled) {
    this.send('host.lobby', { enabled });
  },

  /** Who waits now: the panel's list, and a toast for each newcomer (moderators). */
  onLobbyUpdated(m) {
    const waiting = Array.isArray(m.waiting) ? m.waiting.filter((w) => w && w.participantId) : [];
    const before = new Set(this.lobby.map((w) => w.participantId));
    this.lobby = waiting;
    this.syncLobbyToasts(waiting);
    if (this.state !== 'joined') return;
    this.renderPeople();
    if (!isModerator(this.role)) return;
    for (const w of waiting) {
      if (before.has(w.participantId)) continue;
      const name = w.displayName || 'Someone';
      this.trackLobbyToast(w.participantId, toast({
        message: `${name} is waiting in the lobby.`,
        iconName: 'users',
        timeout: 15000,
        actions: [
          // "Admit" alone: the panel's "Admit <name>" stays the one button of that name.
          { label: 'Admit', primary: true, onClick: () => this.admit(w.participantId, true) },
          { label: 'Show lobby', onClick: () => this.setPanel('participants', { focus: true }) },
        ],
      }));
    }
  },

  admit(participantId, admit) {
    if (!this.send('host.admit', { participantId, admit })) return;
    this.lobby = this.lobby.filter((w) => w.participantId !== participantId);
    this.syncLobbyToasts(this.lobby);
    this.renderPeople();
  },

  /** Remember the "is waiting in the lobby" toast of a waiting person. */
  trackLobbyToast(participantId, dismiss) {
    if (!this.lobbyToasts) this.lobbyToasts = new Map();
    const before = this.lobbyToasts.get(participantId);
    if (before) before();
    this.lobbyToasts.set(participantId, dismiss);
  },

  /** Toasts of people no longer waiting (admitted, denied, gone) go away. */
  syncLobbyToasts(waiting) {
    if (!this.lobbyToasts) return;
    const still = new Set((waiting || []).map((w) => w.participantId));
    for (const [id, dismiss] of this.lobbyToasts) {
      if (still.has(id)) continue;
      dismiss();
      this.lobbyToasts.delete(id);
    }
  },

  // --- "Your meeting is ready" ------------------------------------------------------

  /** Shown while you are alone in the room: the invite link and how to dial in. */
  updateReadyCard() {
    if (!this.grid || this.state !== 'joined') return;
    const alone = [...this.participants.keys()].every((id) => id === this.participantId);
    if (!alone || this.readyDismissed) {
      if (this.readyCard) this.readyCard.hidden = true;
      return;
    }
    if (!this.readyCard) this.readyCard = this.buildReadyCard();
    this.readyCard.hidden = false;
  },

  buildReadyCard() {
    const url = `${location.origin}/m/${encodeURIComponent(this.code)}`;
    const link = h('input', { type: 'text', readOnly: true, value: url, class: 'mono', id: 'ready-link' });
    link.addEventListener('focus', () => link.select());
    const copy = h('button', { type: 'button', class: 'btn btn-sm btn-primary' }, icon('copy', 16), 'Copy link');
    copy.addEventListener('click', async () => {
      if (await copyText(url)) toastOk('Invite link copied.');
      else { link.select(); toast({ message: 'Press Ctrl+C to copy the selected link.' }); }
    });
    const phone = h('div', { class: 'small ready-phone', hidden: true });
    const close = h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Close' }, icon('x', 16));
    close.addEventListener('click', () => {
      this.readyDismissed = true;
      card.hidden = true;
      if (this.controls) this.controls.buttons.more.focus();
    });
    const titleId = 'ready-title';
    const card = h('section', { class: 'ready-card', 'aria-labelledby': titleId },
      h('div', { class: 'ready-head' }, h('h2', { id: titleId }, 'Your meeting is ready'), close),
      h('p', { class: 'small' }, 'Share this link with the people you want to meet:'),
      h('div', { class: 'copy-row' }, h('label', { for: link.id, class: 'sr-only' }, 'Invite link'), link, copy),
      phone);
    // Dial-in: the link's join info carries the dial-in code (anyone with the link may read it).
    if (this.code) {
      api.get(`/join/${seg(this.code)}`, { quiet: true }).then((m) => {
        const details = m && dialInDetails(m.dialIn);
        if (!details || !card.isConnected) return;
        phone.replaceChildren(details);
        phone.hidden = false;
      }).catch(() => {});
    }
    const stage = this.grid.el.parentNode;
    if (stage) stage.append(card);
    return card;
  },
};
