"""Helpers for the meeting-room tests: joining, and measuring what a page receives.

Everything reads the room's test hooks (`window.parleyRoom`: `subscribePC`,
`subscriber.slotFor`, `participants`, `videoElementFor`, `audioElementFor`).
"""

from __future__ import annotations

import re
import time
from typing import Any, Callable

from playwright.sync_api import Page, expect

from page_checks import page_problems

# Polls in these tests wait up to this long (s): 2 cores run Parley and three Chromiums.
SLOW = 30

PREVIEW_PLAYING_JS = """
() => [...document.querySelectorAll('video')].some((v) => !v.hidden && v.videoWidth > 0)
"""

# Per received track (subscribe connection): who and what it is, and its counters.
INBOUND_JS = """
async () => {
  const room = window.parleyRoom;
  if (!room || !room.subscribePC || !room.subscriber) return [];
  const stats = await room.subscribePC.getStats();
  const out = [];
  stats.forEach((s) => {
    if (s.type !== 'inbound-rtp') return;
    const slot = room.subscriber.slotFor({ mid: s.mid, trackIdentifier: s.trackIdentifier });
    out.push({
      mid: s.mid, kind: s.kind,
      participantId: slot ? slot.participantId : null, source: slot ? slot.source : null,
      bytesReceived: s.bytesReceived || 0, packetsReceived: s.packetsReceived || 0,
      framesDecoded: s.framesDecoded || 0, frameWidth: s.frameWidth || 0, frameHeight: s.frameHeight || 0,
      totalAudioEnergy: s.totalAudioEnergy ?? null,
    });
  });
  return out;
}
"""

# The colour at the centre of a tile's <video> (drawn into a small canvas).
CENTRE_PIXEL_JS = """
([pid, source]) => {
  const room = window.parleyRoom;
  const v = room && room.videoElementFor(pid, source);
  if (!v || !v.videoWidth || !v.videoHeight) return null;
  const c = document.createElement('canvas');
  c.width = 64; c.height = 36;
  const g = c.getContext('2d', { willReadFrequently: true });
  g.drawImage(v, 0, 0, c.width, c.height);
  const d = g.getImageData(c.width / 2, c.height / 2, 1, 1).data;
  return { rgb: [d[0], d[1], d[2]], width: v.videoWidth, height: v.videoHeight };
}
"""

# The dominant frequency and level of what a participant's remote <audio> plays.
TONE_JS = """
async ([pid]) => {
  const room = window.parleyRoom;
  const el = room && room.audioElementFor(pid);
  if (!el || !el.srcObject || !el.srcObject.getAudioTracks().length) return null;
  const ctx = window.__toneCtx || (window.__toneCtx = new AudioContext());
  if (ctx.state !== 'running') await ctx.resume();
  const src = ctx.createMediaStreamSource(el.srcObject);
  const an = ctx.createAnalyser();
  an.fftSize = 8192;
  an.smoothingTimeConstant = 0;
  src.connect(an);
  // One analysis window (8192 samples) after the graph has filled it.
  await new Promise((r) => setTimeout(r, 400));
  const bins = new Float32Array(an.frequencyBinCount);
  an.getFloatFrequencyData(bins);
  const td = new Float32Array(an.fftSize);
  an.getFloatTimeDomainData(td);
  src.disconnect();
  let best = 1;
  for (let i = 2; i < bins.length; i += 1) if (bins[i] > bins[best]) best = i;
  let sum = 0;
  for (const x of td) sum += x * x;
  const rms = Math.sqrt(sum / td.length);
  return { hz: (best * ctx.sampleRate) / an.fftSize, peakDb: bins[best], rmsDb: rms > 0 ? 20 * Math.log10(rms) : -200 };
}
"""

PARTICIPANT_ID_JS = """
(name) => {
  const room = window.parleyRoom;
  if (!room || !room.participants) return null;
  for (const p of room.participants.values()) if (p.displayName === name) return p.id;
  return null;
}
"""

PHONE = {"width": 390, "height": 844}

# Records every toast the page shows (text and tone) in window.__toasts, so a
# short-lived error toast cannot slip by between two checks.
TOAST_RECORDER_JS = """
(() => {
  window.__toasts = [];
  const seen = new WeakSet();
  const record = (el) => {
    if (seen.has(el)) return;
    seen.add(el);
    const tone = [...el.classList].find((c) => c.startsWith('toast-') && c !== 'toast-leaving') || 'toast-info';
    const msg = el.querySelector('.toast-message');
    window.__toasts.push({ tone: tone.slice(6), text: (msg ? msg.textContent : el.textContent).trim() });
  };
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) {
      if (n.nodeType !== 1) continue;
      if (n.classList.contains('toast')) record(n);
      n.querySelectorAll && n.querySelectorAll('.toast').forEach(record);
    }
  }).observe(document, { childList: true, subtree: true });
})();
"""


def room_person(people, name: str, **kwargs):
    """people.new(...) for the room tests: slower action timeout, toasts recorded."""
    person = people.new(name, **kwargs)
    person.context.set_default_timeout(SLOW * 1000)
    record_toasts(person)
    return person


def record_toasts(person) -> None:
    """From the next page load on, remember every toast (see error_toasts)."""
    person.context.add_init_script(TOAST_RECORDER_JS)


def error_toasts(page: Page) -> list[str]:
    """Error toasts shown since the page loaded (or since the last call); forgets them."""
    return page.evaluate("() => { const t = (window.__toasts || []).filter((x) => x.tone === 'error').map((x) => x.text);"
                         " if (window.__toasts) window.__toasts = window.__toasts.filter((x) => x.tone !== 'error'); return t; }")


def room_root(page: Page):
    return page.locator(".room-root")


def expect_state(page: Page, state: str, timeout: float = SLOW) -> None:
    expect(room_root(page)).to_have_attribute("data-state", state, timeout=timeout * 1000)


def open_prejoin(person, code: str, name: str | None = None) -> Page:
    """The pre-join page with the camera preview playing (and the guest's name typed)."""
    page = person.goto(f"/m/{code}")
    expect(page.get_by_role("button", name="Join", exact=True)).to_be_visible()
    page.wait_for_function(PREVIEW_PLAYING_JS, timeout=SLOW * 1000)
    if name:
        page.get_by_label("Your name").fill(name)
    return page


def join(person, code: str, name: str | None = None, state: str = "joined") -> Page:
    page = open_prejoin(person, code, name)
    page.get_by_role("button", name="Join", exact=True).click()
    expect_state(page, state)
    return page


def toolbar_button(page: Page, name: str):
    return page.get_by_role("toolbar", name="Meeting controls").get_by_role("button", name=name, exact=True)


def person_action(page: Page, panel, display_name: str, action: str) -> None:
    """A host's action on someone in the participants panel: their "More actions
    for <name>" menu button, then the menu item (Mute, Make co-host, Make host,
    Remove from meeting)."""
    button = panel.get_by_role("button", name=f"More actions for {display_name}", exact=True)
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    page.get_by_role("menu", name=f"Actions for {display_name}").get_by_role("menuitem", name=action, exact=True).click()


def participant_id(page: Page, display_name: str, timeout: float = SLOW) -> str:
    handle = page.wait_for_function(PARTICIPANT_ID_JS, arg=display_name, timeout=timeout * 1000)
    return handle.json_value()


def tile(page: Page, pid: str, source: str = "camera"):
    return page.locator(f'section.tile[data-participant-id="{pid}"][data-source="{source}"]')


def inbound(page: Page) -> list[dict]:
    return page.evaluate(INBOUND_JS)


def inbound_for(page: Page, pid: str, source: str) -> dict | None:
    found = [s for s in inbound(page) if s["participantId"] == pid and s["source"] == source]
    # After renegotiations the same slot may show more than one entry: take the busiest.
    return max(found, key=lambda s: s["bytesReceived"]) if found else None


def centre_pixel(page: Page, pid: str, source: str = "camera") -> dict | None:
    return page.evaluate(CENTRE_PIXEL_JS, [pid, source])


def tone(page: Page, pid: str) -> dict | None:
    return page.evaluate(TONE_JS, [pid])


def poll(what: str, fn: Callable[[], Any], timeout: float = SLOW, interval: float = 0.25) -> Any:
    """Call fn until it returns something truthy; fail with the last value after `timeout` s."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        last = fn()
        if last:
            return last
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}; last value: {last!r}")
        time.sleep(interval)


def colour_matches(rgb: list[int], want: tuple[int, int, int], tolerance: int = 60) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(rgb, want))


def screen_problems(person, label: str, *, phone: bool) -> list[str]:
    """Console errors so far (then forgotten) and, at phone width, horizontal scrolling."""
    problems = page_problems(person.page, person, label, phone=phone)
    toasts = error_toasts(person.page)
    if toasts:
        problems.append(f"{label}: error toasts: {toasts}")
    return problems


def heading(page: Page, name: str | re.Pattern):
    return page.get_by_role("heading", level=1, name=name)
