// The live connection: one WebSocket to /api/v1/ws per signed-in tab.
// Reconnects with exponential backoff (and jitter); dispatches server messages
// as DOM events: `hello`, `presence`, `notification`, `call`, plus `status`
// ({detail: 'connecting' | 'open' | 'closed'}).

import { api } from './api.js';

const PING_EVERY_MS = 25_000;
const SILENCE_LIMIT_MS = 70_000;
const BACKOFF_MIN_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;

class Live extends EventTarget {
  constructor() {
    super();
    this.ws = null;
    this.wanted = false;
    this.attempt = 0;
    this.retryTimer = null;
    this.pingTimer = null;
    this.lastMessageAt = 0;
    this.status = 'closed';
    window.addEventListener('online', () => this.kick());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.kick();
    });
  }

  start() {
    if (this.wanted) return;
    this.wanted = true;
    this.attempt = 0;
    this.connect();
  }

  stop() {
    this.wanted = false;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      try { ws.close(1000, 'signed out'); } catch { /* ignore */ }
    }
    this.setStatus('closed');
  }

  /** Reconnect now if we are waiting in backoff. */
  kick() {
    if (!this.wanted) return;
    if (this.ws && (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)) return;
    clearTimeout(this.retryTimer);
    this.connect();
  }

  get isOpen() {
    return !!this.ws && this.ws.readyState === WebSocket.OPEN;
  }

  send(message) {
    if (!this.isOpen) return false;
    try {
      this.ws.send(JSON.stringify(message));
      return true;
    } catch {
      return false;
    }
  }

  setStatus(status) {
    if (this.status === status) return;
    this.status = status;
    this.dispatchEvent(new CustomEvent('status', { detail: status }));
  }

  connect() {
    if (!this.wanted) return;
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    let ws;
    try {
      ws = new WebSocket(`${proto}//${location.host}/api/v1/ws`);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    this.setStatus('connecting');

    ws.addEventListener('open', () => {
      if (this.ws !== ws) return;
      this.attempt = 0;
      this.lastMessageAt = Date.now();
      this.setStatus('open');
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => {
        if (Date.now() - this.lastMessageAt > SILENCE_LIMIT_MS) {
          try { ws.close(4000, 'silent'); } catch { /* ignore */ }
          return;
        }
        this.send({ type: 'ping' });
      }, PING_EVERY_MS);
    });

    ws.addEventListener('message', (ev) => {
      if (this.ws !== ws) return;
      this.lastMessageAt = Date.now();
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      if (!msg || typeof msg.type !== 'string') return;
      switch (msg.type) {
        case 'hello':
          this.dispatchEvent(new CustomEvent('hello', { detail: msg.user }));
          break;
        case 'presence':
          this.dispatchEvent(new CustomEvent('presence', { detail: { userId: msg.userId, presence: msg.presence } }));
          break;
        case 'notification':
          if (msg.notification) this.dispatchEvent(new CustomEvent('notification', { detail: msg.notification }));
          break;
        case 'call':
          if (msg.call) this.dispatchEvent(new CustomEvent('call', { detail: msg.call }));
          break;
        default:
          break; // pong and future message types
      }
    });

    ws.addEventListener('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      clearInterval(this.pingTimer);
      if (!this.wanted) return;
      this.setStatus('connecting');
      this.scheduleReconnect(true);
    });
    // 'error' is always followed by 'close'.
  }

  async scheduleReconnect(checkSession = false) {
    clearTimeout(this.retryTimer);
    if (!this.wanted) return;
    if (checkSession && this.attempt > 0) {
      // Repeated failures may mean the session ended (the upgrade gets a 401,
      // which the browser does not expose). Ask once per failed attempt.
      try {
        await api.get('/me', { quiet: true });
      } catch (err) {
        if (err.status === 401) {
          this.stop();
          window.dispatchEvent(new CustomEvent('parley:unauthenticated'));
          return;
        }
      }
    }
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt);
    const delay = base / 2 + Math.random() * (base / 2);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }
}

export const live = new Live();
