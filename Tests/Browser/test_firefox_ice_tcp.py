"""Firefox ESR over ICE-TCP (RFC 6544): with every UDP packet dropped inside the
test's network namespace, a Firefox guest and a Chromium guest see and hear each
other through Parley's passive TCP candidate on the media port, without TURN.

A module of its own (its own Firefox and Parley): a Firefox that has just used
TCP candidates is not the one the other Firefox tests should start from.
"""

from __future__ import annotations

import contextlib
import time

import pytest

from test_firefox import (  # noqa: F401 - fixtures of this module too
    audio_arriving_both_ways, firefox, fiona, iptables, meet, parley)
from test_reconnection import GRACE_SECONDS, RestartableParley

pytestmark = pytest.mark.usefixtures("slow_expect")


@pytest.fixture(scope="module")
def restartable(tmp_path_factory):
    """This module's server, with ICE-TCP on (on by default; said so the tests keep their meaning)."""
    holder = RestartableParley(tmp_path_factory.mktemp("parley-firefox-tcp"), [
        "--set", "media.tcp=true", "--set", f"meetings.reconnect_grace_seconds={GRACE_SECONDS}"])
    yield holder
    holder.stack.close()


def test_firefox_over_ice_tcp_when_udp_is_blocked(fiona, people, parley, firefox):
    with contextlib.ExitStack() as stack:
        iptables("-I", "INPUT", "-p", "udp", "-j", "DROP")
        stack.callback(iptables, "-D", "INPUT", "-p", "udp", "-j", "DROP")
        start = time.monotonic()
        ben, idf, idb = meet(fiona, people, parley, "Firefox over TCP")
        print(f"\nfirefox_over_tcp_seconds (both joined, video both ways): {time.monotonic() - start:.2f}")
        audio_arriving_both_ways(fiona, ben, idf, idb)
        for name in ("publish", "subscribe"):
            pair = fiona.selected_pair(name)
            assert pair and pair["local"].startswith("tcp ") and pair["remote"].startswith("tcp "), (name, pair)
            print(f"firefox {name} pair over TCP: {pair['local']} -> {pair['remote']}")
