// Unit tests of the room's signaling socket (assets/room/signaling.js) with a
// fake WebSocket and Node's mock timers: the first message, preconnecting,
// the connect timeout, and declaring a silent link dead without waiting for
// a close handshake that a dead network never completes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Signaling } from '../../Sources/WebApp/Public/assets/room/signaling.js';

class FakeWebSocket extends EventTarget {
  static OPEN = 1;
  static made = [];
  constructor(url) {
    super();
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    this.closeCalls = [];
    FakeWebSocket.made.push(this);
  }
  send(text) { this.sent.push(JSON.parse(text)); }
  close(code, reason) { this.closeCalls.push({ code, reason }); this.readyState = 2; }
  // The test plays the network:
  opened() { this.readyState = 1; this.dispatchEvent(new Event('open')); }
  receive(msg) { this.dispatchEvent(Object.assign(new Event('message'), { data: JSON.stringify(msg) })); }
  closedByPeer(code = 1006) { this.readyState = 3; this.dispatchEvent(Object.assign(new Event('close'), { code, reason: '' })); }
}
globalThis.WebSocket = FakeWebSocket;

function clock(t) {
  let now = 1_000_000;
  const realNow = Date.now;
  Date.now = () => now;
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  t.after(() => { Date.now = realNow; });
  return { tick(ms) { now += ms; t.mock.timers.tick(ms); } };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

test('the first message goes out once the socket opens; server messages come out as `message`', async () => {
  FakeWebSocket.made = [];
  const s = new Signaling('ws://parley/api/v1/signal');
  const got = [];
  s.addEventListener('message', (ev) => got.push(ev.detail));
  const done = s.connect('join-token');
  const ws = FakeWebSocket.made[0];
  assert.deepEqual(ws.sent, []);
  ws.opened();
  await done;
  assert.deepEqual(ws.sent, [{ type: 'join', token: 'join-token' }]);
  ws.receive({ type: 'joined', participantId: 'p-1' });
  ws.receive({ nope: true });
  assert.deepEqual(got, [{ type: 'joined', participantId: 'p-1' }]);
  s.close();
});

test('preconnect opens the socket before the first message is known; connect then uses it', async () => {
  FakeWebSocket.made = [];
  const s = new Signaling('ws://parley/api/v1/signal').preconnect();
  assert.equal(FakeWebSocket.made.length, 1);
  FakeWebSocket.made[0].opened();
  await flush();
  await s.connect({ type: 'resume', resumeToken: 'r', keepMedia: true });
  assert.equal(FakeWebSocket.made.length, 1, 'no second socket');
  assert.deepEqual(FakeWebSocket.made[0].sent, [{ type: 'resume', resumeToken: 'r', keepMedia: true }]);
  s.close();
});

test('a socket that does not open in time is given up and reported closed', async (t) => {
  const c = clock(t);
  FakeWebSocket.made = [];
  const s = new Signaling('ws://parley/api/v1/signal');
  let closes = 0;
  s.addEventListener('close', () => { closes += 1; });
  const done = s.connect('join-token', { timeoutMs: 2000 });
  const failed = done.then(() => 'opened', (err) => err.message);
  c.tick(1999);
  await flush();
  c.tick(1);
  assert.match(await failed, /could not be reached/);
  assert.equal(FakeWebSocket.made[0].closeCalls.length, 1);
  FakeWebSocket.made[0].closedByPeer();
  assert.equal(closes, 1);
});

test('a silent link is declared dead at once, without waiting for the close handshake', async (t) => {
  const c = clock(t);
  FakeWebSocket.made = [];
  const s = new Signaling('ws://parley/api/v1/signal');
  const closes = [];
  s.addEventListener('close', (ev) => closes.push(ev.detail));
  const done = s.connect('join-token');
  const ws = FakeWebSocket.made[0];
  ws.opened();
  await done;
  c.tick(5000);
  assert.deepEqual(ws.sent.at(-1), { type: 'ping' });
  ws.receive({ type: 'pong' });
  c.tick(10_000);
  assert.deepEqual(closes, [], 'a pong 10 s ago: alive');
  c.tick(5000);
  assert.equal(closes.length, 1, 'no answer for more than 12 s: dead');
  assert.equal(closes[0].code, 4000);
  assert.equal(s.isOpen, false);
  // The browser's own close event, when the network finally returns, is not reported twice.
  ws.closedByPeer();
  assert.equal(closes.length, 1);
});
