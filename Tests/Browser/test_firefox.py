"""Firefox stays in the meeting, as Chromium does: real Firefox ESR with Chromium.

A Firefox ESR guest (firefox.py: Marionette, fake camera and microphone,
headless) and a Chromium guest (the `people` fixture) meet in one room;
then, inside this private network namespace:

- both decode each other's video (`inbound-rtp` framesDecoded on
  `window.parleyRoom.subscribePC`) and receive audio bytes;
- the network is cut for 10 s (`iptables -I INPUT -j DROP`: signaling and
  media, both ways, for both browsers; only the test driver's Marionette
  socket to Firefox is let through, as Playwright's pipe to Chromium needs no
  network): Firefox comes back as the same participant, never shows
  removed/ended/failed, and video flows again both ways
  (`firefox_reconnect_seconds` is printed);
- Firefox restarts ICE itself (`window.parleyRoom.session.restartIce`): new
  local and remote ICE credentials on both connections, ICE really runs on
  the new ones, media keeps flowing, no new join;
- navigating away from the room is leaving it (Parley gets `leave` on the
  socket or by the page's beacon, POST /api/v1/leave; the other side drops
  the tile at once): Firefox starts closing the socket before `pagehide`, so
  for it the beacon is what works;
- Parley is killed with SIGKILL and started again on the same address and
  database: Firefox comes back into the same meeting by itself.

Run: `scripts/in-private-netns.sh .venv/bin/python -m pytest -q -s Tests/Browser/test_firefox.py`
(as `make browser`; headless, no Xvfb needed).
"""

from __future__ import annotations

import contextlib
import subprocess
import time
from typing import Iterator

import pytest
from playwright.sync_api import Page

from conftest import ARTIFACTS, ParleyServer
from firefox import Firefox
from room_helpers import INBOUND_JS, SLOW, expect_state, join, poll, room_person
# The restartable server of the Chromium reconnection tests (same grace
# period, same address after a SIGKILL), and their media check.
from test_reconnection import (  # noqa: F401 - `restartable` and `parley` are fixtures of this module too
    FRAMES_FLOWING_JS, RestartableParley, parley, restartable, start_meeting,
)

pytestmark = pytest.mark.usefixtures("slow_expect")

CUT_SECONDS = 10

# What the room and its session went through from now on (with the time, ms):
# room states, and the session's reconnecting / reconnected / ICE-restart /
# media / disconnected events.
WATCH_JS = """
() => {
  const room = window.parleyRoom;
  window.__events = [];
  const t0 = performance.now();
  const push = (kind, detail) => window.__events.push({ t: Math.round(performance.now() - t0), kind, detail });
  room.addEventListener('state', (e) => push('state', e.detail));
  for (const type of ['reconnecting', 'reconnected', 'ice-restart', 'media', 'disconnected']) {
    room.session.addEventListener(type, (e) => {
      const d = e.detail || {};
      push(type, type === 'reconnected' ? { mediaReset: d.mediaReset, rejoined: d.rejoined }
        : type === 'ice-restart' ? { name: d.name, reason: d.reason }
        : type === 'disconnected' ? { code: d.code, message: d.message } : d.reason || null);
    });
  }
  return true;
}
"""

# The room state, its participant id, and who it has.
ROOM_JS = """
() => {
  const room = window.parleyRoom;
  const root = document.querySelector('.room-root');
  return {
    state: root ? root.dataset.state : null,
    participantId: room ? room.participantId : null,
    participants: room ? [...room.participants.keys()] : [],
  };
}
"""

# The ICE credentials of both peer connections, local and remote.
ICE_JS = """
() => {
  const room = window.parleyRoom;
  const ufrags = (desc) => desc ? [...new Set([...desc.sdp.matchAll(/^a=ice-ufrag:(\\S+)/gm)].map((m) => m[1]))] : [];
  const pwds = (desc) => desc ? [...new Set([...desc.sdp.matchAll(/^a=ice-pwd:(\\S+)/gm)].map((m) => m[1]))] : [];
  const one = (pc) => pc ? {
    local: ufrags(pc.localDescription), remote: ufrags(pc.remoteDescription),
    localPwd: pwds(pc.localDescription), remotePwd: pwds(pc.remoteDescription),
    signalingState: pc.signalingState, connectionState: pc.connectionState, iceConnectionState: pc.iceConnectionState,
  } : null;
  return { publish: one(room.publishPC), subscribe: one(room.subscribePC), counters: { ...room.session.counters } };
}
"""

# The selected candidate pair of a connection, with the ICE credentials it was
# checked with (Firefox reports usernameFragment on candidates and
# iceLocalUsernameFragment on the transport).
SELECTED_PAIR_JS = """
async (name) => {
  const room = window.parleyRoom;
  const pc = name === 'publish' ? room.publishPC : room.subscribePC;
  const stats = await pc.getStats();
  const by = new Map();
  stats.forEach((s) => by.set(s.id, s));
  let pair = null;
  let transport = null;
  stats.forEach((s) => {
    if (s.type === 'transport') { transport = s; if (s.selectedCandidatePairId) pair = by.get(s.selectedCandidatePairId); }
  });
  if (!pair) stats.forEach((s) => { if (s.type === 'candidate-pair' && (s.selected || s.nominated) && s.state === 'succeeded') pair = s; });
  if (!pair) return null;
  const local = by.get(pair.localCandidateId) || {};
  const remote = by.get(pair.remoteCandidateId) || {};
  return {
    local: `${local.protocol} ${local.address}:${local.port}`, remote: `${remote.protocol} ${remote.address}:${remote.port}`,
    localUfrag: local.usernameFragment || null, remoteUfrag: remote.usernameFragment || null,
    transportUfrag: transport ? transport.iceLocalUsernameFragment || null : null,
    state: pair.state,
  };
}
"""


# ---------------------------------------------------------------------------
# Firefox in the room


class FirefoxGuest:
    """The Firefox participant: joins through the pre-join page like a person."""

    def __init__(self, ff: Firefox, server_url: str):
        self.ff = ff
        self.server_url = server_url

    def join(self, code: str, name: str) -> str:
        ff = self.ff
        ff.goto(f"{self.server_url}/m/{code}")
        ff.wait_for("the Join button", "() => [...document.querySelectorAll('form button[type=submit]')]"
                    ".some((b) => b.textContent.trim() === 'Join' && !b.disabled)", timeout=SLOW)
        ff.wait_for("the camera preview playing",
                    "() => [...document.querySelectorAll('video')].some((v) => !v.hidden && v.videoWidth > 0)", timeout=SLOW)
        name_input = ff.find('input[name="displayName"]')
        name_input.clear()
        name_input.send_keys(name)
        ff.find('form button[type="submit"]').click()
        self.wait_state("joined")
        self.ff.run(WATCH_JS)
        return self.participant_id

    def navigate_away(self) -> None:
        """Away from the room page (its pagehide means to send `leave`, see
        test_leaving_the_page_is_leaving)."""
        with contextlib.suppress(Exception):
            self.ff.goto("about:blank")

    def room(self) -> dict:
        return self.ff.run(ROOM_JS)

    @property
    def participant_id(self) -> str:
        return self.room()["participantId"]

    def wait_state(self, state: str, timeout: float = SLOW) -> None:
        self.ff.wait_for(f"room state {state!r}",
                         "(s) => { const r = document.querySelector('.room-root'); return !!r && r.dataset.state === s; }",
                         state, timeout=timeout)

    def events(self) -> list[dict]:
        return self.ff.run("() => window.__events || []")

    def states(self) -> list[str]:
        return [e["detail"] for e in self.events() if e["kind"] == "state"]

    def inbound(self) -> list[dict]:
        return self.ff.run(INBOUND_JS)

    def frames_flowing(self, pid: str) -> bool:
        return bool(self.ff.run(FRAMES_FLOWING_JS, pid))

    def ice(self) -> dict:
        return self.ff.run(ICE_JS)

    def selected_pair(self, name: str) -> dict | None:
        return self.ff.run(SELECTED_PAIR_JS, name)

    def banner_hidden(self) -> bool:
        return self.ff.run("() => { const b = document.querySelector('.room-banner'); return !b || b.hidden; }")


@pytest.fixture(scope="module")
def firefox(tmp_path_factory, parley: ParleyServer) -> Iterator[Firefox]:
    """One Firefox ESR for the module, with camera and microphone allowed (stored) for Parley's origin."""
    ff = Firefox(tmp_path_factory.mktemp("firefox")).start()
    try:
        ff.allow_media(parley.url)
        print(f"\n{ff.version} (Marionette on 127.0.0.1:{ff.marionette_port}, log {ff.log_path})")
        yield ff
    finally:
        ff.close()


@pytest.fixture
def fiona(firefox: Firefox, parley: ParleyServer, request) -> Iterator[FirefoxGuest]:
    """The Firefox guest of one test; on failure, its screenshot, events, ICE state and
    console go to ARTIFACTS/<test>/firefox.{png,txt} (next to the Chromium screenshots)."""
    guest = FirefoxGuest(firefox, parley.url)
    log_start = firefox.log_size()
    yield guest
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        directory = ARTIFACTS / request.node.nodeid.replace("/", "_").replace("::", "__")
        directory.mkdir(parents=True, exist_ok=True)
        lines = [f"Firefox evidence ({firefox.version}):"]
        with contextlib.suppress(Exception):
            firefox.screenshot(directory / "firefox.png")
            lines.append(f"  screenshot: {directory / 'firefox.png'}")
        with contextlib.suppress(Exception):
            lines.append(f"  events: {guest.events()}")
        with contextlib.suppress(Exception):
            lines.append(f"  ice: {guest.ice()}")
        with contextlib.suppress(Exception):
            text = firefox.log_path.read_bytes()[log_start:].decode(errors="replace")
            lines.append("  firefox stdout (console) during the test:\n    " + "\n    ".join(text.splitlines()[-60:]))
        text = "\n".join(lines)
        (directory / "firefox.txt").write_text(text + "\n")
        print(f"\n{text}\n(kept in {directory / 'firefox.txt'})")
    guest.navigate_away()


# ---------------------------------------------------------------------------
# Both ways


def chromium_flowing(page: Page, pid: str) -> bool:
    return bool(page.evaluate(FRAMES_FLOWING_JS, pid))


def flowing_both_ways(fiona: FirefoxGuest, ben: Page, idf: str, idb: str, timeout: float = SLOW) -> tuple[float, float]:
    """Waits until each decodes the other's video; returns the seconds each took (Firefox, Chromium)."""
    start = time.monotonic()
    done: dict[str, float] = {}
    deadline = start + timeout
    while len(done) < 2:
        if "firefox" not in done and fiona.frames_flowing(idb):
            done["firefox"] = time.monotonic() - start
        if "chromium" not in done and chromium_flowing(ben, idf):
            done["chromium"] = time.monotonic() - start
        if time.monotonic() > deadline:
            raise AssertionError(
                f"video not flowing both ways after {timeout:.0f} s: flowing so far {done}; "
                f"Firefox inbound {fiona.inbound()}; Chromium inbound {ben.evaluate(INBOUND_JS)}; Firefox ice {fiona.ice()}")
        time.sleep(0.1)
    return done["firefox"], done["chromium"]


def audio_bytes(inbound: list[dict], pid: str) -> int:
    return sum(s["bytesReceived"] for s in inbound if s["kind"] == "audio" and s["participantId"] == pid)


def audio_arriving_both_ways(fiona: FirefoxGuest, ben: Page, idf: str, idb: str) -> None:
    """Audio bytes from the other grow on both sides (over 1 s)."""
    def growth() -> tuple[int, int]:
        return audio_bytes(fiona.inbound(), idb), audio_bytes(ben.evaluate(INBOUND_JS), idf)

    def grew() -> tuple | None:
        f0, c0 = growth()
        time.sleep(1.0)
        f1, c1 = growth()
        return (f0, f1, c0, c1) if f1 > f0 > 0 and c1 > c0 > 0 else None

    poll("audio bytes arriving both ways (Firefox from Chromium, Chromium from Firefox)", grew, timeout=SLOW, interval=0.5)


def meet(fiona: FirefoxGuest, people, parley: ParleyServer, title: str) -> tuple[Page, str, str]:
    """Firefox (Fiona) and Chromium (Ben) in one new meeting, each decoding the other."""
    code = start_meeting(parley, title)
    idf = fiona.join(code, "Fiona Fox")
    ben = join(room_person(people, "Ben"), code, "Ben Baker")
    idb = ben.evaluate("() => window.parleyRoom.participantId")
    assert idf and idb and idf != idb, (idf, idb)
    poll("each sees the other", lambda: idb in fiona.room()["participants"]
         and ben.evaluate("(id) => window.parleyRoom.participants.has(id)", idf))
    flowing_both_ways(fiona, ben, idf, idb)
    ben.evaluate("""() => { window.__states = []; window.parleyRoom.addEventListener('state', (e) => window.__states.push(e.detail)); }""")
    return ben, idf, idb


BAD_STATES = {"removed", "ended", "failed", "left", "denied"}


def fiona_still_the_same(fiona: FirefoxGuest, idf: str, idb: str) -> None:
    fiona.wait_state("joined")
    room = fiona.room()
    assert room["participantId"] == idf, f"Firefox came back as {room['participantId']}, not {idf}"
    assert idb in room["participants"], room
    seen = fiona.states()
    assert not BAD_STATES & set(seen), f"Firefox went through {seen}; events {fiona.events()}"


def ben_still_sees(ben: Page, idb: str, idf: str) -> None:
    expect_state(ben, "joined")
    assert ben.evaluate("() => window.parleyRoom.participantId") == idb
    assert ben.evaluate("(id) => window.parleyRoom.participants.has(id)", idf), "Chromium lost Firefox's participant"
    seen = ben.evaluate("() => window.__states")
    assert not BAD_STATES & set(seen), seen


def iptables(*args: str) -> None:
    subprocess.run(["iptables", "-w", *args], check=True, capture_output=True)


@contextlib.contextmanager
def network_cut(driver_port: int) -> Iterator[None]:
    """Nothing on loopback gets through (this namespace's whole network: Parley's
    HTTP, WebSocket and media, both browsers), except the test driver's own
    Marionette socket to Firefox (`driver_port`, used by no one else)."""
    keep = [["-p", "tcp", "--dport", str(driver_port), "-j", "ACCEPT"],
            ["-p", "tcp", "--sport", str(driver_port), "-j", "ACCEPT"]]
    for rule in keep:
        iptables("-I", "INPUT", *rule)
    iptables("-I", "INPUT", str(len(keep) + 1), "-j", "DROP")
    try:
        yield
    finally:
        iptables("-D", "INPUT", "-j", "DROP")
        for rule in keep:
            iptables("-D", "INPUT", *rule)


# ---------------------------------------------------------------------------
# Tests


def test_firefox_and_chromium_see_and_hear_each_other(fiona, people, parley, firefox):
    log_start = firefox.log_size()
    start = time.monotonic()
    ben, idf, idb = meet(fiona, people, parley, "Firefox meets Chromium")
    print(f"\nfirefox_meets_chromium_seconds (both joined, video both ways): {time.monotonic() - start:.2f}")
    audio_arriving_both_ways(fiona, ben, idf, idb)
    ff_in = fiona.inbound()
    video = [s for s in ff_in if s["kind"] == "video" and s["participantId"] == idb]
    assert video and max(s["framesDecoded"] for s in video) > 0 and max(s["frameWidth"] for s in video) > 0, ff_in
    cr_in = ben.evaluate(INBOUND_JS)
    video = [s for s in cr_in if s["kind"] == "video" and s["participantId"] == idf]
    assert video and max(s["framesDecoded"] for s in video) > 0 and max(s["frameWidth"] for s in video) > 0, cr_in
    # Both connections of Firefox are up, on loopback host candidates.
    for name in ("publish", "subscribe"):
        pair = fiona.selected_pair(name)
        assert pair and pair["local"].split()[1].startswith("127.0.0.1:"), (name, pair)
        print(f"firefox {name} pair: {pair['local']} -> {pair['remote']}")
    print(f"firefox received from chromium: {[{k: s[k] for k in ('kind', 'framesDecoded', 'frameWidth', 'frameHeight', 'bytesReceived')} for s in ff_in if s['participantId'] == idb]}")
    print(f"chromium received from firefox: {[{k: s[k] for k in ('kind', 'framesDecoded', 'frameWidth', 'frameHeight', 'bytesReceived')} for s in cr_in if s['participantId'] == idf]}")
    errors = firefox.console_errors(since=log_start)
    assert not errors, f"Firefox console errors: {errors}"


def test_firefox_stays_through_a_network_cut(fiona, people, parley, firefox):
    ben, idf, idb = meet(fiona, people, parley, f"Firefox cut {CUT_SECONDS}s")
    with network_cut(firefox.marionette_port):
        time.sleep(CUT_SECONDS)
    back_f, back_c = flowing_both_ways(fiona, ben, idf, idb, timeout=45)
    print(f"\nfirefox_reconnect_seconds cut={CUT_SECONDS}s: {max(back_f, back_c):.2f} "
          f"(Firefox decodes Chromium after {back_f:.2f}, Chromium decodes Firefox after {back_c:.2f})")
    fiona_still_the_same(fiona, idf, idb)
    ben_still_sees(ben, idb, idf)
    audio_arriving_both_ways(fiona, ben, idf, idb)
    poll("Firefox's banner hidden", fiona.banner_hidden)
    print(f"firefox events: {fiona.events()}")
    print(f"firefox counters: {fiona.ice()['counters']}")


def test_firefox_ice_restart_keeps_media_and_place(fiona, people, parley, firefox):
    ben, idf, idb = meet(fiona, people, parley, "Firefox ICE restart")
    before = fiona.ice()
    for name in ("publish", "subscribe"):
        assert len(before[name]["local"]) == 1 and len(before[name]["remote"]) == 1, (name, before)
    # RESTART_SPACING_MS: the session restarts a connection at most every 5 s.
    time.sleep(5.5)
    fiona.ff.run("() => window.parleyRoom.session.restartIce('test')")

    def restarted() -> dict | None:
        now = fiona.ice()
        done = all(now[n]["signalingState"] == "stable"
                   and now[n]["local"] and now[n]["local"] != before[n]["local"]
                   and now[n]["remote"] and now[n]["remote"] != before[n]["remote"] for n in ("publish", "subscribe"))
        return now if done else None

    after = poll("new local and remote ICE credentials on both of Firefox's connections", restarted, timeout=SLOW)
    print(f"\nfirefox ice-ufrag publish local {before['publish']['local']} -> {after['publish']['local']}, "
          f"remote (Parley) {before['publish']['remote']} -> {after['publish']['remote']}")
    print(f"firefox ice-ufrag subscribe local {before['subscribe']['local']} -> {after['subscribe']['local']}, "
          f"remote (Parley) {before['subscribe']['remote']} -> {after['subscribe']['remote']}")
    for name in ("publish", "subscribe"):
        assert after[name]["localPwd"] != before[name]["localPwd"], (name, before, after)
        assert after[name]["remotePwd"] != before[name]["remotePwd"], (name, before, after)
    assert after["counters"]["iceRestarts"] >= before["counters"]["iceRestarts"] + 2, (before["counters"], after["counters"])
    assert after["counters"]["resumes"] == before["counters"]["resumes"]
    assert after["counters"]["rejoins"] == before["counters"]["rejoins"]
    assert after["counters"]["mediaResets"] == before["counters"]["mediaResets"]

    # ICE really ran again: each connection's selected pair is checked with the new credentials.
    def on_new_credentials() -> dict | None:
        pairs = {n: fiona.selected_pair(n) for n in ("publish", "subscribe")}
        ok = all(p and p["localUfrag"] == after[n]["local"][0] and p["remoteUfrag"] == after[n]["remote"][0]
                 for n, p in pairs.items())
        return pairs if ok else None

    pairs = poll("Firefox's selected candidate pairs using the new ICE credentials", on_new_credentials, timeout=SLOW)
    print(f"firefox selected pairs after the restart: {pairs}")
    back_f, back_c = flowing_both_ways(fiona, ben, idf, idb)
    print(f"firefox_ice_restart_flowing_seconds: Firefox decodes {back_f:.2f}, Chromium decodes {back_c:.2f}")
    audio_arriving_both_ways(fiona, ben, idf, idb)
    fiona_still_the_same(fiona, idf, idb)
    ben_still_sees(ben, idb, idf)
    kinds = [e["kind"] for e in fiona.events()]
    assert "reconnecting" not in kinds and "media" not in kinds and "reconnected" not in kinds, fiona.events()
    restarts = [e["detail"] for e in fiona.events() if e["kind"] == "ice-restart"]
    assert {"name": "publish", "reason": "test"} in restarts and {"name": "subscribe", "reason": "test"} in restarts, restarts
    # Parley saw no new join and no leave.
    joins = [line for line in parley.log_tail(400).splitlines() if "participant joined" in line and idf in line]
    assert len(joins) == 1, joins



@pytest.mark.parametrize("who", ["chromium", "firefox"])
def test_leaving_the_page_is_leaving(fiona, people, parley, firefox, who):
    """Navigating away from the room is leaving it (room.js `onPageHide`): Parley logs
    `reason=left` and the other participant drops the tile at once, not after the grace period."""
    ben, idf, idb = meet(fiona, people, parley, f"{who} navigates away")
    if who == "firefox":
        gone, stays = idf, "Chromium"
        fiona.navigate_away()
        still_there = lambda: ben.evaluate("(id) => window.parleyRoom.participants.has(id)", idf)  # noqa: E731
    else:
        gone, stays = idb, "Firefox"
        ben.goto("about:blank")
        still_there = lambda: idb in fiona.room()["participants"]  # noqa: E731
    start = time.monotonic()
    # Parley's word on it: "participant left ... reason=left" at once, by the
    # socket's `leave` or the page's beacon (Firefox closes the socket before
    # `pagehide`, so Parley may first log "participant reconnecting"), never
    # only after the grace period.
    def left_lines():
        return [line for line in parley.log_tail(200).splitlines()
                if f"participant={gone}" in line and "participant left" in line]
    seen = poll(f"Parley logging that {gone} left", left_lines, timeout=10)
    assert "reason=left" in seen[0], f"{who} navigated away, but Parley did not get a leave: {seen[0]}"
    poll(f"{stays} dropping {gone}", lambda: not still_there(), timeout=10)
    print(f"\n{who} navigated away: gone for the other side after {time.monotonic() - start:.2f} s")


def test_a_killed_server_brings_firefox_back(fiona, people, parley, restartable: RestartableParley, firefox):
    ben, idf, idb = meet(fiona, people, parley, "Firefox crash")
    restartable.kill_and_restart()
    back_f, back_c = flowing_both_ways(fiona, ben, idf, idb, timeout=60)
    print(f"\nfirefox_reconnect_seconds server restart: {max(back_f, back_c):.2f} "
          f"(Firefox decodes Chromium after {back_f:.2f}, Chromium decodes Firefox after {back_c:.2f})")
    fiona_still_the_same(fiona, idf, idb)
    ben_still_sees(ben, idb, idf)
    audio_arriving_both_ways(fiona, ben, idf, idb)
    counters = fiona.ice()["counters"]
    assert counters["rejoins"] == 1, counters
    print(f"firefox events: {fiona.events()}")
