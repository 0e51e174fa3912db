// The meeting room's view: the grid, the control bar, the side panels and the
// screens, and the room state people see (participants, you, your role, the
// lock, the lobby). The connection to Parley — signaling, both peer
// connections, reconnection and ICE restarts — is the DOM-free RoomSession
// (session.js); this file shows what it reports. Your own media actions live
// in room-media.js, and reactions, layout, devices, shortcuts, leaving as host
// and the ready card in room-ux.js, reconnecting in room-reconnection.js (all
// mixed into Room.prototype).
//
// Test hooks: window.parleyRoom is the Room (session, publishPC, subscribePC,
// participantId, participants, videoElementFor(), audioElementFor()); the
// root element carries data-state (joining | lobby | joined | reconnecting |
// left | removed | ended | denied | failed).

import { h, icon, copyText } from '../dom.js';
import { toast, toastOk } from '../components/toast.js';
import { RoomSession } from './session.js';
import { Grid } from './grid.js';
import { createControls } from './controls.js';
import { ChatPanel } from './chat.js';
import { ParticipantsPanel, isModerator, ROLE_LABELS } from './participants.js';
import { StatsMonitor, StatsPanel, qualities } from './stats.js';
import { ENDINGS, JOIN_FAILURES, joiningScreen, lobbyScreen, endScreen } from './screens.js';
import { localMediaMethods } from './room-media.js';
import { roomUxMethods } from './room-ux.js';
import { reconnectionMethods } from './room-reconnection.js';

const ACTIVE = new Set(['joining', 'lobby', 'joined', 'reconnecting']);

export class Room extends EventTarget {
  /**
   * root: the element to render into; token: the join token; signaling:
   * a Signaling already opening (optional, see Signaling.preconnect); media: the
   * pre-join screen's LocalMedia (its tracks are published, and stopped when
   * the room ends); displayName, title, code: for the screens;
   * signedIn: offer "Back to your agenda"; onRejoin(): back to the pre-join
   * screen; onEnd(kind): the room is over (left, removed, ended…).
   */
  constructor({ root, token, signaling = null, media, displayName, title, code, signedIn = false, onRejoin = null, onEnd = null }) {
    super();
    this.root = root;
    this.token = token;
    /** A signaling socket the page started opening while it fetched the token. */
    this.earlySignaling = signaling;
    this.media = media;
    this.displayName = displayName || 'You';
    this.title = title || 'Meeting';
    this.code = code;
    this.signedIn = signedIn;
    this.onRejoin = onRejoin;
    this.onEnd = onEnd;

    this.state = null;
    this.participantId = null;
    /** participantId → participant (Docs/signaling.md "participant"), you included. */
    this.participants = new Map();
    this.role = null;
    this.locked = false;
    this.roomInfo = null;
    this.lobby = [];
    this.handRaised = false;
    this.screen = null; // {stream, video, audio} while sharing
    this.panel = null;
    this.unread = 0;
    this.videoBusy = false;
    this.shareBusy = false;

    this.session = null;
    this.grid = null;
    this.stats = null;
    this.remoteKeys = new Set();
    this.offs = [];
    this.ended = false;

    this.el = h('div', { class: 'room-root' });
    root.append(this.el);
    this.onPageHide = () => { if (ACTIVE.has(this.state) && this.session) this.session.leaveOnUnload(); };
    // beforeunload comes first, while the socket is still open and the page
    // fully alive (Firefox starts closing sockets and may cut scripts short by
    // pagehide); pagehide covers what skips it (bfcache, mobile).
    window.addEventListener('beforeunload', this.onPageHide);
    window.addEventListener('pagehide', this.onPageHide);
    this.onMediaChange = () => {
      this.syncLocal();
      this.reconcile();
    };
    this.published = false; // the first publish negotiation is done
    this.reconciling = false;
    this.reconcileAgain = false;
    window.parleyRoom = this;
  }

  // --- Test hooks ---------------------------------------------------------

  get publisher() { return this.session ? this.session.publisher : null; }
  get subscriber() { return this.session ? this.session.subscriber : null; }
  get publishPC() { return this.publisher ? this.publisher.pc : null; }
  get subscribePC() { return this.subscriber ? this.subscriber.pc : null; }
  get me() { return this.participants.get(this.participantId) || null; }

  videoElementFor(participantId, source = 'camera') {
    return this.grid ? this.grid.videoElementFor(participantId, source) : null;
  }

  audioElementFor(participantId, source = 'microphone') {
    return this.grid ? this.grid.audioElementFor(participantId, source) : null;
  }

  // --- Lifecycle ------------------------------------------------------------

  setState(state) {
    this.state = state;
    this.el.dataset.state = state;
    document.body.classList.toggle('in-room', state === 'joined' || state === 'reconnecting');
    this.dispatchEvent(new CustomEvent('state', { detail: state }));
  }

  async start() {
    this.setState('joining');
    this.el.replaceChildren(joiningScreen(this.title).el);
    const s = new RoomSession({ token: this.token, signaling: this.earlySignaling });
    this.earlySignaling = null;
    this.session = s;
    const handlers = {
      joined: (m) => this.onJoined(m),
      reconnecting: () => this.onReconnecting(),
      reconnected: (m) => this.onReconnected(m),
      media: () => this.onMediaReplaced(),
      connection: (m) => this.onConnectionState(m),
      disconnected: (m) => this.finish(JOIN_FAILURES[m.code] || 'disconnected', m.code === 'disconnected' ? null : m.message),
      'lobby.waiting': () => this.onLobbyWaiting(),
      'lobby.denied': () => this.finish('denied'),
      'lobby.updated': (m) => this.onLobbyUpdated(m),
      'participant.joined': (m) => this.onParticipantJoined(m),
      'participant.updated': (m) => this.onParticipantUpdated(m),
      'participant.left': (m) => this.onParticipantLeft(m),
      'speaker.active': (m) => this.onSpeaker(m),
      'chat.message': (m) => this.onChat(m),
      'room.updated': (m) => this.onRoomUpdated(m),
      'muted.byHost': (m) => this.onMutedByHost(m),
      notice: (m) => toast({ message: m.message, timeout: 8000 }),
      reaction: (m) => this.onReaction(m),
      // Only a host's removal says so; anything else is a lost connection.
      removed: (m) => this.finish(!m.reason || m.reason === 'removed' ? 'removed' : 'disconnected'),
      'room.ended': () => this.finish('ended'),
      error: (m) => this.onError(m),
    };
    for (const [type, fn] of Object.entries(handlers)) {
      this.offs.push(s.on(type, (m) => {
        if (this.ended) return;
        try { fn(m || {}); } catch (err) { console.error(`room: ${type}`, err); }
      }));
    }
    try {
      await s.start();
    } catch {
      if (ACTIVE.has(this.state)) this.finish('disconnected');
    }
  }

  /** Leave by choice: tell Parley, stop everything, show "You left the meeting". */
  leave() {
    if (!ACTIVE.has(this.state)) return;
    if (this.session) this.session.leave();
    this.finish('left');
  }

  /** The page goes away (navigation): leave quietly. */
  destroy() {
    if (ACTIVE.has(this.state) && this.session) this.session.leave();
    this.teardown();
    window.removeEventListener('beforeunload', this.onPageHide);
    window.removeEventListener('pagehide', this.onPageHide);
    if (window.parleyRoom === this) window.parleyRoom = null;
  }

  /** Stop media and connections (idempotent). */
  teardown() {
    if (this.ended) return;
    this.ended = true;
    if (this.stats) this.stats.stop();
    if (this.session) this.session.close();
    if (this.screen) {
      for (const t of this.screen.stream.getTracks()) t.stop();
      this.screen = null;
    }
    this.media.removeEventListener('change', this.onMediaChange);
    this.media.stop();
    if (this.grid) this.grid.destroy();
    for (const off of this.offs) off();
    this.offs = [];
    document.removeEventListener('keydown', this.onKeydown);
    this.uninstallUx();
    document.body.classList.remove('in-room');
  }

  /** End the room with one of the ENDINGS screens. */
  finish(kind, detail = null) {
    const ending = ENDINGS[kind] || ENDINGS.disconnected;
    this.teardown();
    this.setState(ending.state);
    const { el, heading } = endScreen({ ending, detail, title: this.title, onRejoin: this.onRejoin, signedIn: this.signedIn });
    this.el.replaceChildren(el);
    heading.focus();
    if (this.onEnd) {
      try { this.onEnd(kind); } catch (err) { console.error(err); }
    }
  }

  send(type, fields) {
    if (this.session && this.session.send(type, fields)) return true;
    toast({
      message: this.state === 'reconnecting' ? 'Reconnecting to the meeting… Try again in a moment.' : 'You are not connected to the meeting.',
      tone: 'error',
    });
    return false;
  }

  // --- Lobby ------------------------------------------------------------------

  onLobbyWaiting() {
    if (this.state !== 'joining') return;
    this.setState('lobby');
    const { el, heading } = lobbyScreen({
      title: this.title,
      displayName: this.displayName,
      videoTrack: this.media.cameraOn ? this.media.videoTrack : null,
      onLeave: () => this.leave(),
    });
    this.el.replaceChildren(el);
    heading.focus();
  }

  // --- Joined -----------------------------------------------------------------

  onJoined(m) {
    if (this.state !== 'joining' && this.state !== 'lobby') return;
    this.participantId = String(m.participantId || '');
    this.role = m.role || 'participant';
    this.roomInfo = m.room || {};
    this.locked = !!this.roomInfo.locked;
    if (this.roomInfo.title) this.title = this.roomInfo.title;
    this.lobby = Array.isArray(m.lobby) ? m.lobby.filter((w) => w && w.participantId) : [];
    this.participants = new Map();
    for (const p of Array.isArray(m.participants) ? m.participants : []) {
      if (p && p.id) this.participants.set(p.id, { ...p });
    }
    if (!this.participants.has(this.participantId)) {
      this.participants.set(this.participantId, {
        id: this.participantId, displayName: this.displayName, role: this.role,
        audioMuted: false, videoMuted: false, handRaised: false, screenSharing: false, producers: [],
      });
    }
    this.displayName = this.me.displayName || this.displayName;

    // The session made both peer connections before telling us.
    this.attachSubscriber();

    this.buildRoom();
    this.setState('joined');
    this.media.addEventListener('change', this.onMediaChange);
    for (const p of this.participants.values()) {
      this.grid.upsertParticipant(p.id === this.participantId ? this.withLocalState(p) : p, { self: p.id === this.participantId });
    }
    this.syncLocal();
    this.chat.selfId = this.participantId;
    this.chat.setHistory(m.chat);
    this.renderPeople();
    this.renderHeader();
    this.stats = new StatsMonitor({
      getPCs: () => ({ publishPC: this.publishPC, subscribePC: this.subscribePC }),
      slotFor: (q) => (this.subscriber ? this.subscriber.slotFor(q) : null),
      onReport: (r) => this.onStats(r),
    });
    this.stats.start();
    this.heading.focus();
    this.publishLocal();
  }

  buildRoom() {
    this.grid = new Grid({
      onPrefer: (producerId, width, height) => {
        if (this.session) this.session.send('layers.prefer', { producerId, width, height });
      },
      onAudioBlocked: () => this.showBanner('Your browser blocked the meeting sound.', {
        label: 'Turn on sound',
        onClick: () => { this.grid.resumeAudio(); this.hideBanner(); },
      }),
    });
    this.controls = createControls({
      onMic: () => this.toggleMic(),
      onVideo: () => this.toggleVideo(),
      onShare: () => this.toggleShare(),
      onHand: () => this.toggleHand(),
      onReact: (emoji) => this.sendReaction(emoji),
      onRecord: () => this.toggleRecording(),
      moreItems: () => this.moreMenuItems(),
      onPanel: (name) => this.setPanel(this.panel === name ? null : name, { focus: true }),
      onLeave: () => this.requestLeave(),
    });
    const closePanel = () => this.setPanel(null, { focus: true });
    this.chat = new ChatPanel({
      onSend: (text) => this.send('chat.send', { text }),
      onClose: closePanel,
    });
    this.people = new ParticipantsPanel({
      onClose: closePanel,
      actions: this.peopleActions(),
    });
    this.statsPanel = new StatsPanel({
      nameFor: (pid) => (this.participants.get(pid) || {}).displayName || 'Someone',
      onClose: closePanel,
    });
    this.panels = { chat: this.chat, participants: this.people, stats: this.statsPanel };
    this.aside = h('aside', { class: 'room-panel', hidden: true, 'aria-label': 'Side panel' }, this.chat.el, this.people.el, this.statsPanel.el);

    this.heading = h('h1', { class: 'room-heading', tabindex: '-1' });
    this.rolePill = h('span', { class: 'pill' });
    this.lockPill = h('span', { class: 'pill pill-lock', hidden: true }, icon('lock', 12), 'Locked');
    // Everyone sees that the meeting is recorded (phone callers hear it).
    this.recordingPill = h('span', { class: 'pill pill-recording', hidden: true, title: 'This meeting is being recorded' },
      h('span', { class: 'rec-dot', 'aria-hidden': 'true' }), 'Recording');
    const copyBtn = h('button', { type: 'button', class: 'btn btn-sm btn-ghost room-copy' }, icon('copy', 16), h('span', { class: 'room-copy-label' }, 'Copy invite link'));
    copyBtn.addEventListener('click', async () => {
      const url = `${location.origin}/m/${encodeURIComponent(this.code)}`;
      if (await copyText(url)) toastOk('Invite link copied.');
      else toast({ message: url });
    });
    this.bannerText = h('span', { class: 'room-banner-text' });
    this.bannerAction = h('button', { type: 'button', class: 'btn btn-sm' });
    this.banner = h('div', { class: 'room-banner', role: 'alert', hidden: true }, icon('alert', 18), this.bannerText, this.bannerAction);
    this.announcer = h('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });

    this.onKeydown = (ev) => {
      if (ev.key === 'Escape' && this.panel && this.aside.contains(document.activeElement)) {
        ev.preventDefault();
        this.setPanel(null, { focus: true });
      }
    };
    document.addEventListener('keydown', this.onKeydown);

    this.el.replaceChildren(h('div', { class: 'room-shell' },
      h('header', { class: 'room-bar' },
        h('div', { class: 'room-title' }, h('span', { class: 'live-dot', 'aria-hidden': 'true' }), this.heading, this.rolePill, this.lockPill, this.recordingPill),
        copyBtn),
      this.banner,
      h('div', { class: 'room-body' },
        h('div', { class: 'room-stage', role: 'region', 'aria-label': 'Participants video' }, this.grid.el),
        this.aside),
      this.controls.el,
      this.announcer,
      this.grid.audioBox));
    this.installUx();
  }

  renderHeader() {
    this.heading.textContent = `You're in ${this.title}`;
    this.rolePill.textContent = ROLE_LABELS[this.role] || this.role || '';
    this.rolePill.hidden = !this.rolePill.textContent;
    this.lockPill.hidden = !this.locked;
    const recording = !!(this.roomInfo && this.roomInfo.recording);
    this.recordingPill.hidden = !recording;
    this.controls.setRecording({ recording, allowed: isModerator(this.role), busy: !!this.recordingBusy });
  }

  /** Hosts and co-hosts start and stop recording; the room tells everyone. */
  toggleRecording() {
    if (!isModerator(this.role) || this.recordingBusy) return;
    const recording = !!(this.roomInfo && this.roomInfo.recording);
    this.recordingBusy = true;
    this.renderHeader();
    this.send(recording ? 'recording.stop' : 'recording.start', {});
    // The room.updated that follows (or an error) clears the busy state.
    clearTimeout(this.recordingTimer);
    this.recordingTimer = setTimeout(() => { this.recordingBusy = false; this.renderHeader(); }, 5000);
  }

  /** `kind` names the banner, so only the matching hideBanner(kind) removes it. */
  showBanner(text, action = null, kind = 'other') {
    if (!this.banner) return;
    this.bannerKind = kind;
    this.bannerText.textContent = text;
    this.bannerAction.hidden = !action;
    if (action) {
      this.bannerAction.textContent = action.label;
      this.bannerAction.onclick = action.onClick;
    }
    this.banner.hidden = false;
  }

  hideBanner(kind = null) {
    if (!this.banner || (kind && this.bannerKind !== kind)) return;
    this.banner.hidden = true;
  }

  announce(text) {
    if (!this.announcer) return;
    this.announcer.textContent = '';
    // A fresh text node after a tick is announced even when the text repeats.
    setTimeout(() => { if (this.announcer) this.announcer.textContent = text; }, 50);
  }

  setPanel(name, { focus = false } = {}) {
    if (!this.panels) return;
    const prev = this.panel;
    this.panel = name && this.panels[name] ? name : null;
    for (const [key, panel] of Object.entries(this.panels)) panel.el.hidden = key !== this.panel;
    this.aside.hidden = !this.panel;
    this.el.classList.toggle('panel-open', !!this.panel);
    this.controls.setPanel(this.panel);
    if (this.panel === 'chat') {
      this.unread = 0;
      this.controls.setUnread(0);
    }
    if (this.panel === 'stats') this.statsPanel.render(this.stats ? this.stats.last : null);
    if (focus) {
      if (this.panel) this.panels[this.panel].focus();
      else if (prev) this.controls.buttons[prev].focus();
    }
  }

  renderPeople() {
    if (!this.people) return;
    this.people.render({
      participants: this.participants,
      selfId: this.participantId,
      role: this.role,
      locked: this.locked,
      lobbyEnabled: !!(this.roomInfo && this.roomInfo.lobbyEnabled),
      lobby: this.lobby,
    });
    this.controls.setCount(this.participants.size);
    this.updateReadyCard();
  }

  // --- Other people -------------------------------------------------------------

  onParticipantJoined(m) {
    const p = m.participant;
    if (!p || !p.id || this.state !== 'joined') return;
    const isNew = !this.participants.has(p.id);
    this.participants.set(p.id, { ...p });
    this.grid.upsertParticipant(p, { self: p.id === this.participantId });
    this.renderPeople();
    if (isNew && p.id !== this.participantId) this.announce(`${p.displayName || 'Someone'} joined`);
  }

  onParticipantUpdated(m) {
    const incoming = m.participant;
    if (!incoming || !incoming.id || this.state !== 'joined') return;
    const prev = this.participants.get(incoming.id);
    const p = { ...incoming };
    if (p.id === this.participantId) {
      if (typeof p.handRaised === 'boolean') this.handRaised = p.handRaised;
      if (p.role && p.role !== this.role) this.onRoleChanged(p.role);
      this.participants.set(p.id, this.withLocalState(p));
      this.syncLocal();
      return;
    }
    this.participants.set(p.id, p);
    this.grid.upsertParticipant(p, { self: false });
    this.renderPeople();
    if (prev && !prev.handRaised && p.handRaised) this.announce(`${p.displayName || 'Someone'} raised their hand`);
  }

  onRoleChanged(role) {
    const was = this.role;
    this.role = role;
    this.renderHeader();
    if (role === 'cohost') toast({ message: 'You are now a co-host.', tone: 'success' });
    else if (was === 'cohost' && role !== 'host') toast({ message: 'You are no longer a co-host.' });
    else if (role === 'host') toast({ message: 'You are now the host.', tone: 'success' });
  }

  onParticipantLeft(m) {
    const id = m.participantId;
    if (!id || this.state !== 'joined' || id === this.participantId) return;
    const p = this.participants.get(id);
    this.participants.delete(id);
    this.grid.removeParticipant(id);
    for (const key of [...this.remoteKeys]) if (key.startsWith(`${id}:`)) this.remoteKeys.delete(key);
    this.renderPeople();
    if (!p) return;
    const name = p.displayName || 'Someone';
    if (m.reason === 'removed') this.announce(`${name} was removed`);
    else if (m.reason === 'connection_lost') {
      this.announce(`${name} left (connection lost)`);
      toast({ message: `${name} left (connection lost).`, timeout: 6000 });
    } else this.announce(`${name} left`);
  }

  onSpeaker(m) {
    if (!this.grid) return;
    this.grid.setActiveSpeaker(m.participantId || null);
  }

  onChat(m) {
    if (this.state !== 'joined' || !this.chat.add(m.message)) return;
    const msg = m.message;
    if (msg.participantId === this.participantId) return;
    if (this.panel !== 'chat') {
      this.unread += 1;
      this.controls.setUnread(this.unread);
      this.announce(`New message from ${msg.displayName || 'someone'}`);
    }
  }

  onRoomUpdated(m) {
    if (!m.room) return;
    const wasLocked = this.locked;
    const wasRecording = !!(this.roomInfo && this.roomInfo.recording);
    this.recordingBusy = false;
    this.roomInfo = { ...this.roomInfo, ...m.room };
    this.locked = !!this.roomInfo.locked;
    if (this.roomInfo.title) this.title = this.roomInfo.title;
    if (this.state !== 'joined') return;
    this.renderHeader();
    this.renderPeople();
    if (wasLocked !== this.locked) this.announce(this.locked ? 'The meeting is locked' : 'The meeting is unlocked');
    const recording = !!this.roomInfo.recording;
    if (wasRecording !== recording) {
      const text = recording ? 'This meeting is now being recorded.' : 'Recording stopped. It will be in Recordings when processed.';
      this.announce(text);
      toast({ message: text, tone: recording ? undefined : 'success' });
    }
  }

  onError(m) {
    if ((this.state === 'joining' || this.state === 'lobby') && (JOIN_FAILURES[m.code] || m.requestType === 'join')) {
      this.finish(JOIN_FAILURES[m.code] || 'join_failed', m.message || null);
      return;
    }
    if (m.requestType === 'publish.offer' && this.publisher) {
      this.publisher.failPending(new Error(m.message || 'Parley refused the media offer.'));
      return; // the caller shows it
    }
    if (m.requestType === 'layers.prefer') {
      // A size report that crossed the video's end (the producer is gone):
      // nothing the person did or can fix, so no toast.
      console.debug('layers.prefer refused:', m.message);
      return;
    }
    if (m.requestType === 'recording.start' || m.requestType === 'recording.stop') {
      this.recordingBusy = false;
      this.renderHeader();
    }
    toast({ message: m.message || 'Something went wrong.', tone: 'error', timeout: 8000 });
  }

  // --- Received tracks ------------------------------------------------------------

  applySlots(slots) {
    if (!this.grid || this.ended) return;
    const seen = new Set();
    for (const s of slots) {
      if (!s.participantId || s.participantId === this.participantId) continue;
      const key = `${s.participantId}:${s.source}`;
      seen.add(key);
      if (s.source === 'camera' || s.source === 'screen') {
        this.grid.setVideo(s.participantId, s.source, { track: s.track, producerId: s.producerId });
      } else {
        this.grid.setAudio(s.participantId, s.source, s.track);
      }
    }
    for (const key of this.remoteKeys) {
      if (seen.has(key)) continue;
      const i = key.lastIndexOf(':');
      const pid = key.slice(0, i);
      const source = key.slice(i + 1);
      if (source === 'camera' || source === 'screen') this.grid.setVideo(pid, source, { track: null });
      else this.grid.setAudio(pid, source, null);
    }
    this.remoteKeys = seen;
  }

  onStats(report) {
    if (!this.grid || this.ended) return;
    const q = qualities(report);
    for (const pid of this.participants.keys()) {
      this.grid.setNetworkQuality(pid, pid === this.participantId ? q.self : (q.participants.get(pid) || null));
    }
    if (this.panel === 'stats') this.statsPanel.render(report);
  }
}

// Your own camera, microphone, screen and hand (room-media.js).
Object.assign(Room.prototype, localMediaMethods);
// Reactions, layout, devices, shortcuts, leaving as host, the ready card (room-ux.js).
Object.assign(Room.prototype, roomUxMethods);

// Reconnecting and coming back (room-reconnection.js).
Object.assign(Room.prototype, reconnectionMethods);
