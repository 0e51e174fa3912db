"""Nobody drops out: real Chromium participants through network cuts and a server crash.

Two guests (each their own Chromium context with the fake camera and
microphone) meet; then, inside this private network namespace:

- the network is cut (`iptables -I INPUT -j DROP`: everything on loopback,
  signaling and media, both ways) for 5 s and for 25 s: both come back as the
  same participants, nobody sees "removed" or an end screen, and video flows
  again;
- one guest's signaling goes silent (its WebSocket frames are dropped in the
  page) while the other stays: the other sees their tile say "Reconnecting…",
  then sees them back; left silent past the grace period, they are gone for
  everyone with "left (connection lost)", and their page says "You were
  disconnected" with a Rejoin button;
- Parley is killed with SIGKILL and started again on the same address and
  database: both pages come back into the same meeting by themselves.

The time from the network's return to video flowing again is printed
(`reconnect_seconds`); Benchmarks/reconnect.py repeats it for p50/p95.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from typing import Iterator

import pytest
from playwright.sync_api import Page, expect

import conftest
from conftest import ParleyServer, running_parley
from room_helpers import SLOW, expect_state, join, poll, tile

pytestmark = pytest.mark.usefixtures("slow_expect")

GRACE_SECONDS = 30

# Video from `pid` is being decoded now: framesDecoded grows over 400 ms on the
# current subscribe connection (a fresh one after a media reset starts at 0).
FRAMES_FLOWING_JS = """
async (pid) => {
  const frames = async () => {
    const room = window.parleyRoom;
    if (!room || !room.subscribePC || !room.subscriber) return -1;
    let n = -1;
    (await room.subscribePC.getStats()).forEach((s) => {
      if (s.type !== 'inbound-rtp' || s.kind !== 'video') return;
      const slot = room.subscriber.slotFor({ mid: s.mid, trackIdentifier: s.trackIdentifier });
      if (slot && slot.participantId === pid) n = Math.max(n, s.framesDecoded || 0);
    });
    return n;
  };
  const a = await frames();
  await new Promise((r) => setTimeout(r, 400));
  const b = await frames();
  return a >= 0 && b > a;
}
"""

# Every state the room went through from now on.
WATCH_STATES_JS = """
() => {
  window.__states = [];
  window.parleyRoom.addEventListener('state', (e) => window.__states.push(e.detail));
}
"""

# The page's signaling goes deaf and mute: frames are neither sent nor
# delivered (new sockets too), as if its network path to Parley were gone,
# while its media keeps flowing. Undone by UNSILENCE_JS.
SILENCE_JS = """
() => {
  const proto = WebSocket.prototype;
  if (!window.__realSend) {
    window.__realSend = proto.send;
    window.__realAdd = proto.addEventListener;
  }
  window.__silent = true;
  proto.send = function (data) { if (!window.__silent) return window.__realSend.call(this, data); };
  proto.addEventListener = function (type, fn, opts) {
    if (type !== 'message') return window.__realAdd.call(this, type, fn, opts);
    return window.__realAdd.call(this, type, (ev) => { if (!window.__silent) fn(ev); }, opts);
  };
  // The current socket's listeners were added before: drop its frames too.
  const s = window.parleyRoom.session.signaling;
  if (s && s.ws) window.__realAdd.call(s.ws, 'message', (ev) => { if (window.__silent) ev.stopImmediatePropagation(); }, true);
}
"""

UNSILENCE_JS = "() => { window.__silent = false; }"


def iptables(*args: str) -> None:
    subprocess.run(["iptables", "-w", *args], check=True, capture_output=True)


@contextlib.contextmanager
def network_cut() -> Iterator[None]:
    """Nothing on loopback gets through (this namespace's whole network)."""
    iptables("-I", "INPUT", "-j", "DROP")
    try:
        yield
    finally:
        iptables("-D", "INPUT", "-j", "DROP")


class RestartableParley:
    """A Parley on a fixed address that a test may kill and start again (same database)."""

    def __init__(self, data_dir, args: list[str]):
        self.data_dir = data_dir
        self.args = args
        self.port = conftest.free_port()
        self.stack = contextlib.ExitStack()
        self.server: ParleyServer = self.stack.enter_context(running_parley(data_dir, args, port=self.port))

    def kill_and_restart(self) -> None:
        os.kill(self.server.process.pid, signal.SIGKILL)
        self.server.process.wait(timeout=10)
        self.stack.close()
        self.stack = contextlib.ExitStack()
        self.server = self.stack.enter_context(running_parley(self.data_dir, self.args, port=self.port))


@pytest.fixture(scope="module")
def restartable(tmp_path_factory) -> Iterator[RestartableParley]:
    holder = RestartableParley(tmp_path_factory.mktemp("parley-reconnect"), [
        "--set", f"meetings.reconnect_grace_seconds={GRACE_SECONDS}",
    ])
    yield holder
    holder.stack.close()


@pytest.fixture(scope="module")
def parley(restartable) -> ParleyServer:
    """The `people` fixture's server: the restartable one (its URL never changes)."""
    return restartable.server


def start_meeting(parley: ParleyServer, title: str) -> str:
    import requests
    s = requests.Session()
    name = conftest.unique("host")
    r = s.post(parley.api("/auth/register"), json={"username": name, "password": conftest.PASSWORD, "displayName": "Hana Host"}, timeout=10)
    assert r.status_code in (200, 201), r.text
    r = s.post(parley.api("/meetings"), json={"title": title}, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()["code"]


def two_guests(people, parley, title: str) -> tuple[Page, Page, str, str]:
    code = start_meeting(parley, title)
    a = join(people.new("Ada"), code, "Ada Able")
    b = join(people.new("Ben"), code, "Ben Baker")
    ida = a.evaluate("() => window.parleyRoom.participantId")
    idb = b.evaluate("() => window.parleyRoom.participantId")
    flowing(a, idb)
    flowing(b, ida)
    for page in (a, b):
        page.evaluate(WATCH_STATES_JS)
    return a, b, ida, idb


def flowing(page: Page, pid: str, timeout: float = SLOW) -> float:
    """Waits until `page` decodes video from `pid`; returns how long it took."""
    start = time.monotonic()
    poll(f"video from {pid} flowing", lambda: page.evaluate(FRAMES_FLOWING_JS, pid), timeout=timeout, interval=0.1)
    return time.monotonic() - start


def states(page: Page) -> list[str]:
    return page.evaluate("() => window.__states")


def still_the_same(page: Page, me: str, other: str) -> None:
    expect_state(page, "joined")
    assert page.evaluate("() => window.parleyRoom.participantId") == me
    assert page.evaluate("(id) => window.parleyRoom.participants.has(id)", other)
    seen = states(page)
    assert not {"removed", "ended", "failed", "left"} & set(seen), seen


@pytest.mark.parametrize("seconds", [5, 25])
def test_a_network_cut_ends_with_everyone_back(people, parley, seconds):
    a, b, ida, idb = two_guests(people, parley, f"Cut {seconds}s")
    with network_cut():
        time.sleep(seconds)
    back_a = flowing(a, idb, timeout=45)
    back_b = flowing(b, ida, timeout=45)
    print(f"\nreconnect_seconds cut={seconds}s: {max(back_a, back_b):.2f} (Ada {back_a:.2f}, Ben {back_b:.2f})")
    still_the_same(a, ida, idb)
    still_the_same(b, idb, ida)
    if seconds >= 20:
        # Long enough for the signaling to be declared dead: they resumed.
        assert "reconnecting" in states(a) + states(b), (states(a), states(b))
        resumes = [p.evaluate("() => window.parleyRoom.session.counters") for p in (a, b)]
        assert all(c["resumes"] + c["rejoins"] >= 1 for c in resumes), resumes
    for page in (a, b):
        expect(page.locator(".room-banner")).to_be_hidden()


def test_others_see_reconnecting_then_back_then_gone(people, parley):
    a, b, ida, idb = two_guests(people, parley, "Silent Ben")
    b.evaluate(SILENCE_JS)
    # Parley declares Ben's socket dead after 15 s of silence: Ada's tile of Ben says so.
    ben_tile = tile(a, idb)
    expect(ben_tile).to_have_attribute("data-reconnecting", "true", timeout=30_000)
    expect(ben_tile.get_by_text("Reconnecting…")).to_be_visible()
    expect_state(b, "reconnecting", timeout=30)
    # His media never stopped: Ada still sees him.
    flowing(a, idb)
    b.evaluate(UNSILENCE_JS)
    expect(ben_tile).to_have_attribute("data-reconnecting", "false", timeout=30_000)
    still_the_same(b, idb, ida)
    counters = b.evaluate("() => window.parleyRoom.session.counters")
    assert counters["resumes"] >= 1 and counters["rejoins"] == 0, counters

    # Silent past the grace period: gone for everyone, and told so.
    b.evaluate(SILENCE_JS)
    expect(ben_tile).to_have_attribute("data-reconnecting", "true", timeout=30_000)
    expect(ben_tile).to_have_count(0, timeout=(GRACE_SECONDS + 15) * 1000)
    expect(a.get_by_text("Ben Baker left (connection lost).")).to_be_visible()
    b.evaluate(UNSILENCE_JS)
    expect_state(b, "failed", timeout=60)
    expect(b.get_by_role("heading", name="You were disconnected")).to_be_visible()
    expect(b.get_by_role("button", name="Rejoin")).to_be_visible()
    assert "removed" not in states(b)


def test_a_killed_server_brings_the_room_back(people, parley, restartable):
    a, b, ida, idb = two_guests(people, parley, "Crash")
    restartable.kill_and_restart()
    back_a = flowing(a, idb, timeout=60)
    back_b = flowing(b, ida, timeout=60)
    print(f"\nreconnect_seconds server restart: {max(back_a, back_b):.2f}")
    still_the_same(a, ida, idb)
    still_the_same(b, idb, ida)
    counters = [p.evaluate("() => window.parleyRoom.session.counters") for p in (a, b)]
    assert all(c["rejoins"] == 1 for c in counters), counters
