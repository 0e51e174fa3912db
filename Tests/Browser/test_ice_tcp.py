"""ICE-TCP (RFC 6544): media over Parley's passive TCP candidate when UDP is blocked.

Parley listens on TCP on its media port too and advertises a passive TCP host
candidate beside the UDP one, ranked below it. Two Chromium participants (the
raw signaling client, rawclient.js) join one meeting:

- with every UDP packet dropped inside the test's network namespace
  (`iptables -I INPUT -p udp -j DROP`), they still see and hear each other,
  and the selected candidate pair of every peer connection is TCP (Chromium's
  active candidate to Parley's passive one on the media port);
- without the block, the same join selects UDP: TCP is only the fallback.

Run inside the private network namespace like the other browser tests
(`make browser`); skipped when iptables is not installed (`apt-get install iptables`).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import time
from typing import Iterator

import pytest

from raw_helpers import meeting_with_tokens, raw_page
from room_helpers import poll

pytestmark = pytest.mark.skipif(shutil.which("iptables") is None,
                                reason="iptables is not installed (`apt-get install iptables`)")

UDP_DROP = ["-p", "udp", "-j", "DROP"]

# ICE-TCP is on by default (media.tcp); this module's server says so anyway,
# so the tests keep meaning the same if the default changes.
PARLEY_ARGS = ["--set", "media.tcp=true"]


@contextlib.contextmanager
def udp_blocked() -> Iterator[None]:
    """Drops every UDP packet in this network namespace until the block ends."""
    subprocess.run(["iptables", "-I", "INPUT", *UDP_DROP], check=True)
    try:
        yield
    finally:
        subprocess.run(["iptables", "-D", "INPUT", *UDP_DROP], check=True)


def video_frames(stats: dict) -> int:
    return sum(r["framesDecoded"] for r in stats["in"] if r["kind"] == "video")


def audio_bytes(stats: dict) -> int:
    return sum(r["bytes"] for r in stats["in"] if r["kind"] == "audio")


def parley_candidates(page) -> dict[str, tuple[int, int]]:
    """Parley's candidates in its last subscribe offer: protocol → (priority, port)."""
    sdp = page.evaluate("rawState.lastOffer.sdp")
    found = {}
    for m in re.finditer(r"^a=candidate:\S+ 1 (udp|tcp) (\d+) 127\.0\.0\.1 (\d+) typ host(.*)$", sdp, re.M):
        protocol, priority, port, rest = m.group(1), int(m.group(2)), int(m.group(3)), m.group(4).strip()
        if protocol == "tcp":
            assert rest == "tcptype passive", m.group(0)
        found.setdefault(protocol, (priority, port))
    return found


def two_participants_exchange_media(browser, parley) -> tuple[list[dict], dict[str, tuple[int, int]]]:
    """Host and guest join with camera and microphone; returns each page's
    stats once both decode the other's video and receive more audio over
    time, and the candidates Parley offered."""
    _, host_token, (guest_token,), _ = meeting_with_tokens(parley, guests=1, title="ICE-TCP")
    contexts, pages = [], []
    try:
        for token in (host_token, guest_token):
            context, page = raw_page(browser, parley)
            contexts.append(context)
            page.evaluate("(t) => rawJoin(t)", token)
            pages.append(page)

        def both_see():
            stats = [p.evaluate("rawStats()") for p in pages]
            return stats if all(video_frames(s) > 0 and audio_bytes(s) > 0 for s in stats) else None
        first = poll("both participants decoding the other's video and receiving audio", both_see, 30)
        time.sleep(2)
        later = [p.evaluate("rawStats()") for p in pages]
        errors = [p.evaluate("rawState.errors") for p in pages]
        for a, b in zip(first, later):
            assert video_frames(b) > video_frames(a), (a, b, errors)   # still seeing
            assert audio_bytes(b) > audio_bytes(a), (a, b, errors)     # still hearing
            assert b["pubState"] == "connected" and b["subState"] == "connected", b
            assert {p["pc"] for p in b["pairs"]} == {"pub", "sub"}, b["pairs"]
        candidates = parley_candidates(pages[1])
        # Both offered on one port, UDP ranked above TCP (RFC 6544 §4.2).
        assert set(candidates) == {"udp", "tcp"}, candidates
        assert candidates["udp"][1] == candidates["tcp"][1], candidates
        assert candidates["udp"][0] > candidates["tcp"][0], candidates
        return later, candidates
    finally:
        for context in contexts:
            context.close()


def test_media_flows_over_tcp_when_udp_is_blocked(browser, parley):
    with udp_blocked():
        stats, candidates = two_participants_exchange_media(browser, parley)
    port = candidates["tcp"][1]
    for s in stats:
        for pair in s["pairs"]:
            assert pair["local"]["protocol"] == "tcp", pair
            assert pair["remote"]["protocol"] == "tcp", pair
            assert pair["remote"]["type"] == "host" and pair["remote"]["tcpType"] == "passive", pair
            assert pair["remote"]["address"] == "127.0.0.1" and pair["remote"]["port"] == port, pair


def test_udp_is_selected_when_it_works(browser, parley):
    stats, candidates = two_participants_exchange_media(browser, parley)
    port = candidates["udp"][1]
    for s in stats:
        for pair in s["pairs"]:
            assert pair["local"]["protocol"] == "udp", pair
            assert pair["remote"]["protocol"] == "udp", pair
            assert pair["remote"]["port"] == port, pair
