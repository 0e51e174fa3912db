// The publish RTCPeerConnection (Docs/signaling.md): only the browser offers.
// One `sendonly` transceiver per source — microphone, camera (simulcast q/h/f
// when the camera is big enough), screen and screen audio. Every added or
// removed track leads to a new full offer (`publish.offer` with the
// mid → source list), one negotiation at a time.

const SIMULCAST_ENCODINGS = [
  { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: 'f', scaleResolutionDownBy: 1, maxBitrate: 2_500_000 },
];
const SMALL_CAMERA_ENCODINGS = [{ maxBitrate: 500_000 }];
const SCREEN_ENCODINGS = [{ maxBitrate: 2_500_000 }];
const ANSWER_TIMEOUT_MS = 15_000;

/** The order sources appear in `tracks` (and, on first offer, in the SDP). */
export const SOURCES = ['microphone', 'camera', 'screen', 'screenAudio'];

export class Publisher extends EventTarget {
  /** `signaling`: a Signaling; `iceServers`: from `joined`. */
  constructor({ signaling, iceServers }) {
    super();
    this.signaling = signaling;
    this.pc = new RTCPeerConnection({ iceServers: iceServers || [], bundlePolicy: 'max-bundle' });
    /** source → RTCRtpTransceiver */
    this.transceivers = new Map();
    this.mainStream = new MediaStream(); // msid shared by microphone and camera
    this.screenStream = new MediaStream(); // msid shared by screen and screen audio
    this.pending = null; // {resolve, reject, timer}: the answer we wait for
    this.negotiation = null; // the running negotiate() promise
    this.again = false;
    this.closed = false;
    this.negotiatedOnce = false;
    /** The last offer got no answer (the socket dropped): negotiate again when back. */
    this.unsettled = false;
    this.offAnswer = signaling.on('publish.answer', (msg) => this.onAnswer(msg));
    this.pc.addEventListener('connectionstatechange', () => {
      this.dispatchEvent(new CustomEvent('state', { detail: this.pc.connectionState }));
    });
  }

  /** Publish the tracks chosen on the pre-join screen (either may be null). */
  async start({ audioTrack, videoTrack }) {
    if (audioTrack) {
      this.transceivers.set('microphone', this.pc.addTransceiver(audioTrack, { direction: 'sendonly', streams: [this.mainStream] }));
    }
    if (videoTrack) this.addCamera(videoTrack);
    if (this.transceivers.size) await this.negotiate();
  }

  /** True once Parley has accepted this source's m-line (a producer exists). */
  has(source) {
    const t = this.transceivers.get(source);
    return !!t && t.direction === 'sendonly' && t.currentDirection === 'sendonly';
  }

  /** The track a source currently sends (null when none). */
  trackOf(source) {
    const t = this.transceivers.get(source);
    return t && t.direction === 'sendonly' ? t.sender.track : null;
  }

  /** Send a microphone track: swapped in, or added with a renegotiation. */
  async setMicrophone(track) {
    const t = this.transceivers.get('microphone');
    if (t) {
      await t.sender.replaceTrack(track);
      if (t.direction === 'sendonly') return 'replaced';
      t.direction = 'sendonly';
    } else {
      this.transceivers.set('microphone', this.pc.addTransceiver(track, { direction: 'sendonly', streams: [this.mainStream] }));
    }
    await this.negotiate();
    return 'added';
  }

  addCamera(track) {
    const s = track.getSettings ? track.getSettings() : {};
    const w = Math.max(s.width || 0, s.height || 0);
    const hgt = Math.min(s.width || 0, s.height || 0);
    const big = w >= 640 && hgt >= 360;
    const sendEncodings = (big ? SIMULCAST_ENCODINGS : SMALL_CAMERA_ENCODINGS).map((e) => ({ ...e }));
    this.transceivers.set('camera', this.pc.addTransceiver(track, { direction: 'sendonly', streams: [this.mainStream], sendEncodings }));
  }

  /**
   * Send a camera track: swaps it in when the camera m-line exists (no
   * renegotiation), otherwise adds the m-line and renegotiates.
   * Returns 'replaced' or 'added'.
   */
  async setCamera(track) {
    const t = this.transceivers.get('camera');
    if (t && t.direction === 'sendonly') {
      await t.sender.replaceTrack(track);
      return 'replaced';
    }
    if (t) {
      await t.sender.replaceTrack(track);
      t.direction = 'sendonly';
    } else {
      this.addCamera(track);
    }
    await this.negotiate();
    return 'added';
  }

  /** Stop sending camera frames; the m-line stays (replaceTrack(null)). */
  async stopCamera() {
    const t = this.transceivers.get('camera');
    if (t) await t.sender.replaceTrack(null);
  }

  /** Share a screen (and its audio, if any) on their own m-lines. */
  async startScreen(videoTrack, audioTrack) {
    try { videoTrack.contentHint = 'detail'; } catch { /* older browsers */ }
    this.useTransceiver('screen', videoTrack, { sendEncodings: SCREEN_ENCODINGS.map((e) => ({ ...e })) });
    if (audioTrack) this.useTransceiver('screenAudio', audioTrack, {});
    await this.negotiate();
  }

  /** Stop sharing: the screen m-lines become inactive (kept for the next share). */
  async stopScreen() {
    let changed = false;
    for (const source of ['screen', 'screenAudio']) {
      const t = this.transceivers.get(source);
      if (!t || t.direction === 'inactive') continue;
      try { await t.sender.replaceTrack(null); } catch { /* closed */ }
      t.direction = 'inactive';
      changed = true;
    }
    if (changed && !this.closed) await this.negotiate();
  }

  useTransceiver(source, track, { sendEncodings }) {
    const existing = this.transceivers.get(source);
    if (existing && !existing.stopped) {
      existing.sender.replaceTrack(track).catch(() => {});
      existing.direction = 'sendonly';
      return existing;
    }
    const init = { direction: 'sendonly', streams: [this.screenStream] };
    if (sendEncodings) init.sendEncodings = sendEncodings;
    const t = this.pc.addTransceiver(track, init);
    this.transceivers.set(source, t);
    return t;
  }

  /** Mute = the track sends silence/black (enabled=false) and Parley stops forwarding it. */
  setMuted(source, muted) {
    const t = this.transceivers.get(source);
    if (t && t.sender.track) t.sender.track.enabled = !muted;
    if (this.has(source)) this.signaling.send('track.mute', { source, muted });
  }

  /** The `tracks` list of a publish.offer: every sending m-line with its source. */
  trackList() {
    const list = [];
    for (const source of SOURCES) {
      const t = this.transceivers.get(source);
      if (t && t.mid !== null && t.direction === 'sendonly') list.push({ mid: t.mid, source });
    }
    return list;
  }

  /** Offer/answer until no change is left over; one at a time. */
  negotiate() {
    if (this.closed) return Promise.resolve();
    if (this.negotiation) {
      this.again = true;
      return this.negotiation;
    }
    this.negotiation = (async () => {
      try {
        do {
          this.again = false;
          await this.offerOnce();
        } while (this.again && !this.closed);
      } finally {
        this.negotiation = null;
      }
    })();
    return this.negotiation;
  }

  async offerOnce() {
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    const answer = new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = null;
        reject(new Error('Parley did not answer the media offer.'));
      }, ANSWER_TIMEOUT_MS);
      this.pending = { resolve, reject, timer };
    });
    const sent = this.signaling.send('publish.offer', { sdp: this.pc.localDescription.sdp, tracks: this.trackList() });
    if (!sent) this.failPending(new Error('The connection to Parley was lost.'));
    let sdp;
    try {
      sdp = await answer;
    } catch (err) {
      this.unsettled = true;
      await this.rollback();
      throw err;
    }
    this.unsettled = false;
    if (this.closed) return;
    await this.pc.setRemoteDescription({ type: 'answer', sdp });
    this.negotiatedOnce = true;
    this.dispatchEvent(new Event('negotiated'));
  }

  /**
   * ICE restart (RFC 8445 §9, JSEP `restartIce()`): the next offer carries
   * new ICE credentials; the tracks and their m-lines stay as they are.
   */
  restartIce() {
    if (this.closed) return Promise.resolve();
    this.pc.restartIce();
    return this.negotiate();
  }

  async rollback() {
    if (this.closed || this.pc.signalingState !== 'have-local-offer') return;
    try { await this.pc.setLocalDescription({ type: 'rollback' }); } catch { /* ignore */ }
  }

  onAnswer(msg) {
    const p = this.pending;
    if (!p || !msg || typeof msg.sdp !== 'string') return;
    this.pending = null;
    clearTimeout(p.timer);
    p.resolve(msg.sdp);
  }

  /** An `error` answered our publish.offer. */
  failPending(err) {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    clearTimeout(p.timer);
    p.reject(err);
  }

  /** Close the connection; `stopTracks: false` keeps the camera and microphone for a new one. */
  close({ stopTracks = true } = {}) {
    if (this.closed) return;
    this.closed = true;
    this.offAnswer();
    this.failPending(new Error('closed'));
    for (const t of this.transceivers.values()) {
      if (!stopTracks) break;
      try { if (t.sender.track) t.sender.track.stop(); } catch { /* ignore */ }
    }
    try { this.pc.close(); } catch { /* ignore */ }
  }
}
