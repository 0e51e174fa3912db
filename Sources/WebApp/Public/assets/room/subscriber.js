// The subscribe RTCPeerConnection (Docs/signaling.md): only Parley offers.
// Each `subscribe.offer` is applied strictly one at a time
// (setRemoteDescription → createAnswer → setLocalDescription →
// `subscribe.answer`); its `tracks` list maps each m-line's mid to the
// producer, participant and source it carries. Dispatches `tracks`
// ({detail: [{mid, producerId, participantId, source, kind, track}]}) after
// every applied offer, and `error` when an offer could not be applied.

const SOURCES = new Set(['microphone', 'camera', 'screen', 'screenAudio']);

export class Subscriber extends EventTarget {
  constructor({ signaling, iceServers }) {
    super();
    this.signaling = signaling;
    this.pc = new RTCPeerConnection({ iceServers: iceServers || [], bundlePolicy: 'max-bundle' });
    /** mid → {mid, producerId, participantId, source, kind, track} */
    this.slots = new Map();
    this.queue = [];
    this.busy = false;
    this.closed = false;
    this.offOffer = signaling.on('subscribe.offer', (msg) => this.enqueue(msg));
    // A track arriving on an m-line the latest offer already described (the
    // usual order is ontrack during setRemoteDescription, then the mapping).
    this.pc.addEventListener('track', (ev) => {
      const mid = ev.transceiver && ev.transceiver.mid;
      const slot = mid !== null && mid !== undefined ? this.slots.get(mid) : null;
      if (slot && slot.track !== ev.track) {
        slot.track = ev.track;
        this.emit();
      }
    });
    this.pc.addEventListener('connectionstatechange', () => {
      this.dispatchEvent(new CustomEvent('state', { detail: this.pc.connectionState }));
    });
  }

  enqueue(msg) {
    if (this.closed || !msg || typeof msg.sdp !== 'string') return;
    this.queue.push(msg);
    if (!this.busy) this.drain();
  }

  async drain() {
    this.busy = true;
    try {
      while (this.queue.length && !this.closed) {
        const msg = this.queue.shift();
        try {
          await this.apply(msg);
        } catch (err) {
          if (this.closed) return;
          console.error('subscribe.offer failed', err);
          // Back to stable so that the next offer can still be applied.
          if (this.pc.signalingState === 'have-remote-offer') {
            try { await this.pc.setRemoteDescription({ type: 'rollback' }); } catch { /* ignore */ }
          }
          // Tell Parley, so it does not wait for an answer that never comes.
          this.signaling.send('subscribe.failed', { message: String(err && err.message || err).slice(0, 300) });
          this.dispatchEvent(new CustomEvent('error', { detail: err }));
        }
      }
    } finally {
      this.busy = false;
    }
  }

  async apply(msg) {
    await this.pc.setRemoteDescription({ type: 'offer', sdp: msg.sdp });
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    if (this.closed) return;
    this.signaling.send('subscribe.answer', { sdp: this.pc.localDescription.sdp });

    const byMid = new Map();
    for (const t of this.pc.getTransceivers()) if (t.mid !== null) byMid.set(t.mid, t);
    const slots = new Map();
    for (const entry of Array.isArray(msg.tracks) ? msg.tracks : []) {
      if (!entry || typeof entry.mid !== 'string' || !SOURCES.has(entry.source)) continue;
      const transceiver = byMid.get(entry.mid);
      if (!transceiver) continue;
      const track = transceiver.receiver.track;
      slots.set(entry.mid, {
        mid: entry.mid,
        producerId: String(entry.producerId ?? ''),
        participantId: String(entry.participantId ?? ''),
        source: entry.source,
        kind: track.kind,
        track,
      });
    }
    this.slots = slots; // m-lines not listed are inactive
    this.emit();
  }

  emit() {
    this.dispatchEvent(new CustomEvent('tracks', { detail: [...this.slots.values()] }));
  }

  /** The slot an m-line (or a receiver track id) carries, for stats. */
  slotFor({ mid, trackIdentifier }) {
    if (mid && this.slots.has(mid)) return this.slots.get(mid);
    if (trackIdentifier) {
      for (const s of this.slots.values()) if (s.track && s.track.id === trackIdentifier) return s;
    }
    return null;
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.offOffer();
    try { this.pc.close(); } catch { /* ignore */ }
  }
}
