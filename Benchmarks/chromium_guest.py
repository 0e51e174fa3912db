"""A headless Chromium guest on Parley's meeting page, for gateway_bench.py: it joins a
meeting, stamps the encoded audio frames its senders and receivers handle (WebRTC Encoded
Transform, before the jitter buffer), and records what a participant's <audio> element plays.
"""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sipcaller import write_wav

if TYPE_CHECKING:
    from gateway_bench import Parley

# A dedicated worker that gets the encoded frames of the page's audio senders and receivers
# (WebRTC Encoded Transform, createEncodedStreams: their streams are transferred here). Each
# frame is stamped on arrival with the worker's clock (performance.timeOrigin +
# performance.now(), epoch ms) and passed on unchanged: on a receiver that is before NetEq
# (the jitter buffer), on a sender right after the Opus encoder, before packetisation and SRTP.
# Chromium 156 delivers no audio frames to an RTCRtpScriptTransform set on a receiver that is
# already running, and createEncodedStreams() must be called before the first frame ("Too
# late to create encoded streams"): so an init script hooks every audio receiver in the
# 'track' event and the audio senders as they are added, before the page's code sees them.
FRAME_WORKER_JS = r"""
const logs = {};
onmessage = (e) => {
  const m = e.data;
  if (m.cmd === 'pipe') {
    const log = logs[m.name] = logs[m.name] || [];
    m.readable.pipeThrough(new TransformStream({
      transform(frame, ctl) {
        const now = performance.timeOrigin + performance.now();
        const md = frame.getMetadata();
        log.push([now, frame.data.byteLength, md.rtpTimestamp ?? -1, m.mid ?? '']);
        ctl.enqueue(frame);
      },
    })).pipeTo(m.writable);
  } else if (m.cmd === 'now') postMessage({ id: m.id, now: performance.timeOrigin + performance.now() });
  else if (m.cmd === 'take') postMessage({ id: m.id, log: (logs[m.name] || (logs[m.name] = [])).splice(0) });
};
"""

FRAMES_INIT_JS = """
(() => {
  const w = new Worker(URL.createObjectURL(new Blob([%s], { type: 'text/javascript' })));
  const waiting = new Map();
  let next = 1;
  w.onmessage = (e) => { const r = waiting.get(e.data.id); if (r) { waiting.delete(e.data.id); r(e.data); } };
  const ask = (m) => new Promise((res) => { const id = next++; waiting.set(id, res); w.postMessage({ ...m, id }); });
  const pipe = (endpoint, name, mid) => {
    try {
      const { readable, writable } = endpoint.createEncodedStreams();
      w.postMessage({ cmd: 'pipe', name, mid, readable, writable }, [readable, writable]);
    } catch (err) { console.warn('gateway_bench: no encoded streams', String(err)); }
  };
  window.__gwb = { worker: w, ask };
  const Base = window.RTCPeerConnection;
  class StampedPC extends Base {
    constructor(...args) {
      super(...args);
      this.addEventListener('track', (ev) => {
        if (ev.track.kind === 'audio') pipe(ev.receiver, 'rx', ev.transceiver ? ev.transceiver.mid : '');
      });
    }
    addTransceiver(trackOrKind, init) {
      const t = super.addTransceiver(trackOrKind, init);
      const kind = typeof trackOrKind === 'string' ? trackOrKind : trackOrKind && trackOrKind.kind;
      if (kind === 'audio') pipe(t.sender, 'tx', '');
      return t;
    }
  }
  window.RTCPeerConnection = StampedPC;
})();
"""

# The mid of the subscribe-side m-line that carries a participant's microphone.
MIC_MID_JS = """
(pid) => {
  const slot = [...window.parleyRoom.subscriber.slots.values()].find((s) => s.participantId === pid && s.source === 'microphone');
  return slot ? slot.mid : null;
}
"""

# The browser's microphone: the fake microphone replaced by a WebAudio track that is digital
# silence but for a 20 ms 1 kHz burst every second (the sender's encoded frames are stamped).
BURST_SENDER_JS = """
async ([count, lead]) => {
  const room = window.parleyRoom;
  const t = room.publisher && room.publisher.transceivers.get('microphone');
  if (!t) return { error: 'the page publishes no microphone' };
  const ctx = new AudioContext({ sampleRate: 48000 });
  if (ctx.state !== 'running') await ctx.resume();
  const osc = ctx.createOscillator();
  osc.frequency.value = 1000;
  const gain = ctx.createGain();
  gain.gain.value = 0;
  const dst = ctx.createMediaStreamDestination();
  osc.connect(gain).connect(dst);
  osc.start();
  const t0 = ctx.currentTime + lead;
  for (let i = 0; i < count; i += 1) {
    gain.gain.setValueAtTime(0.5, t0 + i);
    gain.gain.setValueAtTime(0, t0 + i + 0.020);
  }
  await t.sender.replaceTrack(dst.stream.getAudioTracks()[0]);
  window.__gwbBurst = { ctx, osc };
  return { ok: true, direction: t.currentDirection };
}
"""

NOW_JS = """
async () => {
  const a = performance.timeOrigin + performance.now();
  const r = await window.__gwb.ask({ cmd: 'now' });
  const b = performance.timeOrigin + performance.now();
  return [a, r.now, b];
}
"""


class Guest:
    """A headless Chromium guest who joins a meeting on the real meeting page."""

    def __init__(self, pw, parley: Parley, meeting: dict, name: str = "Listener", stamp_frames: bool = False):
        from media_bench import launch_chromium
        self.browser = launch_chromium(pw)
        # bypass_csp: the bench's worker is a blob: URL, which the page's CSP need not allow.
        self.page = self.browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True).new_page()
        if stamp_frames:
            self.page.add_init_script(FRAMES_INIT_JS % json.dumps(FRAME_WORKER_JS))
        self.page.goto(f"{parley.base}/m/{meeting['code']}")
        self.page.get_by_label("Your name").fill(name, timeout=30_000)
        self.page.get_by_role("button", name="Join", exact=True).click(timeout=30_000)
        self.page.wait_for_selector('.room-root[data-state="joined"]', timeout=30_000)

    def participant(self, display_name: str) -> str:
        """The id of the participant called `display_name`, once its audio element plays something."""
        pid = self.page.wait_for_function(
            "(n) => { const r = window.parleyRoom; if (!r || !r.participants) return null;"
            " for (const p of r.participants.values()) if (p.displayName === n) return p.id; return null; }",
            arg=display_name, timeout=30_000).json_value()
        self.page.wait_for_function("(pid) => { const e = window.parleyRoom.audioElementFor(pid);"
                                    " return !!(e && e.srcObject && e.srcObject.getAudioTracks().length); }",
                                    arg=pid, timeout=30_000)
        return pid

    def take(self, name: str) -> list[list]:
        """The frames the worker stamped since the last take: [epoch ms, bytes, RTP timestamp, mid]."""
        return self.page.evaluate("(n) => window.__gwb.ask({ cmd: 'take', name: n }).then((r) => r.log)", name)

    def clock_offset(self, samples: int = 40) -> dict:
        """Worker clock (epoch s) - this process's time.monotonic(), from the round trip
        Python → page → worker → page → Python with the smallest duration; the error is at
        most half that round trip."""
        best = None
        for _ in range(samples):
            t0 = time.monotonic()
            a, w, b = self.page.evaluate(NOW_JS)
            t1 = time.monotonic()
            if best is None or t1 - t0 < best["rtt_ms"] / 1000:
                best = {"rtt_ms": 1000 * (t1 - t0), "offset_s": w / 1000 - (t0 + t1) / 2, "worker_hop_ms": b - a}
        return best

    def close(self) -> None:
        self.browser.close()


def first_after_quiet(times: list[float], quiet: float = 0.5) -> list[int]:
    """Indices of the events that follow at least `quiet` s without one (a burst's onset)."""
    out, last = [], None
    for i, t in enumerate(times):
        if last is None or t - last > quiet:
            out.append(i)
        last = t
    return out


def big_frames(log: list[list[float]]) -> tuple[list[list[float]], float, float]:
    """The frames much bigger than the quiet ones around them (Opus VBR: digital silence
    codes in a few bytes, a 1 kHz burst in tens); (those frames, quiet size, threshold)."""
    if not log:
        return [], float("nan"), float("nan")
    sizes = np.array([e[1] for e in log], dtype=np.float64)
    quiet = float(np.median(sizes))
    threshold = max(2 * quiet, quiet + 12)
    return [e for e in log if e[1] > threshold], quiet, threshold


RECORD_JS = """
async ([pid, seconds]) => {
  const room = window.parleyRoom;
  const el = room && room.audioElementFor(pid);
  if (!el || !el.srcObject) return { error: 'no audio element for ' + pid };
  const ctx = new AudioContext({ sampleRate: 48000 });
  if (ctx.state !== 'running') await ctx.resume();
  const src = ctx.createMediaStreamSource(el.srcObject);
  const proc = ctx.createScriptProcessor(4096, 1, 1);
  const chunks = [];
  proc.onaudioprocess = (e) => { chunks.push(new Float32Array(e.inputBuffer.getChannelData(0))); };
  src.connect(proc); proc.connect(ctx.destination);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  src.disconnect(); proc.disconnect(); await ctx.close();
  const n = chunks.reduce((a, c) => a + c.length, 0);
  const pcm = new Int16Array(n);
  let o = 0;
  for (const c of chunks) for (let i = 0; i < c.length; i += 1) pcm[o++] = Math.max(-32768, Math.min(32767, c[i] * 32768));
  let bin = '';
  const bytes = new Uint8Array(pcm.buffer);
  for (let i = 0; i < bytes.length; i += 8192) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
  return { rate: ctx.sampleRate, b64: btoa(bin) };
}
"""


def record_guest(guest: "Guest", pid: str, seconds: float, work: Path, name: str) -> tuple[np.ndarray, int, dict] | str:
    """What the guest's <audio> element for `pid` plays, and how regularly the caller's Opus
    frames reached the guest's receiver meanwhile (before NetEq): frames, RTP timestamp steps
    other than 960 (20 ms), the longest gap between arrivals."""
    mid = guest.page.evaluate(MIC_MID_JS, pid)
    guest.take("rx")
    got = guest.page.evaluate(RECORD_JS, [pid, seconds])
    if "error" in got:
        return got["error"]
    rx = [e for e in guest.take("rx") if e[3] == mid]
    ts = np.array([e[2] for e in rx], dtype=np.int64)
    arrivals = np.array([e[0] for e in rx])
    frames = {"rx_frames": len(rx), "ts_steps_not_20ms": int(np.sum(((ts[1:] - ts[:-1]) % (1 << 32)) != 960)) if len(rx) > 1 else 0,
              "gap_max_ms": float(np.max(np.diff(arrivals))) if len(rx) > 1 else float("nan")}
    heard = np.frombuffer(base64.b64decode(got["b64"]), dtype="<i2")
    write_wav(work / name, heard, int(got["rate"]))
    return heard, int(got["rate"]), frames
