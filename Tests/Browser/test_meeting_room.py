"""The live meeting room with three real Chromium participants and Parley's SFU.

Each person runs in their own Chromium process whose fake camera shows a solid
colour and whose fake microphone plays a sine (fake_media.py):

- Rita Red (host, signed in): red camera, 440 Hz
- Gus Green (signed in): green camera, 700 Hz
- Bea Blue (a guest who joins by link, no account, on a 390 px phone screen):
  blue camera, 1100 Hz

The three join once per module (the `trio` fixture) and the tests run in file
order on that one meeting: media both ways, active speaker, chat history,
stats, mute, screen sharing, video off/on, raised hand, leaving.

Audio processing: the room asks getUserMedia for echo cancellation, noise
suppression and auto gain (right for people). Measured here, a -9 dBFS sine
arrives at about -28 dBFS RMS (noise suppression takes ~20 dB) but is still by
far the dominant frequency, so the tests keep the product's constraints and
check frequency plus a level well above silence instead of adding a test-only
switch to the page.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from conftest import People, Person
from room_helpers import (PHONE, SLOW, colour_matches, centre_pixel, expect_state, heading, inbound_for, join,
                          open_prejoin, participant_id, poll, room_person, screen_problems, tile, tone, toolbar_button)

pytestmark = pytest.mark.usefixtures("slow_expect")

CHAT_TEXT = "Agenda: colours, tones and screens"

# Both other people's cameras decode (two inbound video streams with frames).
FIRST_FRAMES_JS = """
async () => {
  const pc = window.parleyRoom && window.parleyRoom.subscribePC;
  if (!pc) return false;
  let n = 0;
  (await pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'video' && s.framesDecoded > 0) n += 1; });
  return n >= 2;
}
"""


@dataclass
class Member:
    person: Person
    page: Page
    name: str
    colour: tuple[int, int, int]
    tone_hz: float


@dataclass
class Trio:
    people: People
    code: str
    host: Member
    green: Member
    blue: Member
    join_seconds: float
    first_frames_seconds: float  # Bea's "Join" click → both remote cameras decoded

    @property
    def members(self) -> list[Member]:
        return [self.host, self.green, self.blue]

    def others(self, m: Member) -> list[Member]:
        return [o for o in self.members if o is not m]

    def pid(self, viewer: Member, of: Member) -> str:
        return participant_id(viewer.page, of.name)


@pytest.fixture(scope="module")
def trio(slow_expect, browser, media_browser, fake_media, parley):
    people = People(browser, parley)
    try:
        red, green, blue = fake_media["red"], fake_media["green"], fake_media["blue"]
        rita = room_person(people, "Rita", browser=media_browser("red"))
        rita.register_via_api(display_name="Rita Red")
        gus = room_person(people, "Gus", browser=media_browser("green"))
        gus.register_via_api(display_name="Gus Green")
        bea = room_person(people, "Bea", browser=media_browser("blue"), viewport=PHONE)
        meeting = rita.api("POST", "/meetings", {"title": "Colour sync"}, expect_status=201)
        code = meeting["code"]

        t0 = time.monotonic()
        rp = join(rita, code)
        gp = join(gus, code)
        # Chat before the guest arrives: she must get it as history.
        toolbar_button(rp, "Chat").click()
        rp.get_by_label("Message").fill(CHAT_TEXT)
        rp.get_by_role("button", name="Send", exact=True).click()
        expect(rp.get_by_role("log")).to_contain_text(CHAT_TEXT)
        toolbar_button(rp, "Chat").click()  # closed again
        # The guest joins by link, typing her name.
        bp = open_prejoin(bea, code, name="Bea Blue")
        clicked = time.monotonic()
        bp.get_by_role("button", name="Join", exact=True).click()
        expect_state(bp, "joined")
        bp.wait_for_function(FIRST_FRAMES_JS, polling=50, timeout=SLOW * 1000)
        first_frames_seconds = time.monotonic() - clicked
        join_seconds = time.monotonic() - t0
        yield Trio(
            people=people, code=code,
            host=Member(rita, rp, "Rita Red", red.rgb, red.tone_hz),
            green=Member(gus, gp, "Gus Green", green.rgb, green.tone_hz),
            blue=Member(bea, bp, "Bea Blue", blue.rgb, blue.tone_hz),
            join_seconds=join_seconds, first_frames_seconds=first_frames_seconds,
        )
    finally:
        people.close()


def frames_decoded(page: Page, pid: str, source: str = "camera") -> int:
    s = inbound_for(page, pid, source)
    return s["framesDecoded"] if s else 0


def audio_bytes(page: Page, pid: str) -> int:
    s = inbound_for(page, pid, "microphone")
    return s["bytesReceived"] if s else 0


def wait_frames_rising(page: Page, pid: str, source: str = "camera", by: int = 10) -> None:
    start = frames_decoded(page, pid, source)
    poll(f"{source} frames of {pid} decoding", lambda: frames_decoded(page, pid, source) >= start + by or None)


def wait_audio_flowing(page: Page, pid: str, by: int = 2000) -> None:
    start = audio_bytes(page, pid)
    poll(f"audio bytes of {pid} growing", lambda: audio_bytes(page, pid) >= start + by or None)


def wait_tone(page: Page, pid: str, hz: float) -> dict:
    """The remote <audio> of `pid` plays `hz` (±15 Hz) well above silence."""
    def check():
        t = tone(page, pid)
        return t if t and abs(t["hz"] - hz) <= 15 and t["rmsDb"] > -50 else None
    return poll(f"{hz} Hz from {pid}", check)


def audio_stopped(page: Page, pid: str, window: float = 1.5) -> bool:
    """No audio bytes from `pid` arrive during `window` seconds (the track may also be gone)."""
    before = audio_bytes(page, pid)
    time.sleep(window)
    return audio_bytes(page, pid) == before


# ---------------------------------------------------------------------------


def test_everyone_sees_and_hears_both_others(trio: Trio):
    for viewer in trio.members:
        page = viewer.page
        for other in trio.others(viewer):
            pid = trio.pid(viewer, other)
            t = tile(page, pid)
            expect(t).to_have_attribute("aria-label", other.name)
            wait_frames_rising(page, pid)
            pixel = poll(f"{other.name}'s colour at {viewer.name}",
                         lambda: (p := centre_pixel(page, pid)) and colour_matches(p["rgb"], other.colour) and p)
            assert pixel["width"] > 0 and pixel["height"] > 0, pixel
            expect(t).to_have_attribute("data-video", "on")
            wait_audio_flowing(page, pid)
            wait_tone(page, pid, other.tone_hz)
    print(f"\nthree people joined in {trio.join_seconds:.1f} s; Bea's Join click to both remote cameras"
          f" decoding: {trio.first_frames_seconds:.2f} s")


def test_guest_joined_by_link_without_an_account(trio: Trio):
    bea = trio.blue
    me = bea.person.context.request.get(f"{bea.person.base_url}/api/v1/me", fail_on_status_code=False)
    assert me.status == 401  # never signed in
    expect(heading(bea.page, "You're in Colour sync")).to_be_visible()
    expect(bea.page.locator(".room-bar .pill").first).to_have_text("Guest")
    expect(bea.page.get_by_text("Bea Blue (You)")).to_be_visible()
    pid = trio.pid(trio.host, bea)
    assert trio.host.page.evaluate("(pid) => window.parleyRoom.participants.get(pid).role", pid) == "guest"
    # The joined room on a phone: no console errors, no horizontal scrolling.
    problems = screen_problems(bea.person, "room (guest, 390 px)", phone=True)
    assert not problems, problems


def test_chat_history_reaches_the_late_joiner(trio: Trio):
    for m in (trio.green, trio.blue):
        toolbar_button(m.page, "Chat").click()
        log = m.page.get_by_role("log")
        expect(log).to_contain_text(CHAT_TEXT)
        expect(log).to_contain_text("Rita Red")
        toolbar_button(m.page, "Chat").click()
    problems = screen_problems(trio.blue.person, "chat panel (390 px)", phone=True)
    assert not problems, problems


def active_speaker(page: Page) -> str | None:
    return page.evaluate("() => { const t = document.querySelector('section.tile[data-active-speaker=\"true\"]');"
                         " return t ? t.dataset.participantId : null; }")


def set_mic(m: Member, muted: bool) -> None:
    button = toolbar_button(m.page, "Mute" if muted else "Unmute")
    button.click()
    expect(toolbar_button(m.page, "Unmute" if muted else "Mute")).to_be_visible()


def test_active_speaker_follows_who_is_talking(trio: Trio):
    # Somebody is highlighted while all three tones play.
    poll("an active speaker at Rita's", lambda: active_speaker(trio.host.page))
    # Only Gus talks: he becomes the active speaker everywhere…
    set_mic(trio.host, True)
    set_mic(trio.blue, True)
    for viewer in trio.members:
        gus = trio.pid(viewer, trio.green)
        poll(f"Gus highlighted at {viewer.name}", lambda: active_speaker(viewer.page) == gus)
        expect(tile(viewer.page, gus)).to_have_attribute("data-active-speaker", "true")
    # …then only Bea.
    set_mic(trio.green, True)
    set_mic(trio.blue, False)
    for viewer in trio.members:
        bea = trio.pid(viewer, trio.blue)
        poll(f"Bea highlighted at {viewer.name}", lambda: active_speaker(viewer.page) == bea)
    set_mic(trio.host, False)
    set_mic(trio.green, False)


def test_mute_stops_audio_and_shows_the_badge(trio: Trio):
    rita = trio.host
    for viewer in trio.others(rita):
        pid = trio.pid(viewer, rita)
        wait_audio_flowing(viewer.page, pid)
        expect(tile(viewer.page, pid).get_by_role("img", name="Microphone off")).to_be_hidden()

    set_mic(rita, True)
    for viewer in trio.others(rita):
        pid = trio.pid(viewer, rita)
        expect(tile(viewer.page, pid).get_by_role("img", name="Microphone off")).to_be_visible()
        poll(f"Rita's audio stopped at {viewer.name}", lambda: audio_stopped(viewer.page, pid))

    set_mic(rita, False)
    for viewer in trio.others(rita):
        pid = trio.pid(viewer, rita)
        expect(tile(viewer.page, pid).get_by_role("img", name="Microphone off")).to_be_hidden()
        wait_audio_flowing(viewer.page, pid)
        wait_tone(viewer.page, pid, rita.tone_hz)


def test_stats_panel_shows_numbers(trio: Trio):
    page = trio.host.page
    toolbar_button(page, "Stats").click()
    panel = page.locator("#room-panel-stats")
    expect(panel.get_by_role("heading", name="Stats")).to_be_visible()
    expect(panel.locator('dd[data-stat="rtt"]')).to_have_text(re.compile(r"^\d+ ms$"), timeout=SLOW * 1000)
    expect(panel.locator('dd[data-stat="outgoing"]')).to_have_text(re.compile(r"^\d+(\.\d+)? (k|M)bit/s$"))
    for other in trio.others(trio.host):
        pid = trio.pid(trio.host, other)
        row = panel.locator(f'tr[data-participant-id="{pid}"][data-source="camera"]')
        expect(row.get_by_role("rowheader")).to_have_text(other.name)
        expect(row.locator("td").nth(1)).to_have_text(re.compile(r"^\d+(\.\d+)? (k|M)bit/s$"))
        expect(row.locator("td").nth(4)).to_have_text(re.compile(r"^\d+×\d+$"))
        mic = panel.locator(f'tr[data-participant-id="{pid}"][data-source="microphone"]')
        expect(mic.locator("td").nth(1)).to_have_text(re.compile(r"^[1-9]\d* kbit/s$"))
    toolbar_button(page, "Stats").click()
    expect(panel).to_be_hidden()

    # The same panel on Bea's phone: numbers too, and nothing wider than the screen.
    bea = trio.blue
    toolbar_button(bea.page, "Stats").click()
    phone_panel = bea.page.locator("#room-panel-stats")
    pid = trio.pid(bea, trio.host)
    expect(phone_panel.locator(f'tr[data-participant-id="{pid}"][data-source="camera"] td').nth(4)
           ).to_have_text(re.compile(r"^\d+×\d+$"), timeout=SLOW * 1000)
    problems = screen_problems(bea.person, "stats panel (390 px)", phone=True)
    toolbar_button(bea.page, "Stats").click()
    assert not problems, problems


def test_screen_share_arrives_full_size_and_large(trio: Trio):
    gus = trio.green
    toolbar_button(gus.page, "Share screen").click()
    expect(toolbar_button(gus.page, "Stop sharing")).to_be_visible()
    for viewer in trio.others(gus):
        page = viewer.page
        pid = trio.pid(viewer, gus)
        screen = tile(page, pid, "screen")
        expect(screen).to_be_visible(timeout=SLOW * 1000)
        expect(screen).to_have_attribute("aria-label", "Gus Green (screen)")

        def full_size():
            s = inbound_for(page, pid, "screen")
            return s if s and s["frameWidth"] >= 1280 and s["frameHeight"] >= 720 and s["framesDecoded"] > 0 else None
        stats = poll(f"Gus's screen at >= 1280x720 at {viewer.name}", full_size)
        wait_frames_rising(page, pid, "screen", by=5)
        # Shown large: on the main stage, wider than any camera tile, most of the stage's width.
        boxes = page.evaluate("""(pid) => {
          const box = (el) => { const r = el.getBoundingClientRect(); return { w: r.width, h: r.height }; };
          const screen = document.querySelector(`section.tile[data-participant-id="${pid}"][data-source="screen"]`);
          return { screen: box(screen), inMain: !!screen.closest('.stage-main'), stage: box(document.querySelector('.stage-main')),
                   cameras: [...document.querySelectorAll('section.tile[data-source="camera"]')].map(box) };
        }""", pid)
        assert boxes["inMain"], boxes
        assert boxes["screen"]["w"] >= 0.8 * boxes["stage"]["w"] or boxes["screen"]["h"] >= 0.8 * boxes["stage"]["h"], boxes
        assert all(boxes["screen"]["w"] * boxes["screen"]["h"] > 2 * c["w"] * c["h"] for c in boxes["cameras"]), boxes
        print(f"\n{viewer.name} receives Gus's screen at {stats['frameWidth']}x{stats['frameHeight']}")
    problems = screen_problems(trio.blue.person, "room with a shared screen (390 px)", phone=True)
    assert not problems, problems

    toolbar_button(gus.page, "Stop sharing").click()
    expect(toolbar_button(gus.page, "Share screen")).to_be_visible()
    for viewer in trio.others(gus):
        expect(tile(viewer.page, trio.pid(viewer, gus), "screen")).to_have_count(0, timeout=SLOW * 1000)
    problems = []
    for m in trio.members:
        problems += screen_problems(m.person, f"after the share ended ({m.name})", phone=m is trio.blue)
    assert not problems, problems


def test_video_off_and_on_and_raised_hand(trio: Trio):
    gus = trio.green
    toolbar_button(gus.page, "Stop video").click()
    expect(toolbar_button(gus.page, "Start video")).to_be_visible()
    for viewer in trio.others(gus):
        expect(tile(viewer.page, trio.pid(viewer, gus))).to_have_attribute("data-video", "off")
    toolbar_button(gus.page, "Start video").click()
    expect(toolbar_button(gus.page, "Stop video")).to_be_visible(timeout=SLOW * 1000)
    for viewer in trio.others(gus):
        pid = trio.pid(viewer, gus)
        expect(tile(viewer.page, pid)).to_have_attribute("data-video", "on", timeout=SLOW * 1000)
        wait_frames_rising(viewer.page, pid)
        poll(f"Gus's colour again at {viewer.name}",
             lambda: (p := centre_pixel(viewer.page, pid)) and colour_matches(p["rgb"], gus.colour))

    hand = toolbar_button(gus.page, "Raise hand")
    hand.click()
    expect(hand).to_have_attribute("aria-pressed", "true")
    for viewer in trio.others(gus):
        expect(tile(viewer.page, trio.pid(viewer, gus)).get_by_role("img", name="Hand raised")).to_be_visible()
    hand.click()
    expect(hand).to_have_attribute("aria-pressed", "false")
    for viewer in trio.others(gus):
        expect(tile(viewer.page, trio.pid(viewer, gus)).get_by_role("img", name="Hand raised")).to_be_hidden()


def test_leaving_removes_the_tile_at_the_others(trio: Trio):
    bea = trio.blue
    pids = {viewer.name: trio.pid(viewer, bea) for viewer in trio.others(bea)}
    toolbar_button(bea.page, "Leave").click()
    expect_state(bea.page, "left")
    expect(heading(bea.page, "You left the meeting")).to_be_visible()
    for viewer in trio.others(bea):
        pid = pids[viewer.name]
        expect(tile(viewer.page, pid)).to_have_count(0, timeout=SLOW * 1000)
        poll(f"Bea gone from {viewer.name}'s participants",
             lambda: viewer.page.evaluate("(pid) => !window.parleyRoom.participants.has(pid)", pid))
        poll(f"Bea's audio stopped at {viewer.name}", lambda: audio_stopped(viewer.page, pid))
    problems = screen_problems(bea.person, "left screen (390 px)", phone=True)
    for m in trio.others(bea):
        problems += screen_problems(m.person, f"room ({m.name})", phone=False)
    assert not problems, problems
