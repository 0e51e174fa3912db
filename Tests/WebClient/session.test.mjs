// Unit tests of the room's DOM-free session (assets/room/session.js):
// joining, reconnecting with the resume token, media resets and ICE
// restarts, with a scripted signaling socket, fake peer connections and a
// manual clock. Run: node --test Tests/WebClient/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoomSession, RECONNECT_BACKOFF_MS } from '../../Sources/WebApp/Public/assets/room/session.js';

/** A signaling socket the test drives: what the client sent, and server messages on demand. */
class FakeSignaling extends EventTarget {
  constructor(world) {
    super();
    this.world = world;
    this.sent = [];
    this.first = null;
    this.isOpen = false;
    this.closedWith = null;
  }

  async connect(first) {
    this.first = first;
    if (!this.world.reachable) {
      throw new Error('unreachable');
    }
    this.isOpen = true;
  }

  send(type, fields = {}) {
    if (!this.isOpen) return false;
    this.sent.push({ type, ...fields });
    return true;
  }

  close({ leave = false } = {}) {
    if (leave) this.send('leave');
    this.isOpen = false;
    this.closedWith = { leave };
  }

  /** The server sends a message. */
  serve(msg) { this.dispatchEvent(new CustomEvent('message', { detail: msg })); }

  /** The network or the server ends the socket. */
  drop() {
    this.isOpen = false;
    this.dispatchEvent(new CustomEvent('close', { detail: { code: 1006 } }));
  }
}

/** A publish or subscribe connection: a state the test sets, and what was asked of it. */
class FakeConnection extends EventTarget {
  constructor(kind, options) {
    super();
    this.kind = kind;
    this.options = options;
    this.pc = { connectionState: 'new' };
    this.closed = null;
    this.restarts = 0;
    this.negotiations = 0;
    this.unsettled = false;
    this.failed = 0;
  }

  setState(state) {
    this.pc.connectionState = state;
    this.dispatchEvent(new CustomEvent('state', { detail: state }));
  }

  close(opts = {}) { this.closed = opts; }
  failPending() { this.failed += 1; }
  restartIce() { this.restarts += 1; return Promise.resolve(); }
  negotiate() { this.negotiations += 1; return Promise.resolve(); }
}

/** A manual clock: timers fire only when the test advances time. */
class Clock {
  constructor() { this.t = 0; this.timers = new Map(); this.next = 1; }
  setTimeout(fn, ms) { const id = this.next++; this.timers.set(id, { at: this.t + ms, fn }); return id; }
  clearTimeout(id) { this.timers.delete(id); }
  now() { return this.t; }
  async advance(ms) {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
      await flush();
    }
    this.t = end;
    await flush();
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

function setup({ giveUpAfterMs = 60_000 } = {}) {
  const world = { reachable: true, sockets: [], connections: [], beacons: [] };
  const clock = new Clock();
  const online = new EventTarget();
  const events = [];
  const session = new RoomSession({
    token: 'join-token',
    makeSignaling: () => { const s = new FakeSignaling(world); world.sockets.push(s); return s; },
    makePublisher: (o) => { const c = new FakeConnection('publish', o); world.connections.push(c); return c; },
    makeSubscriber: (o) => { const c = new FakeConnection('subscribe', o); world.connections.push(c); return c; },
    timers: { setTimeout: (f, ms) => clock.setTimeout(f, ms), clearTimeout: (id) => clock.clearTimeout(id), now: () => clock.now() },
    giveUpAfterMs,
    onlineEvents: online,
    sendBeacon: (url, body) => { world.beacons.push({ url, body: JSON.parse(body) }); return true; },
  });
  for (const type of ['joined', 'reconnecting', 'reconnected', 'media', 'disconnected', 'ice-restart', 'participant.joined']) {
    session.addEventListener(type, (ev) => events.push({ type, detail: ev.detail }));
  }
  const socket = () => world.sockets[world.sockets.length - 1];
  const joined = (extra = {}) => socket().serve({
    type: 'joined', participantId: 'p-1', role: 'host', resumeToken: 'resume-1', iceServers: [{ urls: ['turn:x'] }], participants: [], ...extra,
  });
  return { world, clock, online, events, session, socket, joined };
}

test('joining makes both peer connections with the ICE servers and passes room messages on', async () => {
  const { session, socket, joined, events, world } = setup();
  await session.start();
  assert.deepEqual(socket().first, { type: 'join', token: 'join-token' });
  joined();
  assert.equal(session.state, 'joined');
  assert.equal(world.connections.length, 2);
  assert.deepEqual(session.publisher.options.iceServers, [{ urls: ['turn:x'] }]);
  assert.equal(session.publisher.options.signaling, session, 'Publisher sends through the session, whatever socket is current');
  socket().serve({ type: 'participant.joined', participant: { id: 'p-2' } });
  assert.deepEqual(events.map((e) => e.type), ['joined', 'participant.joined']);
});

test('a dropped socket resumes with the newest resume token and keeps live media', async () => {
  const { session, socket, joined, events, clock, world } = setup();
  await session.start();
  joined();
  socket().serve({ type: 'pong', resumeToken: 'resume-2' });
  session.publisher.setState('connected');
  session.subscriber.setState('connected');
  const publisher = session.publisher;
  socket().drop();
  assert.equal(session.state, 'reconnecting');
  assert.equal(publisher.failed, 1, 'an offer waiting for its answer is given up (rolled back)');
  assert.equal(events.at(-1).type, 'reconnecting');
  assert.equal(world.sockets.length, 1, 'no new socket before the first backoff step');
  await clock.advance(RECONNECT_BACKOFF_MS[0]);
  assert.equal(world.sockets.length, 2);
  assert.deepEqual(socket().first, { type: 'resume', resumeToken: 'resume-2', keepMedia: true });
  socket().serve({ type: 'resumed', participantId: 'p-1', resumeToken: 'resume-3', mediaReset: false, participants: [] });
  assert.equal(session.state, 'joined');
  assert.equal(session.publisher, publisher, 'the same peer connections carry on');
  assert.equal(publisher.closed, null);
  assert.equal(session.resumeToken, 'resume-3');
  const reconnected = events.find((e) => e.type === 'reconnected');
  assert.equal(reconnected.detail.mediaReset, false);
  assert.ok(!events.some((e) => e.type === 'media'));
  assert.equal(session.counters.resumes, 1);
});

test('closed peer connections are not offered to keep', async () => {
  const { session, socket, joined, clock } = setup();
  await session.start();
  joined();
  session.subscriber.setState('closed');
  socket().drop();
  await clock.advance(RECONNECT_BACKOFF_MS[0]);
  assert.equal(socket().first.keepMedia, false);
});

test('a resume with mediaReset replaces the peer connections but keeps the local tracks', async () => {
  const { session, socket, joined, events, clock } = setup();
  await session.start();
  joined();
  const oldPublisher = session.publisher;
  oldPublisher.setState('failed');
  socket().drop();
  await clock.advance(RECONNECT_BACKOFF_MS[0]);
  assert.equal(socket().first.keepMedia, true, 'a failed connection is kept: an ICE restart revives it');
  socket().serve({ type: 'resumed', participantId: 'p-1', mediaReset: true, participants: [] });
  assert.notEqual(session.publisher, oldPublisher);
  assert.deepEqual(oldPublisher.closed, { stopTracks: false });
  assert.equal(events.at(-1).type, 'media');
});

test('while the server is away, attempts back off; when it returns the same person rejoins', async () => {
  const { session, socket, joined, events, clock, world } = setup();
  await session.start();
  joined();
  world.reachable = false;
  socket().drop();
  let elapsed = 0;
  for (let i = 0; i < 4; i += 1) {
    const wait = RECONNECT_BACKOFF_MS[Math.min(i, RECONNECT_BACKOFF_MS.length - 1)];
    await clock.advance(wait);
    elapsed += wait;
    assert.equal(world.sockets.length, 2 + i, `attempt ${i + 1} after ${elapsed} ms`);
  }
  // Not one attempt more before the next step of the backoff (the last step repeats).
  await clock.advance(RECONNECT_BACKOFF_MS.at(-1) - 1);
  assert.equal(world.sockets.length, 5);
  world.reachable = true;
  await clock.advance(1);
  assert.equal(world.sockets.length, 6);
  assert.equal(socket().first.type, 'resume');
  // The restarted server has no room: it joins the person again, same id.
  socket().serve({ type: 'joined', participantId: 'p-1', role: 'host', resumeToken: 'resume-9', participants: [] });
  assert.equal(session.state, 'joined');
  const reconnected = events.find((e) => e.type === 'reconnected');
  assert.equal(reconnected.detail.rejoined, true);
  assert.equal(events.at(-1).type, 'media');
  assert.equal(session.counters.rejoins, 1);
});

test('a refused resume ends in disconnected with the server\'s reason', async () => {
  const { session, socket, joined, events, clock } = setup();
  await session.start();
  joined();
  socket().drop();
  await clock.advance(RECONNECT_BACKOFF_MS[0]);
  socket().serve({ type: 'error', code: 'removed', message: 'You were removed from this meeting.', requestType: 'resume' });
  assert.equal(session.state, 'closed');
  const last = events.at(-1);
  assert.equal(last.type, 'disconnected');
  assert.equal(last.detail.code, 'removed');
});

test('it gives up after the limit, with no endless retries', async () => {
  const { session, socket, joined, events, clock, world } = setup({ giveUpAfterMs: 20_000 });
  await session.start();
  joined();
  world.reachable = false;
  socket().drop();
  await clock.advance(30_000);
  assert.equal(events.at(-1).type, 'disconnected');
  const count = world.sockets.length;
  await clock.advance(60_000);
  assert.equal(world.sockets.length, count);
});

test('a socket lost before being admitted does not try to resume', async () => {
  const { session, socket, events } = setup();
  await session.start();
  socket().serve({ type: 'lobby.waiting' });
  socket().drop();
  assert.equal(events.at(-1).type, 'disconnected');
});

test('ICE: a failed connection restarts at once, a disconnected one after 3 s unless it heals', async () => {
  const { session, socket, joined, clock } = setup();
  await session.start();
  joined();
  session.publisher.setState('failed');
  assert.equal(session.publisher.restarts, 1);
  session.subscriber.setState('disconnected');
  await clock.advance(2_000);
  session.subscriber.setState('connected');
  await clock.advance(5_000);
  assert.ok(!socket().sent.some((m) => m.type === 'ice.restart'), 'a blip that healed needs no restart');
  session.subscriber.setState('disconnected');
  await clock.advance(3_000);
  assert.equal(socket().sent.filter((m) => m.type === 'ice.restart').length, 1);
});

test('a network change (online) restarts ICE on both, spaced out', async () => {
  const { session, socket, joined, online, clock } = setup();
  await session.start();
  joined();
  online.dispatchEvent(new Event('online'));
  assert.equal(session.publisher.restarts, 1);
  assert.equal(socket().sent.filter((m) => m.type === 'ice.restart').length, 1);
  online.dispatchEvent(new Event('online'));
  assert.equal(session.publisher.restarts, 1, 'not twice within 5 s');
  await clock.advance(5_000);
  online.dispatchEvent(new Event('online'));
  assert.equal(session.publisher.restarts, 2);
});

test('media.reset from Parley makes fresh peer connections while the socket stays', async () => {
  const { session, socket, joined, events } = setup();
  await session.start();
  joined();
  const before = session.subscriber;
  socket().serve({ type: 'media.reset' });
  assert.notEqual(session.subscriber, before);
  assert.equal(events.at(-1).type, 'media');
  assert.equal(events.at(-1).detail.reason, 'reset');
});

test('a keep-media resume renegotiates an offer the dropped socket swallowed, and restarts a path that went down', async () => {
  const { session, socket, joined, clock } = setup();
  await session.start();
  joined();
  session.publisher.unsettled = true;
  session.subscriber.pc.connectionState = 'disconnected';
  socket().drop();
  await clock.advance(RECONNECT_BACKOFF_MS[0]);
  socket().serve({ type: 'resumed', participantId: 'p-1', mediaReset: false, participants: [] });
  assert.equal(session.publisher.negotiations, 1);
  assert.equal(socket().sent.filter((m) => m.type === 'ice.restart').length, 1, 'a path still down after a resume restarts at once');
});

test('media getting through again during a reconnection retries the socket at once', async () => {
  const { session, socket, joined, clock, world, online } = setup();
  await session.start();
  joined();
  world.reachable = false;
  socket().drop();
  await clock.advance(RECONNECT_BACKOFF_MS[0] + RECONNECT_BACKOFF_MS[1]);
  const tried = world.sockets.length;
  world.reachable = true;
  session.subscriber.setState('connected');
  await flush();
  assert.equal(world.sockets.length, tried + 1, 'no wait for the backoff');
  socket().serve({ type: 'resumed', participantId: 'p-1', participants: [] });
  assert.equal(session.state, 'joined');
  // The browser's `online` does the same.
  world.reachable = false;
  socket().drop();
  await clock.advance(RECONNECT_BACKOFF_MS[0]);
  const before = world.sockets.length;
  world.reachable = true;
  online.dispatchEvent(new Event('online'));
  await flush();
  assert.equal(world.sockets.length, before + 1);
});

test('leave tells Parley and closes everything', async () => {
  const { session, socket, joined } = setup();
  await session.start();
  joined();
  const s = socket();
  const publisher = session.publisher;
  session.leave();
  assert.deepEqual(s.sent.at(-1), { type: 'leave' });
  assert.equal(session.state, 'closed');
  assert.deepEqual(publisher.closed, { stopTracks: true });
});

test('a socket that opens but never answers the resume is replaced, and a passing error is retried', async () => {
  const { session, socket, joined, clock, world } = setup();
  await session.start();
  joined();
  socket().drop();
  await clock.advance(RECONNECT_BACKOFF_MS[0]);
  assert.equal(world.sockets.length, 2);
  const silent = socket();
  await clock.advance(7_999);
  assert.equal(world.sockets.length, 2);
  await clock.advance(1);
  assert.ok(silent.closedWith, 'the silent socket is closed');
  await clock.advance(RECONNECT_BACKOFF_MS.at(-1));
  assert.equal(world.sockets.length, 3);
  socket().serve({ type: 'error', code: 'internal', message: 'The meeting could not be loaded. Try again.', requestType: 'resume' });
  assert.equal(session.state, 'reconnecting');
  await clock.advance(RECONNECT_BACKOFF_MS.at(-1));
  assert.equal(world.sockets.length, 4);
  socket().serve({ type: 'resumed', participantId: 'p-1', participants: [] });
  assert.equal(session.state, 'joined');
});

test('a page going away leaves by beacon as well as on the socket', async () => {
  const { session, socket, joined, world } = setup();
  await session.start();
  joined();
  socket().serve({ type: 'pong', resumeToken: 'resume-7' });
  const s = socket();
  session.leaveOnUnload();
  assert.deepEqual(world.beacons, [{ url: '/api/v1/leave', body: { resumeToken: 'resume-7' } }]);
  assert.deepEqual(s.sent.at(-1), { type: 'leave' });
  session.leaveOnUnload();
  assert.equal(world.beacons.length, 1, 'once');
});

test('a socket the page opened early carries the join; reconnections make their own', async () => {
  const world = { reachable: true, sockets: [], connections: [], beacons: [] };
  const early = new FakeSignaling(world);
  const clock = new Clock();
  const session = new RoomSession({
    token: 'join-token',
    signaling: early,
    makeSignaling: () => { const s = new FakeSignaling(world); world.sockets.push(s); return s; },
    makePublisher: (o) => new FakeConnection('publish', o),
    makeSubscriber: (o) => new FakeConnection('subscribe', o),
    timers: { setTimeout: (f, ms) => clock.setTimeout(f, ms), clearTimeout: (id) => clock.clearTimeout(id), now: () => clock.now() },
    onlineEvents: null,
  });
  await session.start();
  assert.deepEqual(early.first, { type: 'join', token: 'join-token' });
  assert.equal(world.sockets.length, 0);
  early.serve({ type: 'joined', participantId: 'p-1', resumeToken: 'r', participants: [] });
  assert.equal(session.state, 'joined');
  early.drop();
  await clock.advance(RECONNECT_BACKOFF_MS[0]);
  assert.equal(world.sockets.length, 1);
  assert.equal(world.sockets[0].first.type, 'resume');
});

test('attempts overlap: a new one starts at each step while earlier ones still hang; the first to open wins', async () => {
  const { session, socket, joined, clock, world } = setup();
  await session.start();
  joined();
  // Sockets that neither open nor fail (a dead network swallows the SYN).
  const pending = [];
  world.hang = true;
  const realConnect = FakeSignaling.prototype.connect;
  FakeSignaling.prototype.connect = function (first) {
    this.first = first;
    return new Promise((resolve, reject) => pending.push({ socket: this, resolve, reject }));
  };
  try {
    socket().drop();
    await clock.advance(RECONNECT_BACKOFF_MS[0]);
    await clock.advance(RECONNECT_BACKOFF_MS[1]);
    await clock.advance(RECONNECT_BACKOFF_MS[2]);
    assert.equal(pending.length, 3, 'three attempts under way at once');
    await clock.advance(RECONNECT_BACKOFF_MS[3]);
    assert.equal(pending.length, 3, 'not more than three');
    // The network returns: the newest attempt opens first.
    pending[2].socket.isOpen = true;
    pending[2].resolve();
    await flush();
    assert.equal(session.signaling, pending[2].socket);
    assert.ok(pending[0].socket.closedWith && pending[1].socket.closedWith, 'the others are let go');
    // A straggler that opens later is closed at once.
    pending[0].resolve();
    await flush();
    assert.equal(session.signaling, pending[2].socket);
    pending[2].socket.serve({ type: 'resumed', participantId: 'p-1', participants: [] });
    assert.equal(session.state, 'joined');
  } finally {
    FakeSignaling.prototype.connect = realConnect;
  }
});
