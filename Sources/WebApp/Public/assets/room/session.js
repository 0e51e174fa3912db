// The meeting room's session, without any DOM: the signaling socket, the
// publish and subscribe peer connections, and staying in the meeting when
// the network does not (Docs/signaling.md, "Staying in the meeting").
//
// - join: opens the socket with the join token; `joined` makes both peer
//   connections and emits `joined`.
// - The socket drops (network gone, server restarting): the session emits
//   `reconnecting`, retries with backoff, and comes back with `resume` and
//   the latest resume token. Parley answers `resumed` (the same place) or
//   `joined` (the same person, rejoined: the server restarted); when the
//   peer connections cannot be kept (`mediaReset`), fresh ones are made and
//   `media` is emitted so the view publishes again. It gives up (emits
//   `disconnected`) when Parley refuses the token or after `giveUpAfterMs`.
// - The media path fails or the network changes while the socket lives: an
//   ICE restart (RFC 8445 §9) on both connections, no new join, no
//   renegotiation of the tracks. If Parley lost the transports instead, it
//   sends `media.reset` and the session makes fresh peer connections.
//
// Every other server message is re-dispatched by its type (`on(type, fn)`),
// whichever socket it came on, so the view and the Publisher/Subscriber
// listen once. Dependencies are injected so tests run it under Node.

import { Signaling } from './signaling.js';
import { Publisher } from './publisher.js';
import { Subscriber } from './subscriber.js';

/**
 * Wait before each reconnection attempt, in ms (the last one repeats). Short:
 * an attempt costs one small request, and the time from the network's return
 * to being back is at most the last step plus one round trip.
 */
export const RECONNECT_BACKOFF_MS = [250, 500, 1000, 1000];
/**
 * Resume attempts overlap: a new one starts at every backoff step even while
 * earlier ones still wait on a dead network (their SYNs were dropped and the
 * kernel retries them only after 1, 3, 7 s), so the first attempt after the
 * network returns goes through at once. Each lives this long, at most this
 * many at a time; the first to open wins.
 */
const RESUME_CONNECT_MS = 4000;
const MAX_ATTEMPTS = 3;
/** An ICE connection `disconnected` this long gets an ICE restart. */
const DISCONNECTED_RESTART_MS = 3000;
/** At most one ICE restart per connection this often. */
const RESTART_SPACING_MS = 5000;

/** Parley's refusals that end a resume for good. */
const FINAL_RESUME_ERRORS = new Set(['bad_token', 'removed', 'ended', 'not_found', 'locked', 'room_full', 'connection_lost']);
/** A socket that opened but brought no answer to `resume` this soon is retried. */
const RESUME_ANSWER_MS = 8000;

export class RoomSession extends EventTarget {
  /**
   * token: the join token; signaling: a Signaling already opening
   * (`preconnect()`), used for the join. Optional injections: makeSignaling(), makePublisher
   * ({signaling, iceServers}), makeSubscriber(...), timers {setTimeout,
   * clearTimeout, now}, backoffMs, giveUpAfterMs, onlineEvents (an
   * EventTarget that fires `online`, e.g. window).
   */
  constructor({
    token,
    signaling = null,
    makeSignaling = () => new Signaling(),
    makePublisher = (o) => new Publisher(o),
    makeSubscriber = (o) => new Subscriber(o),
    timers = { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (t) => clearTimeout(t), now: () => Date.now() },
    backoffMs = RECONNECT_BACKOFF_MS,
    giveUpAfterMs = 120_000,
    onlineEvents = typeof window !== 'undefined' ? window : null,
    sendBeacon = (url, body) => (typeof navigator !== 'undefined' && navigator.sendBeacon
      ? navigator.sendBeacon(url, new Blob([body], { type: 'application/json' })) : false),
  }) {
    super();
    this.token = token;
    this.makeSignaling = makeSignaling;
    this.makePublisher = makePublisher;
    this.makeSubscriber = makeSubscriber;
    this.timers = timers;
    this.backoffMs = backoffMs;
    this.giveUpAfterMs = giveUpAfterMs;
    this.sendBeacon = sendBeacon;
    /** A socket opened early by the page, for the first `open`. */
    this.early = signaling;
    /** joining | lobby | joined | reconnecting | closed */
    this.state = 'joining';
    this.signaling = null;
    this.publisher = null;
    this.subscriber = null;
    this.iceServers = [];
    this.participantId = null;
    this.resumeToken = null;
    this.attempt = 0;
    this.reconnectTimer = null;
    this.reconnectingSince = 0;
    this.restartTimers = new Map();
    this.lastRestart = new Map();
    /** Reconnections that succeeded and ICE restarts made (tests, stats). */
    this.counters = { resumes: 0, rejoins: 0, mediaResets: 0, iceRestarts: 0 };
    /** Resume attempts whose sockets are still opening. */
    this.attempts = new Set();
    this.onOnline = () => {
      if (this.state === 'reconnecting') this.retryNow();
      else this.restartIce('network');
    };
    if (onlineEvents) onlineEvents.addEventListener('online', this.onOnline);
    this.onlineEvents = onlineEvents;
  }

  // --- The view's side ------------------------------------------------------

  /** Listen for one server message type; returns a function that stops listening. */
  on(type, fn) {
    const handler = (ev) => fn(ev.detail);
    this.addEventListener(type, handler);
    return () => this.removeEventListener(type, handler);
  }

  /** Send on the current socket; false when there is none. */
  send(type, fields = {}) {
    return !!this.signaling && this.signaling.send(type, fields);
  }

  get connected() {
    return !!this.signaling && this.signaling.isOpen;
  }

  emit(type, detail = {}) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  /** Join with the token. Rejects when Parley cannot be reached at all. */
  async start() {
    await this.open({ type: 'join', token: this.token });
  }

  /** Leave on purpose: tell Parley, close everything. */
  leave() {
    if (this.signaling) this.signaling.close({ leave: true });
    this.close();
  }

  /**
   * The page is going away (closed, reloaded, navigated). Leave on the
   * socket if it is still open, and by beacon too: some browsers (Firefox)
   * start closing the socket before `pagehide`, and a lost `leave` would
   * keep the person "reconnecting" for the whole grace period.
   */
  leaveOnUnload() {
    if (this.resumeToken && this.state !== 'closed') {
      this.sendBeacon('/api/v1/leave', JSON.stringify({ resumeToken: this.resumeToken }));
    }
    this.leave();
  }

  /** Close everything quietly (idempotent). Keeps local tracks when asked. */
  close({ stopTracks = true } = {}) {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.timers.clearTimeout(this.reconnectTimer);
    this.dropAttempts();
    for (const t of this.restartTimers.values()) this.timers.clearTimeout(t);
    this.restartTimers.clear();
    if (this.onlineEvents) this.onlineEvents.removeEventListener('online', this.onOnline);
    this.closeMedia({ stopTracks });
    if (this.signaling) this.signaling.close();
    this.signaling = null;
  }

  // --- The socket -------------------------------------------------------------

  /** Opens a socket whose first message is `first`; its messages flow through us. */
  async open(first, options = {}) {
    const s = this.early || this.makeSignaling();
    this.early = null;
    this.signaling = s;
    s.addEventListener('message', (ev) => { if (this.signaling === s) this.onMessage(ev.detail); });
    s.addEventListener('close', () => { if (this.signaling === s) this.onSocketClosed(); });
    await s.connect(first, options);
  }

  onMessage(m) {
    if (this.state === 'closed') return;
    switch (m.type) {
      case 'joined': return this.onJoined(m);
      case 'resumed': return this.onResumed(m);
      case 'media.reset': return this.resetMedia(m);
      case 'lobby.waiting':
        this.state = 'lobby';
        break;
      case 'pong':
        if (typeof m.resumeToken === 'string') this.resumeToken = m.resumeToken;
        return;
      case 'error':
        if (this.state === 'reconnecting' && m.requestType === 'resume') return this.resumeRefused(m);
        break;
      default:
        break;
    }
    this.emit(m.type, m);
  }

  onJoined(m) {
    if (typeof m.resumeToken === 'string') this.resumeToken = m.resumeToken;
    this.participantId = String(m.participantId || '');
    this.iceServers = Array.isArray(m.iceServers) ? m.iceServers : [];
    if (this.state === 'reconnecting') {
      // The server kept no place for us (it restarted, or the grace period
      // ran out): the same person joined again, with fresh media.
      this.counters.rejoins += 1;
      this.reconnected(m, { mediaReset: true, rejoined: true });
      return;
    }
    this.state = 'joined';
    this.makeMedia();
    this.emit('joined', m);
  }

  onResumed(m) {
    if (typeof m.resumeToken === 'string') this.resumeToken = m.resumeToken;
    this.iceServers = Array.isArray(m.iceServers) ? m.iceServers : this.iceServers;
    this.counters.resumes += 1;
    this.reconnected(m, { mediaReset: !!m.mediaReset, rejoined: false });
  }

  reconnected(m, { mediaReset, rejoined }) {
    this.state = 'joined';
    this.attempt = 0;
    this.timers.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.dropAttempts();
    if (mediaReset || !this.publisher || !this.subscriber) {
      this.closeMedia({ stopTracks: false });
      this.makeMedia();
    }
    this.emit('reconnected', { message: m, mediaReset: mediaReset || false, rejoined });
    if (mediaReset) this.emit('media', { reason: rejoined ? 'rejoined' : 'resumed' });
    else this.checkMedia();
  }

  onSocketClosed() {
    if (this.state === 'closed') return;
    this.signaling = null;
    // An offer waiting for its answer will not get it on this socket.
    if (this.publisher) this.publisher.failPending(new Error('The connection to Parley was lost.'));
    if (!this.resumeToken || this.state === 'joining' || this.state === 'lobby') {
      // Never admitted: there is no place to come back to.
      this.giveUp('The connection to Parley was lost.');
      return;
    }
    if (this.state !== 'reconnecting') {
      this.state = 'reconnecting';
      this.reconnectingSince = this.timers.now();
      this.emit('reconnecting', {});
    }
    this.scheduleReconnect();
  }

  scheduleReconnect() {
    if (this.state !== 'reconnecting') return;
    if (this.timers.now() - this.reconnectingSince > this.giveUpAfterMs) {
      this.giveUp('Parley could not be reached again.');
      return;
    }
    const wait = this.backoffMs[Math.min(this.attempt, this.backoffMs.length - 1)];
    this.attempt += 1;
    this.timers.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = this.timers.setTimeout(() => {
      this.reconnectTimer = null;
      this.tryResume();
    }, wait);
  }

  /**
   * The network looks back (the browser says `online`, or a peer
   * connection's consent checks got through again): try now rather than at
   * the next step of the backoff.
   */
  retryNow() {
    if (this.state !== 'reconnecting' || this.signaling) return;
    this.timers.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.tryResume();
  }

  /** Starts a resume attempt (unless enough are under way) and schedules the next. */
  tryResume() {
    if (this.state !== 'reconnecting' || this.signaling) return;
    if (this.attempts.size < MAX_ATTEMPTS) this.startAttempt();
    if (this.state === 'reconnecting' && !this.signaling) this.scheduleReconnect();
  }

  startAttempt() {
    const s = this.makeSignaling();
    this.attempts.add(s);
    s.addEventListener('message', (ev) => { if (this.signaling === s) this.onMessage(ev.detail); });
    s.addEventListener('close', () => {
      this.attempts.delete(s);
      if (this.signaling === s) this.onSocketClosed();
    });
    const first = { type: 'resume', resumeToken: this.resumeToken, keepMedia: this.mediaAlive() };
    s.connect(first, { timeoutMs: RESUME_CONNECT_MS }).then(() => {
      this.attempts.delete(s);
      if (this.state !== 'reconnecting' || this.signaling) {
        s.close();
        return;
      }
      // The first to open wins; the others are let go.
      this.dropAttempts();
      this.signaling = s;
      // Open, but no answer: try another socket rather than wait on this one.
      this.timers.clearTimeout(this.reconnectTimer);
      this.reconnectTimer = this.timers.setTimeout(() => {
        this.reconnectTimer = null;
        if (this.state !== 'reconnecting' || this.signaling !== s) return;
        s.close();
        this.signaling = null;
        this.scheduleReconnect();
      }, RESUME_ANSWER_MS);
    }, () => {
      this.attempts.delete(s);
      // The next step is normally already scheduled; make sure of it.
      if (this.state === 'reconnecting' && !this.signaling && !this.reconnectTimer) this.scheduleReconnect();
    });
  }

  dropAttempts() {
    for (const a of this.attempts) a.close();
    this.attempts.clear();
  }

  resumeRefused(m) {
    if (!FINAL_RESUME_ERRORS.has(m.code)) {
      // Something passing (the database was busy): try again.
      if (this.signaling) this.signaling.close();
      this.signaling = null;
      this.scheduleReconnect();
      return;
    }
    this.giveUp(m.message || 'You could not get back into the meeting.', m.code);
  }

  giveUp(message, code = 'disconnected') {
    const s = this.signaling;
    this.close({ stopTracks: false });
    if (s) s.close();
    this.emit('disconnected', { message, code });
  }

  // --- Media ------------------------------------------------------------------

  makeMedia() {
    this.publisher = this.makePublisher({ signaling: this, iceServers: this.iceServers });
    this.subscriber = this.makeSubscriber({ signaling: this, iceServers: this.iceServers });
    for (const [name, pc] of [['publish', this.publisher], ['subscribe', this.subscriber]]) {
      const owner = pc;
      pc.addEventListener('state', (ev) => {
        if (this.publisher !== owner && this.subscriber !== owner) return;
        this.onConnectionState(name, ev.detail);
      });
    }
  }

  closeMedia({ stopTracks }) {
    for (const t of this.restartTimers.values()) this.timers.clearTimeout(t);
    this.restartTimers.clear();
    if (this.publisher) this.publisher.close({ stopTracks });
    if (this.subscriber) this.subscriber.close();
    this.publisher = null;
    this.subscriber = null;
  }

  /** Parley lost our transports while the socket lived: start media afresh. */
  resetMedia() {
    if (this.state !== 'joined') return;
    this.counters.mediaResets += 1;
    this.closeMedia({ stopTracks: false });
    this.makeMedia();
    this.emit('media', { reason: 'reset' });
  }

  /**
   * Both peer connections exist and are not closed. A `failed` one counts:
   * an ICE restart brings it back on the same DTLS association, far sooner
   * than new connections (Parley says `mediaReset` if its side is gone).
   */
  mediaAlive() {
    const alive = (c) => !!c && !!c.pc && c.pc.connectionState !== 'closed';
    return alive(this.publisher) && alive(this.subscriber);
  }

  /**
   * After a resume that kept media: a path still down restarts ICE now. It
   * was down for as long as the socket was (seconds at least), past the
   * point where waiting for it to heal by itself pays.
   */
  checkMedia() {
    // An offer the dropped socket swallowed: offer again.
    if (this.publisher && this.publisher.unsettled) this.publisher.negotiate().catch(() => {});
    for (const [name, c] of [['publish', this.publisher], ['subscribe', this.subscriber]]) {
      if (!c || !c.pc) continue;
      const s = c.pc.connectionState;
      if (s === 'failed' || s === 'disconnected') this.restartIce('resume', name);
    }
  }

  onConnectionState(name, state) {
    this.emit('connection', { name, state });
    // Media got through again while the socket is away: the network is back.
    if (state === 'connected' && this.state === 'reconnecting') this.retryNow();
    const pending = this.restartTimers.get(name);
    if (state === 'connected' || state === 'closed') {
      if (pending) this.timers.clearTimeout(pending);
      this.restartTimers.delete(name);
      return;
    }
    if (state === 'failed') {
      this.restartIce('failed', name);
    } else if (state === 'disconnected' && !pending) {
      // Often a blip that heals by itself; if not, a restart.
      this.restartTimers.set(name, this.timers.setTimeout(() => {
        this.restartTimers.delete(name);
        this.restartIce('disconnected', name);
      }, DISCONNECTED_RESTART_MS));
    }
  }

  /**
   * ICE restart (RFC 8445 §9): the publish side offers with new
   * credentials (restartIce + a new offer, same tracks); the subscribe
   * side asks Parley, its offerer, with `ice.restart`. Needs the socket.
   */
  restartIce(reason, only = null) {
    if (this.state !== 'joined' || !this.connected) return;
    const now = this.timers.now();
    for (const name of only ? [only] : ['publish', 'subscribe']) {
      if (now - (this.lastRestart.get(name) ?? -Infinity) < RESTART_SPACING_MS) continue;
      this.lastRestart.set(name, now);
      this.counters.iceRestarts += 1;
      if (name === 'publish' && this.publisher) {
        this.publisher.restartIce().catch(() => { /* the next state change tries again */ });
      } else if (name === 'subscribe' && this.subscriber) {
        this.send('ice.restart', {});
      }
      this.emit('ice-restart', { name, reason });
    }
  }
}
