// The meeting room's video grid: one tile per participant (camera), one per
// shared screen. Gallery layout sized to fit the stage; while someone shares a
// screen it fills the stage and camera tiles move to a strip beside it (below
// it on narrow screens). A pinned tile (each tile has a "Pin" button), or in
// speaker view the active speaker, takes the stage the same way. Your own
// tile can be hidden (self view). Reactions float over the sender's tile.
// Audio plays through <audio> elements kept out of the layout, on the chosen
// speaker (setSinkId) where the browser can. Reports each remote video
// tile's rendered size (layers.prefer).

import { h, icon, avatar } from '../dom.js';

const GAP = 10;
const ASPECT = 16 / 9;
const PREFER_DEBOUNCE_MS = 250;

export class Grid {
  /**
   * onPrefer(producerId, width, height): a remote video tile's size changed
   * (device pixels; 0×0 = not visible). onAudioBlocked(): autoplay refused.
   */
  constructor({ onPrefer, onAudioBlocked }) {
    this.onPrefer = onPrefer || (() => {});
    this.onAudioBlocked = onAudioBlocked || (() => {});
    this.tiles = new Map(); // `${pid}:${source}` → tile
    this.tileOf = new WeakMap(); // tile element → tile
    this.audios = new Map(); // `${pid}:${source}` → <audio>
    this.selfId = null;
    this.activeSpeaker = null;
    /** The last remote active speaker (speaker view keeps showing them through silences). */
    this.lastSpeaker = null;
    /** 'grid' | 'speaker' */
    this.view = 'grid';
    /** The key (`${pid}:${source}`) of the pinned tile, or null. */
    this.pinned = null;
    this.hideSelf = false;
    /** The audio output device id ('' = the system default). */
    this.sinkId = '';

    this.main = h('div', { class: 'stage-main' });
    this.strip = h('div', { class: 'stage-strip', hidden: true });
    this.el = h('div', { class: 'stage' }, this.main, this.strip);
    this.audioBox = h('div', { class: 'room-audio', hidden: true });

    this.resizeObserver = new ResizeObserver((entries) => {
      for (const entry of entries) {
        if (entry.target === this.main) {
          this.fit();
          continue;
        }
        const tile = this.tileOf.get(entry.target);
        if (tile) this.schedulePrefer(tile);
      }
    });
    this.resizeObserver.observe(this.main);
    this.intersectionObserver = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        const tile = this.tileOf.get(entry.target);
        if (!tile) continue;
        tile.visible = entry.isIntersecting;
        this.schedulePrefer(tile);
      }
    }, { threshold: 0 });
    this.onVisibility = () => { for (const t of this.tiles.values()) this.schedulePrefer(t, 0); };
    document.addEventListener('visibilitychange', this.onVisibility);
  }

  // --- Tiles ----------------------------------------------------------

  tileFor(pid, source, create = true) {
    const key = `${pid}:${source}`;
    let tile = this.tiles.get(key);
    if (tile || !create) return tile || null;
    const video = h('video', { autoplay: true, muted: true, playsInline: true });
    video.setAttribute('muted', '');
    video.setAttribute('playsinline', '');
    const avatarBox = h('div', { class: 'tile-avatar' });
    const nameEl = h('span', { class: 'tile-name' });
    const mic = h('span', { class: 'tile-badge tile-mic', role: 'img', 'aria-label': 'Microphone off', title: 'Microphone off', hidden: true }, icon('micOff', 14));
    const hand = h('span', { class: 'tile-badge tile-hand', role: 'img', 'aria-label': 'Hand raised', title: 'Hand raised', hidden: true }, icon('hand', 16));
    const phone = h('span', { class: 'tile-badge tile-phone', role: 'img', 'aria-label': 'On the phone', title: 'On the phone', hidden: true }, icon('phone', 14));
    const reconnecting = h('span', { class: 'tile-reconnecting', role: 'status', hidden: true }, 'Reconnecting…');
    const net = h('span', { class: 'tile-net', role: 'img', hidden: true },
      h('span', { class: 'net-bar' }), h('span', { class: 'net-bar' }), h('span', { class: 'net-bar' }));
    const pin = h('button', { type: 'button', class: 'tile-pin', 'aria-pressed': 'false' }, icon('pin', 16));
    pin.addEventListener('click', () => this.pin(this.pinned === key ? null : key));
    const el = h('section', {
      class: `tile tile-${source}`,
      dataset: { participantId: pid, source, video: 'off' },
    },
    video,
    avatarBox,
    h('div', { class: 'tile-top' }, hand, reconnecting, net, pin),
    h('div', { class: 'tile-label' }, source === 'camera' ? mic : icon('monitor', 14), phone, nameEl));
    tile = {
      key, pid, source, el, video, avatarBox, nameEl, mic, hand, net, phone, reconnecting, pin,
      participant: null, self: false, track: null, producerId: null,
      visible: true, sent: null, timer: null, avatarName: null,
    };
    this.tileOf.set(el, tile);
    this.tiles.set(key, tile);
    this.resizeObserver.observe(el);
    this.intersectionObserver.observe(el);
    this.layout();
    return tile;
  }

  removeTile(tile) {
    if (!tile) return;
    clearTimeout(tile.timer);
    // No "0×0" size report: a tile goes only when its video went away (the
    // person left, the share ended), so Parley no longer has that producer and
    // would refuse the report.
    this.resizeObserver.unobserve(tile.el);
    this.intersectionObserver.unobserve(tile.el);
    this.detachTrackEvents(tile);
    tile.video.srcObject = null;
    tile.el.remove();
    this.tiles.delete(tile.key);
    this.layout();
  }

  /** Add or refresh a participant's camera tile (and their screen tile's name). */
  upsertParticipant(p, { self = false } = {}) {
    if (self) this.selfId = p.id;
    const tile = this.tileFor(p.id, 'camera');
    const wasSelf = tile.self;
    tile.participant = p;
    tile.self = self;
    this.renderTile(tile);
    if (self && !wasSelf) this.layout();
    const screen = this.tileFor(p.id, 'screen', false);
    if (screen) {
      screen.participant = p;
      screen.self = self;
      this.renderTile(screen);
    }
  }

  removeParticipant(pid) {
    if (this.lastSpeaker === pid) this.lastSpeaker = null;
    for (const source of ['camera', 'screen']) this.removeTile(this.tileFor(pid, source, false));
    for (const source of ['microphone', 'screenAudio']) this.setAudio(pid, source, null);
  }

  /**
   * Show a video track in a tile (null clears it). A screen tile exists only
   * while it has a track. `producerId` (remote tracks) turns on size reports.
   */
  setVideo(pid, source, { track = null, producerId = null, mirror = false } = {}) {
    const tile = this.tileFor(pid, source, !!track);
    if (!tile) return;
    if (!track && source === 'screen') {
      this.removeTile(tile);
      return;
    }
    if (!tile.participant) {
      const cam = this.tileFor(pid, 'camera', false);
      if (cam && cam.participant) { tile.participant = cam.participant; tile.self = cam.self; }
    }
    if (tile.track !== track) {
      this.detachTrackEvents(tile);
      tile.track = track;
      if (track) {
        tile.video.srcObject = new MediaStream([track]);
        tile.video.play().catch(() => {});
        tile.onTrackChange = () => this.renderTile(tile);
        track.addEventListener('mute', tile.onTrackChange);
        track.addEventListener('unmute', tile.onTrackChange);
        track.addEventListener('ended', tile.onTrackChange);
      } else {
        tile.video.srcObject = null;
      }
    }
    tile.video.classList.toggle('mirror', !!mirror);
    if (tile.producerId !== producerId) {
      // The previous producer left this subscription (each tile shows the one
      // producer the latest subscribe.offer maps to it): nothing to report for it.
      tile.producerId = producerId;
      tile.sent = null;
      this.schedulePrefer(tile, 0);
    }
    this.renderTile(tile);
  }

  detachTrackEvents(tile) {
    if (tile.track && tile.onTrackChange) {
      tile.track.removeEventListener('mute', tile.onTrackChange);
      tile.track.removeEventListener('unmute', tile.onTrackChange);
      tile.track.removeEventListener('ended', tile.onTrackChange);
    }
    tile.onTrackChange = null;
  }

  renderTile(tile) {
    const p = tile.participant;
    const name = p ? (p.displayName || 'Someone') : '';
    const label = tile.source === 'screen' ? `${name} (screen)` : name;
    tile.el.setAttribute('aria-label', label || (tile.source === 'screen' ? 'Shared screen' : 'Participant'));
    const pinned = this.pinned === tile.key;
    const who = tile.source === 'screen' ? `${tile.self ? 'your' : `${name}'s`} screen` : (tile.self ? 'yourself' : name);
    tile.pin.setAttribute('aria-label', pinned ? `Unpin ${who}` : `Pin ${who}`);
    tile.pin.title = pinned ? 'Unpin' : 'Pin to the stage';
    tile.pin.setAttribute('aria-pressed', pinned ? 'true' : 'false');
    tile.nameEl.textContent = tile.source === 'screen'
      ? (tile.self ? 'You are sharing your screen' : `${name} is sharing`)
      : (tile.self ? `${name} (You)` : name);
    if (tile.avatarName !== name) {
      tile.avatarName = name;
      tile.avatarBox.replaceChildren(avatar({ id: p ? p.userId || p.id : name, displayName: name || '?' }, 'xl'));
    }
    const track = tile.track;
    const live = !!track && track.readyState !== 'ended';
    // Remote camera: hidden while the sender has it off or no frames arrive.
    let on = live;
    if (tile.source === 'camera' && !tile.self) on = live && !(p && p.videoMuted) && !track.muted;
    tile.el.dataset.video = on ? 'on' : 'off';
    if (tile.source === 'camera') {
      tile.mic.hidden = !(p && p.audioMuted);
      tile.hand.hidden = !(p && p.handRaised);
      // Their connection dropped; they keep their place while it comes back.
      tile.reconnecting.hidden = !(p && p.reconnecting);
      tile.el.dataset.reconnecting = p && p.reconnecting ? 'true' : 'false';
      // A caller through the phone gateway: no camera ever, say why.
      tile.phone.hidden = !(p && p.role === 'phone');
      tile.el.dataset.role = p ? p.role : '';
      if (tile.pid === this.activeSpeaker) tile.el.dataset.activeSpeaker = 'true';
      else delete tile.el.dataset.activeSpeaker;
    }
  }

  /** Play a remote audio track (null stops it). */
  setAudio(pid, source, track) {
    const key = `${pid}:${source}`;
    let el = this.audios.get(key);
    if (!track) {
      if (el) {
        el.srcObject = null;
        el.remove();
        this.audios.delete(key);
      }
      return;
    }
    if (!el) {
      el = h('audio', { autoplay: true, dataset: { participantId: pid, source } });
      this.audios.set(key, el);
      this.audioBox.append(el);
      if (this.sinkId && el.setSinkId) el.setSinkId(this.sinkId).catch(() => {});
    }
    const current = el.srcObject ? el.srcObject.getAudioTracks()[0] : null;
    if (current !== track) {
      el.srcObject = new MediaStream([track]);
      el.play().catch((err) => { if (err && err.name === 'NotAllowedError') this.onAudioBlocked(); });
    }
  }

  /** After a user gesture: start any audio autoplay refused. */
  resumeAudio() {
    for (const el of this.audios.values()) if (el.paused) el.play().catch(() => {});
  }

  setActiveSpeaker(pid) {
    this.activeSpeaker = pid || null;
    for (const tile of this.tiles.values()) if (tile.source === 'camera') this.renderTile(tile);
    if (pid && pid !== this.selfId && pid !== this.lastSpeaker) {
      this.lastSpeaker = pid;
      if (this.view === 'speaker' && !this.pinned) this.layout();
    }
  }

  // --- Pin, speaker view, self view, speaker, reactions ---------------

  /** Pin a tile to the stage by its key (`${pid}:${source}`), or unpin (null). */
  pin(key) {
    this.pinned = key && this.tiles.has(key) ? key : null;
    for (const tile of this.tiles.values()) this.renderTile(tile);
    this.layout();
  }

  /** 'grid' (everyone alike) or 'speaker' (the active speaker on the stage, the rest beside). */
  setView(view) {
    this.view = view === 'speaker' ? 'speaker' : 'grid';
    this.layout();
  }

  /** Hide or show your own camera tile (others still see you). */
  setHideSelf(hide) {
    this.hideSelf = !!hide;
    this.layout();
  }

  /** Play every remote sound on this output device ('' = default). Resolves false where unsupported. */
  async setSpeaker(deviceId) {
    const probe = document.createElement('audio');
    if (!probe.setSinkId) return false;
    this.sinkId = deviceId || '';
    const results = await Promise.allSettled([...this.audios.values()].map((el) => el.setSinkId(this.sinkId)));
    return results.every((r) => r.status === 'fulfilled');
  }

  /** An emoji floats up over the participant's camera tile for a few seconds. */
  showReaction(pid, emoji, label = '') {
    const tile = this.tileFor(pid, 'camera', false);
    if (!tile) return;
    const left = 15 + Math.floor(Math.random() * 55);
    const el = h('span', { class: 'reaction-float', 'aria-hidden': 'true', style: { left: `${left}%` }, dataset: { emoji } }, emoji);
    if (label) el.title = label;
    tile.el.append(el);
    const done = () => el.remove();
    el.addEventListener('animationend', done);
    setTimeout(done, 4000);
  }

  /** The tile speaker view puts on the stage: the latest remote speaker, else the first other person. */
  speakerTile() {
    const cams = [...this.tiles.values()].filter((t) => t.source === 'camera' && !t.self);
    return cams.find((t) => t.pid === this.lastSpeaker) || cams[0] || null;
  }

  /** level: 'good' | 'fair' | 'poor' | null (unknown). */
  setNetworkQuality(pid, level) {
    const tile = this.tileFor(pid, 'camera', false);
    if (!tile) return;
    tile.net.hidden = !level;
    if (level) {
      tile.net.dataset.quality = level;
      tile.net.setAttribute('aria-label', `Network quality: ${level}`);
      tile.net.title = `Network quality: ${level}`;
    }
  }

  videoElementFor(pid, source = 'camera') {
    const tile = this.tileFor(pid, source, false);
    return tile ? tile.video : null;
  }

  audioElementFor(pid, source = 'microphone') {
    return this.audios.get(`${pid}:${source}`) || null;
  }

  // --- Layout ---------------------------------------------------------

  layout() {
    const tiles = [...this.tiles.values()];
    const sharing = tiles.some((t) => t.source === 'screen');
    if (this.pinned && !this.tiles.has(this.pinned)) this.pinned = null;
    // The featured tile has the stage to itself: the pinned one, else (in
    // speaker view, nobody sharing) the speaker.
    let featured = this.pinned ? this.tiles.get(this.pinned) : null;
    if (!featured && !sharing && this.view === 'speaker') featured = this.speakerTile();
    const focus = sharing || !!featured;
    this.el.classList.toggle('has-screen', focus);
    this.el.classList.toggle('has-featured', !!featured);
    // Re-home tiles (screens or the featured tile on the main stage), keeping
    // insertion order with your own tiles first. Moved videos are resumed.
    for (const tile of tiles) {
      const inMain = featured ? tile === featured : (!sharing || tile.source === 'screen');
      const target = inMain ? this.main : this.strip;
      if (tile.el.parentNode !== target) {
        target.append(tile.el);
        if (tile.video.srcObject) tile.video.play().catch(() => {});
      }
      // Self view off hides your camera tile, unless it is all there is or you pinned it.
      tile.el.hidden = this.hideSelf && tile.self && tile.source === 'camera' && tiles.length > 1 && tile !== featured;
      if (tile === featured) tile.el.dataset.featured = 'true';
      else delete tile.el.dataset.featured;
    }
    this.strip.hidden = !focus || ![...this.strip.children].some((c) => !c.hidden);
    for (const tile of this.tiles.values()) {
      const parent = tile.el.parentNode;
      if (tile.self && parent && parent.firstChild !== tile.el) {
        parent.prepend(tile.el);
        if (tile.video.srcObject) tile.video.play().catch(() => {});
      }
    }
    this.fit();
  }

  /** Size gallery tiles so that all of them fit the stage at 16:9. */
  fit() {
    const n = [...this.main.children].filter((c) => !c.hidden).length;
    const W = this.main.clientWidth;
    const H = this.main.clientHeight;
    if (!n || !W || !H) return;
    let best = 0;
    for (let cols = 1; cols <= n; cols += 1) {
      const rows = Math.ceil(n / cols);
      let w = (W - GAP * (cols - 1)) / cols;
      const hgt = w / ASPECT;
      if (hgt * rows + GAP * (rows - 1) > H) w = ((H - GAP * (rows - 1)) / rows) * ASPECT;
      if (w > best) best = w;
    }
    this.main.style.setProperty('--tile-w', `${Math.max(80, Math.floor(best))}px`);
  }

  // --- Size reports (layers.prefer) -------------------------------------

  schedulePrefer(tile, delay = PREFER_DEBOUNCE_MS) {
    if (!tile.producerId) return;
    clearTimeout(tile.timer);
    tile.timer = setTimeout(() => this.sendPrefer(tile), delay);
  }

  sendPrefer(tile) {
    if (!tile.producerId || !tile.el.isConnected) return;
    let w = 0;
    let hgt = 0;
    if (tile.visible && document.visibilityState !== 'hidden') {
      const dpr = Math.min(2, window.devicePixelRatio || 1);
      w = Math.round(tile.el.clientWidth * dpr);
      hgt = Math.round(tile.el.clientHeight * dpr);
    }
    if (tile.sent && tile.sent.w === w && tile.sent.h === hgt) return;
    tile.sent = { w, h: hgt };
    this.onPrefer(tile.producerId, w, hgt);
  }

  destroy() {
    this.resizeObserver.disconnect();
    this.intersectionObserver.disconnect();
    document.removeEventListener('visibilitychange', this.onVisibility);
    for (const tile of this.tiles.values()) {
      clearTimeout(tile.timer);
      this.detachTrackEvents(tile);
      tile.video.srcObject = null;
    }
    for (const el of this.audios.values()) {
      el.srcObject = null;
      el.remove();
    }
    this.audios.clear();
  }
}
