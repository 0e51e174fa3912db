// The meeting room's signaling socket (Docs/signaling.md): one WebSocket to
// /api/v1/signal. Sends a first message (`join` or `resume`), pings every
// 5 s, and dispatches every server message as a `message` event (detail:
// the parsed message). Dispatches `close` ({detail: {code, reason}}) when the
// server or the network ends the socket (not after our own close()). One
// socket is one attempt: RoomSession makes a new one to reconnect.

const PING_EVERY_MS = 5_000;
/** Parley answers every ping: this long a silence means a dead link
 * (a pulled cable leaves TCP waiting for minutes). */
const SILENCE_LIMIT_MS = 12_000;
const CONNECT_TIMEOUT_MS = 8_000;
const UNREACHABLE = 'Parley could not be reached. Check your connection and try again.';

export class Signaling extends EventTarget {
  constructor(url = defaultUrl()) {
    super();
    this.url = url;
    this.ws = null;
    this.pingTimer = null;
    this.lastMessageAt = 0;
    this.closedByUs = false;
    this.closed = false;
  }

  /**
   * Start opening the socket now, before the first message is known: the
   * page does this while it asks for the join token, so the WebSocket
   * handshake (TCP, TLS, upgrade: two or three round trips) overlaps that
   * request. `connect()` finishes the job. Throws if no socket can be made.
   */
  preconnect() {
    if (!this.ws) this.openSocket();
    return this;
  }

  openSocket() {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    this.closed = false;
    this.opening = new Promise((resolve, reject) => {
      ws.addEventListener('open', () => resolve(), { once: true });
      ws.addEventListener('close', () => reject(new Error(UNREACHABLE)), { once: true });
    });
    this.opening.catch(() => { /* connect() reports it */ });
    ws.addEventListener('message', (ev) => {
      if (this.ws !== ws) return;
      this.lastMessageAt = Date.now();
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      if (!msg || typeof msg !== 'object' || typeof msg.type !== 'string') return;
      this.dispatchEvent(new CustomEvent('message', { detail: msg }));
    });
    ws.addEventListener('close', (ev) => {
      if (this.ws !== ws) return;
      this.stopPing();
      this.ws = null;
      this.closed = true;
      // Only a close we did not ask for gets here (close() forgets the socket first).
      this.dispatchEvent(new CustomEvent('close', { detail: { code: ev.code, reason: ev.reason } }));
    });
    // 'error' is always followed by 'close'.
  }

  /**
   * Open the socket (or finish opening a preconnected one) and send `first`
   * ({type: 'join', token} or {type: 'resume', …}; a string is a join
   * token). Resolves once it was sent.
   */
  async connect(first, { timeoutMs = CONNECT_TIMEOUT_MS } = {}) {
    if (!this.ws) this.openSocket();
    const ws = this.ws;
    let timer = null;
    const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(UNREACHABLE)), timeoutMs); });
    try {
      await Promise.race([this.opening, timeout]);
    } catch (err) {
      // Closing it reports `close` to whoever listens (not after our own close()).
      if (this.ws === ws) { try { ws.close(); } catch { /* ignore */ } }
      throw err;
    } finally {
      clearTimeout(timer);
    }
    const { type, ...fields } = typeof first === 'string' ? { type: 'join', token: first } : first;
    this.lastMessageAt = Date.now();
    this.send(type, fields);
    this.startPing();
  }

  get isOpen() {
    return !!this.ws && this.ws.readyState === WebSocket.OPEN;
  }

  /** send('chat.send', {text}) → true when handed to the socket. */
  send(type, fields = {}) {
    if (!this.isOpen) return false;
    try {
      this.ws.send(JSON.stringify({ type, ...fields }));
      return true;
    } catch {
      return false;
    }
  }

  startPing() {
    this.stopPing();
    this.pingTimer = setInterval(() => {
      if (Date.now() - this.lastMessageAt > SILENCE_LIMIT_MS) {
        // The server answers every ping; this long a silence means a dead
        // link. Declared dead now: over a dead link the browser's close
        // handshake (and so its `close` event) waits until the network returns.
        this.abandon(4000, 'silent');
        return;
      }
      this.send('ping');
    }, PING_EVERY_MS);
  }

  /** Forget a socket that is dead but not closed, and say it closed. */
  abandon(code, reason) {
    const ws = this.ws;
    if (!ws) return;
    this.stopPing();
    this.ws = null;
    this.closed = true;
    try { ws.close(code, reason); } catch { /* ignore */ }
    this.dispatchEvent(new CustomEvent('close', { detail: { code, reason } }));
  }

  stopPing() {
    clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  /** Send `leave` (optional) and close cleanly (1000). */
  close({ leave = false } = {}) {
    this.closedByUs = true;
    this.stopPing();
    const ws = this.ws;
    if (!ws) { this.closed = true; return; }
    if (leave) this.send('leave');
    try { ws.close(1000, leave ? 'left' : 'closed'); } catch { /* ignore */ }
    this.ws = null;
    this.closed = true;
  }
}

function defaultUrl() {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}/api/v1/signal`;
}
