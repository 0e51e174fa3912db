"""Three nodes, one meeting (issue 14's whole picture).

alpha (127.0.0.2), beta (127.0.0.3) and gamma (127.0.0.4) share one
throwaway PostgreSQL; Debian's Kamailio on 127.0.0.5 runs the shipped
`Config/kamailio/parley-dispatcher.cfg` in front of gamma's gateway. Alpha
runs the meeting and is full past its first person (capacity 2, spilling at
100 %):

- Ada joins through alpha (her media on alpha), Ben through beta (his media
  on beta: the room spans two nodes); each hears the other's microphone at
  its own pitch (440 and 700 Hz) and sees the other's camera; the active
  speaker follows whoever is unmuted, and a mute stops the audio across
  the nodes;
- Pat calls the meeting's dial-in code through Kamailio, which sends the call
  to gamma; gamma answers 302 naming alpha's gateway and Kamailio follows:
  Ada and Ben hear Pat's 1 kHz, Pat hears both of them;
- the recording alpha makes holds all three, Ben's tracks fetched from beta.
"""
from __future__ import annotations

import contextlib
import signal
import subprocess
import time
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest
import requests

from conftest import People, free_port, running_parley
from phone import Phone, band_level, write_tone
from playwright.sync_api import expect

from room_helpers import SLOW, inbound_for, join, participant_id, poll, tone, toolbar_button
from test_cluster_nodes import hosted_meeting, load, mkdir, node_args, readyz, throwaway_postgres
from test_cluster_spanning import SPILL, composited, media_on, record_for
from test_reconnection import flowing

pytestmark = pytest.mark.usefixtures("slow_expect")

KAMAILIO = Path("/usr/sbin/kamailio")
DISPATCHER_CFG = Path(__file__).resolve().parents[2] / "Config/kamailio/parley-dispatcher.cfg"


@contextlib.contextmanager
def kamailio_dispatcher(directory: Path, host: str, gateways: list[str]) -> Iterator[int]:
    """The shipped dispatcher configuration on `host`, in front of `gateways`
    (host:port each); yields its SIP port."""
    if not KAMAILIO.exists():
        pytest.skip("kamailio is not installed")
    directory.mkdir(parents=True, exist_ok=True)
    nodes = directory / "nodes.list"
    nodes.write_text("".join(f"1 sip:{g}\n" for g in gateways))
    port = free_port()
    log = open(directory / "kamailio.log", "wb")
    proc = subprocess.Popen([str(KAMAILIO), "-f", str(DISPATCHER_CFG), "-DD", "-E", "-Y", str(directory),
                             "-P", str(directory / "pid"), "-w", str(directory),
                             "-A", f"LISTEN=udp:{host}:{port}", "-A", f'NODES="{nodes}"', "-A", "PROBE_SECONDS=1",
                             "-A", "CHILDREN=1"], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        # Ready once its log shows the UDP socket set up.
        def up() -> bool:
            text = (directory / "kamailio.log").read_bytes()
            return proc.poll() is None and (b"probe_max_receive_buffer" in text or b"SO_RCVBUF is finally" in text)
        poll("Kamailio up", up, timeout=20)
        # The dispatcher's first OPTIONS probe marks gamma up.
        time.sleep(1.5)
        yield port
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def active_speaker(page) -> str | None:
    return page.evaluate("() => { const t = document.querySelector('section.tile[data-active-speaker=\"true\"]');"
                         " return t ? t.dataset.participantId : null; }")


def set_mic(page, muted: bool) -> None:
    toolbar_button(page, "Mute" if muted else "Unmute").click()
    expect(toolbar_button(page, "Unmute" if muted else "Mute")).to_be_visible()


def audio_bytes(page, pid: str) -> int:
    s = inbound_for(page, pid, "microphone")
    return s["bytesReceived"] if s else 0


def audio_stopped(page, pid: str) -> bool:
    before = audio_bytes(page, pid)
    time.sleep(1.5)
    return audio_bytes(page, pid) == before


NODES = (("alpha", "127.0.0.2"), ("beta", "127.0.0.3"), ("gamma", "127.0.0.4"))


def test_three_nodes_one_meeting_browsers_on_two_media_nodes_and_a_phone_through_kamailio(
        tmp_path: Path, media_browser) -> None:
    sip_ports = {name: free_port() for name, _ in NODES}
    extra = {"alpha": list(SPILL), "beta": [], "gamma": []}
    with contextlib.ExitStack() as stack:
        pg = stack.enter_context(throwaway_postgres())
        servers = {}
        for name, host in NODES:
            args = node_args(pg, name) + ["--sip", f"{host}:{sip_ports[name]}", "--set", "sip.noise_suppression=false"]
            servers[name] = stack.enter_context(running_parley(mkdir(tmp_path / name), args + extra[name], host=host))
        for server in servers.values():
            poll("the node to be ready", lambda server=server: readyz(server)[0] == 200)
        alpha, beta = servers["alpha"], servers["beta"]
        kamailio_port = stack.enter_context(kamailio_dispatcher(tmp_path / "kamailio", "127.0.0.5",
                                                                [f"127.0.0.4:{sip_ports['gamma']}"]))
        on_alpha, on_beta = People(media_browser("red"), alpha), People(media_browser("green"), beta)
        stack.callback(on_alpha.close)
        stack.callback(on_beta.close)
        phone = Phone(tmp_path, "pat", write_tone(tmp_path / "pat.wav", 1000.0, 8000, seconds=90), display_name="Phoning Pat")
        stack.callback(phone.close)

        host = requests.Session()
        m = hosted_meeting(alpha, "Three nodes, one meeting", session=host)
        ada = join(on_alpha.new("Ada"), m["code"], "Ada Able")
        ida = ada.evaluate("() => window.parleyRoom.participantId")
        ben = join(on_beta.new("Ben"), m["code"], "Ben Baker")
        idb = ben.evaluate("() => window.parleyRoom.participantId")
        flowing(ada, idb)
        flowing(ben, ida)
        media_on(ada, "127.0.0.2", "Ada's media on alpha")
        media_on(ben, "127.0.0.3", "Ben's media on beta: the room spans two nodes")
        # Each hears the other at the other's own pitch: 440 Hz from Ada's microphone, 700 Hz from Ben's.
        poll("Ada's 440 Hz in Ben's page", lambda: (t := tone(ben, ida)) and abs(t["hz"] - 440) < 30, timeout=SLOW)
        poll("Ben's 700 Hz in Ada's page", lambda: (t := tone(ada, idb)) and abs(t["hz"] - 700) < 30, timeout=SLOW)

        # The active speaker is detected on alpha, Ben's audio piped there from
        # beta: Ada mutes, Ben is the speaker on both pages; Ben mutes (his
        # producer on beta pauses) and Ada unmutes: Ada is, and Ben's audio stops.
        set_mic(ada, True)
        for page in (ada, ben):
            poll("Ben the active speaker", lambda page=page: active_speaker(page) == idb)
        set_mic(ben, True)
        set_mic(ada, False)
        for page in (ada, ben):
            poll("Ada the active speaker", lambda page=page: active_speaker(page) == ida)
        poll("Ben's audio stopped at Ada's", lambda: audio_stopped(ada, idb))
        set_mic(ben, False)
        poll("Ben's 700 Hz back in Ada's page", lambda: (t := tone(ada, idb)) and abs(t["hz"] - 700) < 30, timeout=SLOW)

        # Pat calls through Kamailio, which knows only gamma; gamma sends the call to alpha (302).
        phone.dial(f"sip:{m['dialInCode']}@127.0.0.5:{kamailio_port}")
        phone.wait_event("CALL_ESTABLISHED", timeout=30)
        pat = participant_id(ada, "Phoning Pat", timeout=30)
        assert "incoming call" in servers["gamma"].log_path.read_text(), "the call reached gamma first"
        assert "follows its meeting" in (tmp_path / "kamailio" / "kamailio.log").read_text(), "Kamailio followed the 302"
        for page in (ada, ben):
            poll("Pat's 1 kHz", lambda page=page: (t := tone(page, pat)) and abs(t["hz"] - 1000) < 40, timeout=SLOW)
        poll("everyone counted on alpha, Ben's media on beta, nothing on gamma",
             lambda: (lambda l: l.get("alpha") == (3, 1) and l.get("beta") == (1, 0) and l.get("gamma") == (0, 0))(load(pg)))

        # The host records for a few seconds: alpha's recorder takes Ben's tracks from beta.
        rec, cookie = record_for(alpha, host, m["id"], 6)

        # Pat heard both browsers (the last 3 s of what the phone received).
        phone.hang_up()
        phone.wait_event("CALL_CLOSED")
        samples, rate = phone.heard()
        tail = samples[-3 * rate:].astype(np.float64)
        shares = {hz: band_level(tail, rate, hz) for hz in (440.0, 700.0, 1000.0)}
        assert shares[440.0] > 0.1, f"Pat hears Ada: {shares}"
        assert shares[700.0] > 0.1, f"Pat hears Ben: {shares}"
        assert shares[1000.0] < 0.02, f"and not himself: {shares}"

        done = composited(alpha, rec, cookie)
        assert done["status"] == "ready", done
        owners = {(t["participant"], t["source"]) for t in done["tracks"]}
        assert {("Ada Able", "camera"), ("Ada Able", "microphone"), ("Ben Baker", "camera"), ("Ben Baker", "microphone"),
                ("Phoning Pat", "microphone")} <= owners, owners
        assert sorted(done["participants"]) == ["Ada Able", "Ben Baker", "Phoning Pat"], done
