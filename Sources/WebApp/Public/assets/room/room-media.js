// Room, continued: your own side of the meeting — publishing the camera and
// microphone chosen on the pre-join screen, mute, video on/off, screen
// sharing, the raised hand and being muted by a host. Mixed into
// Room.prototype by room.js (like a `Room+LocalMedia` extension).

import { toast, toastError } from '../components/toast.js';

export const localMediaMethods = {
  /** The meeting ended or the page is leaving it: a publish cut short is expected. */
  gone() {
    return this.ended || !this.session || this.session.state === 'closed';
  },

  async publishLocal() {
    const audioTrack = this.media.audioTrack;
    const videoTrack = this.media.cameraOn ? this.media.videoTrack : null;
    try {
      await this.publisher.start({ audioTrack, videoTrack });
    } catch (err) {
      if (this.gone()) return;
      console.error('publish', err);
      toastError({ message: `Your camera and microphone could not be sent: ${err.message || err}` });
      return;
    }
    if (this.ended) return;
    this.published = true;
    // Tell Parley about what was muted or stopped before the first answer.
    if (this.media.micMuted) this.publisher.setMuted('microphone', true);
    if (!(this.media.cameraOn && this.media.videoTrack)) this.publisher.setMuted('camera', true);
    this.reconcile();
  },

  /**
   * Publish what LocalMedia has now but the publish connection does not send
   * (the camera and microphone may still be starting when "Join" is pressed).
   */
  async reconcile() {
    const p = this.publisher;
    if (!p || !this.published || this.ended || this.videoBusy) return;
    if (this.reconciling) {
      this.reconcileAgain = true;
      return;
    }
    this.reconciling = true;
    try {
      const audio = this.media.audioTrack;
      if (audio && p.trackOf('microphone') !== audio) {
        await p.setMicrophone(audio);
        if (this.media.micMuted) p.setMuted('microphone', true);
      }
      const video = this.media.cameraOn ? this.media.videoTrack : null;
      if (video && !this.videoBusy && p.trackOf('camera') !== video) {
        const how = await p.setCamera(video);
        if (how === 'replaced') p.setMuted('camera', false);
      }
    } catch (err) {
      if (!this.gone()) console.error('publish', err);
    } finally {
      this.reconciling = false;
    }
    if (this.reconcileAgain) {
      this.reconcileAgain = false;
      this.reconcile();
    }
  },

  /** Your participant as shown here: local media state wins over the last update. */
  withLocalState(p) {
    const media = this.media;
    p.audioMuted = media.micMuted || !media.audioTrack;
    p.videoMuted = !(media.cameraOn && media.videoTrack);
    p.handRaised = this.handRaised;
    p.screenSharing = !!this.screen;
    return p;
  },

  syncLocal() {
    if (!this.grid || this.ended) return;
    const me = this.me;
    if (me) {
      this.withLocalState(me);
      this.grid.upsertParticipant(me, { self: true });
    }
    const media = this.media;
    const video = media.cameraOn ? media.videoTrack : null;
    this.grid.setVideo(this.participantId, 'camera', { track: video, mirror: true });
    this.controls.setMic({ muted: media.micMuted || !media.audioTrack, available: !!media.audioTrack });
    this.controls.setVideo({ on: !!video, busy: this.videoBusy });
    this.controls.setShare({ sharing: !!this.screen, busy: this.shareBusy });
    this.controls.setHand(this.handRaised);
    this.renderPeople();
  },

  toggleMic() {
    if (!this.media.audioTrack) return;
    const muted = !this.media.micMuted;
    this.media.setMicMuted(muted); // track.enabled; 'change' re-renders
    if (this.publisher) this.publisher.setMuted('microphone', muted);
  },

  async toggleVideo() {
    if (this.videoBusy) return;
    this.videoBusy = true;
    this.syncLocal();
    try {
      if (this.media.cameraOn && this.media.videoTrack) {
        if (this.publisher) await this.publisher.stopCamera();
        await this.media.setCameraOn(false);
        if (this.publisher) this.publisher.setMuted('camera', true);
      } else {
        await this.media.setCameraOn(true);
        const track = this.media.videoTrack;
        if (this.ended) return;
        if (!track) {
          toast({ message: this.media.videoError || 'Your camera could not be started.', tone: 'error' });
          await this.media.setCameraOn(false);
          return;
        }
        if (this.publisher) {
          const how = await this.publisher.setCamera(track);
          if (how === 'replaced') this.publisher.setMuted('camera', false);
        }
      }
    } catch (err) {
      if (!this.ended) toastError(err);
    } finally {
      this.videoBusy = false;
      this.syncLocal();
    }
  },

  async toggleShare() {
    if (this.shareBusy) return;
    if (this.screen) {
      await this.stopShare();
      return;
    }
    this.shareBusy = true;
    this.syncLocal();
    let stream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15, max: 30 } }, audio: true });
    } catch (err) {
      this.shareBusy = false;
      this.syncLocal();
      if (err && (err.name === 'NotAllowedError' || err.name === 'AbortError')) return; // cancelled
      toast({ message: 'Your screen could not be shared.', tone: 'error' });
      return;
    }
    if (this.ended) {
      for (const t of stream.getTracks()) t.stop();
      return;
    }
    const video = stream.getVideoTracks()[0];
    const audio = stream.getAudioTracks()[0] || null;
    this.screen = { stream, video, audio };
    // The browser's own "Stop sharing" button ends the track.
    video.addEventListener('ended', () => { if (this.screen && this.screen.video === video) this.stopShare(); });
    this.grid.setVideo(this.participantId, 'screen', { track: video });
    this.shareBusy = false;
    this.syncLocal();
    try {
      await this.publisher.startScreen(video, audio);
    } catch (err) {
      if (this.ended) return;
      toast({ message: `Your screen could not be shared: ${err.message || err}`, tone: 'error' });
      await this.stopShare();
    }
  },

  async stopShare() {
    const screen = this.screen;
    if (!screen) return;
    this.screen = null;
    for (const t of screen.stream.getTracks()) t.stop();
    if (this.grid) this.grid.setVideo(this.participantId, 'screen', { track: null });
    this.syncLocal();
    if (this.publisher && !this.ended) {
      try { await this.publisher.stopScreen(); } catch (err) { if (!this.ended) toastError(err); }
    }
  },

  toggleHand() {
    const raised = !this.handRaised;
    if (!this.send('hand.raise', { raised })) return;
    this.handRaised = raised;
    this.syncLocal();
  },

  onMutedByHost(m) {
    if (m.source && m.source !== 'microphone') return;
    if (!this.media.micMuted) this.media.setMicMuted(true); // track.enabled = false; the button flips
    toast({ message: 'The host muted you', iconName: 'micOff' }); // the toast region announces it
  },
};
