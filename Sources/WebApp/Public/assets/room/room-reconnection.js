// Room, continued: staying in the meeting as the view shows it — the
// session reconnecting ("Reconnecting…"), coming back (the room as it is now
// replaces what was shown), fresh peer connections after a media reset (publish
// again), and the banner while ICE restarts. The connection work itself is
// RoomSession's (session.js). Mixed into Room.prototype by room.js.

import { toastOk } from '../components/toast.js';

export const reconnectionMethods = {
  /** Listens to the session's subscribe connection (a new one after a media reset). */
  attachSubscriber() {
    const sub = this.subscriber;
    if (!sub) return;
    sub.addEventListener('tracks', (ev) => { if (this.subscriber === sub) this.applySlots(ev.detail); });
    sub.addEventListener('error', () => {
      if (this.subscriber === sub) this.showBanner('Some video or audio could not be received. Leave and rejoin if it does not come back.');
    });
  },

  /** The socket dropped: you are still in the meeting while the session reconnects. */
  onReconnecting() {
    if (this.state !== 'joined') return;
    this.setState('reconnecting');
    this.showBanner('Reconnecting… You are still in the meeting.', null, 'reconnecting');
    this.announce('Connection lost. Reconnecting.');
  },

  /** Back in the meeting: the room as it is now replaces what we showed. */
  onReconnected({ message: m, rejoined }) {
    if (this.state !== 'reconnecting' && this.state !== 'joined') return;
    this.participantId = String(m.participantId || this.participantId);
    this.role = m.role || this.role;
    this.roomInfo = m.room || this.roomInfo;
    this.locked = !!(this.roomInfo && this.roomInfo.locked);
    this.lobby = Array.isArray(m.lobby) ? m.lobby.filter((w) => w && w.participantId) : [];
    const fresh = new Map();
    for (const p of Array.isArray(m.participants) ? m.participants : []) if (p && p.id) fresh.set(p.id, { ...p });
    for (const id of this.participants.keys()) {
      if (!fresh.has(id) && id !== this.participantId) this.grid.removeParticipant(id);
    }
    if (!fresh.has(this.participantId)) {
      fresh.set(this.participantId, { ...(this.me || {}), id: this.participantId, role: this.role, producers: [] });
    }
    this.participants = fresh;
    for (const p of fresh.values()) {
      this.grid.upsertParticipant(p.id === this.participantId ? this.withLocalState(p) : p, { self: p.id === this.participantId });
    }
    // The server kept the chat unless it restarted: keep what we saw.
    if (Array.isArray(m.chat)) for (const msg of m.chat) this.chat.add(msg);
    if (rejoined && this.handRaised) this.send('hand.raise', { raised: true });
    this.setState('joined');
    this.hideBanner('reconnecting');
    this.syncLocal();
    this.renderHeader();
    this.renderPeople();
    this.announce('Reconnected');
    if (!rejoined) toastOk('You are back in the meeting.');
  },

  /** Fresh peer connections (after a media reset or a rejoin): publish again. */
  onMediaReplaced() {
    if (this.ended) return;
    this.attachSubscriber();
    this.published = false;
    this.publishLocal().then(async () => {
      if (this.screen && this.publisher && !this.ended) {
        try { await this.publisher.startScreen(this.screen.video, this.screen.audio); } catch (err) { console.error('share', err); }
      }
    });
  },

  /** A peer connection's state: say so while the session restarts ICE. */
  onConnectionState({ state }) {
    if (this.state !== 'joined') return;
    if (state === 'failed' || state === 'disconnected') {
      this.showBanner('Your connection is unstable. Reconnecting media…', null, 'media');
    } else if (state === 'connected') {
      this.hideBanner('media');
    }
  },
};
