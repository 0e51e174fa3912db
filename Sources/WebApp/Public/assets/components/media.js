// Local camera/microphone for the pre-join screen and the room: acquire
// (the default devices chosen in Settings first), switch devices, toggle,
// noise suppression, and a microphone level meter.

const PREFS_KEY = 'parley.devices';

/** The default devices chosen in Settings: {camera, microphone, speaker, noiseSuppression}. */
export function devicePrefs() {
  try {
    const p = JSON.parse(localStorage.getItem(PREFS_KEY) || '{}');
    return p && typeof p === 'object' ? p : {};
  } catch {
    return {};
  }
}

/** Remember default devices (merged into what is stored). */
export function saveDevicePrefs(changes) {
  const next = { ...devicePrefs(), ...changes };
  try { localStorage.setItem(PREFS_KEY, JSON.stringify(next)); } catch { /* private mode */ }
  return next;
}

/** Whether this browser can choose where sound plays (HTMLMediaElement.setSinkId). */
export const canChooseSpeaker = typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

export class LocalMedia extends EventTarget {
  constructor() {
    super();
    this.stream = new MediaStream();
    this.cameraOn = true;
    this.micMuted = false;
    const prefs = devicePrefs();
    // Asked for first; a default device that is gone falls back to another (start()).
    this.preferredVideo = prefs.camera || null;
    this.preferredAudio = prefs.microphone || null;
    this.noiseSuppression = prefs.noiseSuppression !== false;
    this.videoDeviceId = null;
    this.audioDeviceId = null;
    this.videoError = null;
    this.audioError = null;
    this.audioCtx = null;
    this.analyser = null;
    this.source = null;
    this.stopped = false;
  }

  get supported() {
    return !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
  }

  get videoTrack() { return this.stream.getVideoTracks()[0] || null; }
  get audioTrack() { return this.stream.getAudioTracks()[0] || null; }

  changed() {
    this.dispatchEvent(new Event('change'));
  }

  /** First acquisition: camera and microphone, each allowed to fail alone. */
  async start() {
    if (!this.supported) {
      this.videoError = this.audioError = 'This browser cannot use a camera or microphone here.';
      this.changed();
      return;
    }
    try {
      const s = await navigator.mediaDevices.getUserMedia({
        audio: audioConstraints(this.preferredAudio, this.noiseSuppression),
        video: videoConstraints(this.preferredVideo),
      });
      if (this.stopped) { stopAll(s); return; }
      for (const t of s.getTracks()) this.stream.addTrack(t);
    } catch {
      // One at a time; a default device that is gone gives way to any other.
      await this.acquireAudio(this.preferredAudio);
      if (!this.audioTrack && this.preferredAudio) await this.acquireAudio(null);
      await this.acquireVideo(this.preferredVideo);
      if (!this.videoTrack && this.preferredVideo) await this.acquireVideo(null);
    }
    this.remember();
    this.setupMeter();
    this.changed();
  }

  remember() {
    const v = this.videoTrack;
    const a = this.audioTrack;
    if (v) this.videoDeviceId = v.getSettings().deviceId || this.videoDeviceId;
    if (a) this.audioDeviceId = a.getSettings().deviceId || this.audioDeviceId;
  }

  async acquireVideo(deviceId, exact = true) {
    try {
      const s = await navigator.mediaDevices.getUserMedia({ video: videoConstraints(deviceId, exact) });
      if (this.stopped) { stopAll(s); return; }
      for (const t of this.stream.getVideoTracks()) { t.stop(); this.stream.removeTrack(t); }
      const t = s.getVideoTracks()[0];
      if (t) this.stream.addTrack(t);
      this.videoError = null;
    } catch (err) {
      this.videoError = describeError(err, 'camera');
    }
  }

  async acquireAudio(deviceId, exact = true, { fresh = false } = {}) {
    // fresh: close the open microphone first. Chromium shares one capture
    // source per device, with the audio processing it was opened with, so a
    // new track with other processing settings needs the old one gone.
    if (fresh) for (const t of this.stream.getAudioTracks()) { t.stop(); this.stream.removeTrack(t); }
    try {
      const s = await navigator.mediaDevices.getUserMedia({ audio: audioConstraints(deviceId, this.noiseSuppression, exact) });
      if (this.stopped) { stopAll(s); return; }
      for (const t of this.stream.getAudioTracks()) { t.stop(); this.stream.removeTrack(t); }
      const t = s.getAudioTracks()[0];
      if (t) {
        t.enabled = !this.micMuted;
        this.stream.addTrack(t);
      }
      this.audioError = null;
    } catch (err) {
      this.audioError = describeError(err, 'microphone');
    }
  }

  async switchCamera(deviceId) {
    this.videoDeviceId = deviceId;
    if (!this.cameraOn) { this.changed(); return; }
    await this.acquireVideo(deviceId);
    this.remember();
    this.changed();
  }

  async switchMicrophone(deviceId) {
    this.audioDeviceId = deviceId;
    await this.acquireAudio(deviceId);
    this.remember();
    this.setupMeter();
    this.changed();
  }

  /** Turning the camera off stops the track (the camera light goes off). */
  async setCameraOn(on) {
    this.cameraOn = on;
    if (!on) {
      for (const t of this.stream.getVideoTracks()) { t.stop(); this.stream.removeTrack(t); }
    } else if (!this.videoTrack) {
      await this.acquireVideo(this.videoDeviceId);
      this.remember();
    }
    this.changed();
  }

  /**
   * Noise suppression on the microphone: applied to the live track
   * (applyConstraints), or by opening the microphone again where the
   * browser cannot change it in place. Resolves to the setting in effect.
   */
  async setNoiseSuppression(on) {
    this.noiseSuppression = !!on;
    const track = this.audioTrack;
    if (!track) { this.changed(); return this.noiseSuppression; }
    let applied = false;
    try {
      await track.applyConstraints({ ...track.getConstraints(), noiseSuppression: this.noiseSuppression });
      const now = track.getSettings ? track.getSettings().noiseSuppression : undefined;
      applied = now === undefined || now === this.noiseSuppression;
    } catch { /* re-acquire below */ }
    if (!applied) {
      // Chromium cannot change audio processing on a live track: open the
      // microphone again with the new setting (the room swaps it in).
      await this.acquireAudio(this.audioDeviceId, true, { fresh: true });
      this.remember();
      this.setupMeter();
    }
    this.changed();
    return this.noiseSuppression;
  }

  setMicMuted(muted) {
    this.micMuted = muted;
    for (const t of this.stream.getAudioTracks()) t.enabled = !muted;
    this.changed();
  }

  async devices() {
    return listDevices();
  }

  setupMeter() {
    const track = this.audioTrack;
    if (!track) return;
    try {
      const AC = window.AudioContext || window.webkitAudioContext;
      if (!AC) return;
      if (!this.audioCtx) {
        this.audioCtx = new AC();
        // Autoplay policies may start the context suspended: resume on a gesture.
        const resume = () => { if (this.audioCtx && this.audioCtx.state === 'suspended') this.audioCtx.resume().catch(() => {}); };
        document.addEventListener('pointerdown', resume, { once: true });
        document.addEventListener('keydown', resume, { once: true });
        this.audioCtx.resume().catch(() => {});
      }
      if (this.source) { try { this.source.disconnect(); } catch { /* ignore */ } }
      this.source = this.audioCtx.createMediaStreamSource(new MediaStream([track]));
      this.analyser = this.audioCtx.createAnalyser();
      this.analyser.fftSize = 1024;
      this.analyser.smoothingTimeConstant = 0.3;
      this.source.connect(this.analyser);
      this.buf = new Float32Array(this.analyser.fftSize);
    } catch {
      this.analyser = null;
    }
  }

  /** Current microphone level, 0..1 (0 when muted). */
  level() {
    if (!this.analyser || this.micMuted || !this.audioTrack) return 0;
    this.analyser.getFloatTimeDomainData(this.buf);
    let sum = 0;
    for (let i = 0; i < this.buf.length; i += 1) sum += this.buf[i] * this.buf[i];
    const rms = Math.sqrt(sum / this.buf.length);
    if (rms <= 0) return 0;
    const db = 20 * Math.log10(rms);
    return Math.max(0, Math.min(1, (db + 60) / 55));
  }

  stop() {
    this.stopped = true;
    stopAll(this.stream);
    for (const t of this.stream.getTracks()) this.stream.removeTrack(t);
    if (this.source) { try { this.source.disconnect(); } catch { /* ignore */ } }
    if (this.audioCtx) this.audioCtx.close().catch(() => {});
    this.audioCtx = null;
    this.analyser = null;
  }
}

function stopAll(stream) {
  for (const t of stream.getTracks()) t.stop();
}

/** {cameras, microphones, speakers}: [{id, label}] each (labels need camera/microphone permission). */
export async function listDevices() {
  const none = { cameras: [], microphones: [], speakers: [] };
  if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return none;
  try {
    const list = await navigator.mediaDevices.enumerateDevices();
    const label = (d, i, kind) => d.label || `${kind} ${i + 1}`;
    const of = (kind, name) => list.filter((d) => d.kind === kind && d.deviceId).map((d, i) => ({ id: d.deviceId, label: label(d, i, name) }));
    return { cameras: of('videoinput', 'Camera'), microphones: of('audioinput', 'Microphone'), speakers: of('audiooutput', 'Speaker') };
  } catch {
    return none;
  }
}

function videoConstraints(deviceId, exact = true) {
  const c = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };
  if (deviceId) c.deviceId = exact ? { exact: deviceId } : { ideal: deviceId };
  return c;
}

function audioConstraints(deviceId, noiseSuppression = true, exact = true) {
  const c = { echoCancellation: true, noiseSuppression, autoGainControl: true };
  if (deviceId) c.deviceId = exact ? { exact: deviceId } : { ideal: deviceId };
  return c;
}

function describeError(err, what) {
  const name = err && err.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return `Parley is not allowed to use your ${what}. Allow access in your browser's site settings.`;
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return `No ${what} was found.`;
  if (name === 'NotReadableError') return `Your ${what} is in use by another app.`;
  return `Your ${what} could not be started.`;
}
