"""TURN through a real coturn: Parley's time-limited credentials, relayed media.

Starts Debian's coturn (`turnserver`) on 127.0.0.1 with the TURN REST API
scheme (`use-auth-secret`, `static-auth-secret`), no TLS/DTLS, and loopback
peers allowed (coturn refuses relaying to 127.0.0.1 by default, and in the test
namespace Parley's media port is on 127.0.0.1). Parley gets the same secret and
the TURN URL, and hands each participant credentials in `joined.iceServers`.

Two participants then join with the raw signaling client (rawclient.js; no
meeting-room UI) with `iceTransportPolicy: "relay"` on both peer connections,
so every packet goes browser → coturn → Parley → coturn → browser. Negative
checks: credentials made with the wrong secret, or expired ones, get no relay
candidate from coturn, and a relay-only client with them never connects.

Run inside the private network namespace like the other browser tests
(`make browser`); skipped when coturn is not installed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from conftest import ParleyServer, _stop, free_port, running_parley
from raw_helpers import meeting_with_tokens, raw_page

pytestmark = pytest.mark.skipif(
    shutil.which("turnserver") is None,
    reason="coturn is not installed (`apt-get install coturn` provides turnserver)",
)

CREDENTIAL_SECONDS = 900
REALM = "parley.test"


# ---------------------------------------------------------------------------
# coturn


@dataclass
class Coturn:
    port: int
    secret: str
    log_path: Path
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"turn:127.0.0.1:{self.port}?transport=udp"

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError as err:
            return f"(no coturn log: {err})"


def stun_binding_answered(port: int, timeout: float = 0.3) -> bool:
    """Sends an RFC 8489 Binding request; True when coturn answers."""
    txid = secrets.token_bytes(12)
    request = b"\x00\x01\x00\x00\x21\x12\xa4\x42" + txid
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        try:
            s.sendto(request, ("127.0.0.1", port))
            data, _ = s.recvfrom(2048)
        except OSError:
            return False
    return len(data) >= 20 and data[8:20] == txid


@pytest.fixture(scope="module")
def coturn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Coturn]:
    work = tmp_path_factory.mktemp("coturn")
    log_path = work / "turn.log"
    port = free_port()  # free for UDP and TCP: coturn listens on both
    secret = secrets.token_hex(16)
    relay_low = 20000 + secrets.randbelow(20000)
    cmd = [
        "turnserver", "-n",  # no configuration file: everything is on this line
        "--listening-ip", "127.0.0.1", "--relay-ip", "127.0.0.1",
        "--listening-port", str(port),
        "--min-port", str(relay_low), "--max-port", str(relay_low + 200),
        "--use-auth-secret", f"--static-auth-secret={secret}", "--realm", REALM,
        "--no-tls", "--no-dtls", "--no-cli",
        "--allow-loopback-peers",
        "--log-file", str(log_path), "--simple-log", "--verbose",
        "--pidfile", str(work / "turnserver.pid"),
        "--userdb", str(work / "turndb"),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, cwd=work)
    server = Coturn(port=port, secret=secret, log_path=log_path, process=proc)
    deadline = time.monotonic() + 15
    while not stun_binding_answered(port):
        if proc.poll() is not None or time.monotonic() > deadline:
            _stop(proc)
            pytest.fail(f"coturn did not start (exit {proc.returncode}):\n{server.log()[-3000:]}")
        time.sleep(0.1)
    try:
        yield server
    finally:
        _stop(proc)


# ---------------------------------------------------------------------------
# Parley with TURN configured


@pytest.fixture(scope="module")
def turn_parley(coturn: Coturn, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ParleyServer]:
    with running_parley(tmp_path_factory.mktemp("parley-turn"), [
        "--set", f"turn.urls={coturn.url}",
        "--set", f"turn.secret={coturn.secret}",
        "--set", f"turn.credential_seconds={CREDENTIAL_SECONDS}",
    ]) as server:
        yield server


# ---------------------------------------------------------------------------
# Helpers


def turn_password(secret: str, username: str) -> str:
    """The TURN REST API password: base64(HMAC-SHA1(secret, username))."""
    return base64.b64encode(hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()).decode()


def received_frames(stats: dict) -> int:
    return sum(r["framesDecoded"] for r in stats["in"] if r["kind"] == "video")


# ---------------------------------------------------------------------------
# Tests


def test_joined_carries_time_limited_turn_credentials_and_media_flows_relayed(browser, coturn, turn_parley):
    _, host_token, (guest_token,), host = meeting_with_tokens(turn_parley, guests=1, title="TURN check")
    contexts = []
    try:
        pages = []
        for token in (host_token, guest_token):
            context, page = raw_page(browser, turn_parley)
            contexts.append(context)
            page.evaluate("(t) => rawJoin(t, {iceTransportPolicy: 'relay'})", token)
            pages.append(page)
        joined_at = time.time()

        # joined.iceServers: the configured URL with REST-API credentials.
        users = []
        for page, expected_user in zip(pages, (host["id"], None)):
            joined = page.evaluate("rawState.joined")
            servers = joined["iceServers"]
            assert len(servers) == 1, servers
            ice = servers[0]
            urls = ice["urls"] if isinstance(ice["urls"], list) else [ice["urls"]]
            assert urls == [coturn.url], ice
            expiry, _, user = ice["username"].partition(":")
            assert expiry.isdigit() and user, ice["username"]
            assert abs(int(expiry) - (joined_at + CREDENTIAL_SECONDS)) < 15, (expiry, joined_at)
            if expected_user:
                assert user == expected_user, ice["username"]
            else:
                assert re.fullmatch(r"guest-[0-9a-f]{8}", user), ice["username"]
            assert ice["credential"] == turn_password(coturn.secret, ice["username"]), ice
            users.append(ice["username"])
            assert page.evaluate("rawState.config.iceTransportPolicy") == "relay"

        # Media flows both ways: frames decoded at each side, and rising.
        deadline = time.monotonic() + 25
        stats = [None, None]
        while time.monotonic() < deadline:
            stats = [p.evaluate("rawStats()") for p in pages]
            if all(received_frames(s) > 0 for s in stats):
                break
            time.sleep(0.5)
        errors = [p.evaluate("rawState.errors") for p in pages]
        assert all(received_frames(s) > 0 for s in stats), (
            f"no frames decoded through TURN:\n{stats}\nerrors: {errors}\nparley log:\n{turn_parley.log_tail()}"
            f"\ncoturn log:\n{coturn.log()[-3000:]}")
        first = [received_frames(s) for s in stats]
        time.sleep(2)
        stats = [p.evaluate("rawStats()") for p in pages]
        later = [received_frames(s) for s in stats]
        assert all(b > a for a, b in zip(first, later)), (first, later)

        # Every selected pair is relayed: local candidate "relay" (coturn's
        # relayed address on 127.0.0.1), remote Parley's host candidate.
        for s in stats:
            assert {p["pc"] for p in s["pairs"]} == {"pub", "sub"}, s["pairs"]
            for pair in s["pairs"]:
                assert pair["local"]["type"] == "relay", pair
                assert pair["local"]["address"] == "127.0.0.1", pair
                assert pair["remote"]["type"] == "host", pair
            assert s["pubState"] == "connected" and s["subState"] == "connected", s

        # coturn saw the allocations, authenticated with Parley's usernames.
        log = coturn.log()
        for username in users:
            assert re.search(rf"user <{re.escape(username)}>: incoming packet ALLOCATE processed, success", log), (
                f"no successful ALLOCATE for {username} in the coturn log:\n{log[-4000:]}")
        assert "CREATE_PERMISSION processed, success" in log, log[-4000:]
    finally:
        for context in contexts:
            context.close()


def test_credentials_from_the_wrong_secret_or_expired_get_no_relay(browser, coturn, turn_parley):
    _, host_token, _, _ = meeting_with_tokens(turn_parley, guests=0, title="TURN check")
    context, page = raw_page(browser, turn_parley)
    try:
        def gather(username: str, credential: str) -> dict:
            config = {"iceServers": [{"urls": [coturn.url], "username": username, "credential": credential}],
                      "iceTransportPolicy": "relay"}
            return page.evaluate("([c]) => rawGather(c, 8000)", [config])

        now = int(time.time())
        good_user = f"{now + 600}:probe-good"
        good = gather(good_user, turn_password(coturn.secret, good_user))
        assert [c["type"] for c in good["candidates"]] == ["relay"], good  # the control

        wrong_user = f"{now + 600}:probe-wrong"
        wrong = gather(wrong_user, turn_password("not-" + coturn.secret, wrong_user))
        assert wrong["candidates"] == [], wrong

        expired_user = f"{now - 60}:probe-expired"
        expired = gather(expired_user, turn_password(coturn.secret, expired_user))
        assert expired["candidates"] == [], expired

        # A relay-only participant with wrong-secret credentials never connects.
        bad_user = f"{now + 600}:probe-join"
        bad_servers = [{"urls": [coturn.url], "username": bad_user, "credential": turn_password("wrong", bad_user)}]
        page.evaluate("([t, s]) => rawJoin(t, {iceTransportPolicy: 'relay', iceServers: s})", [host_token, bad_servers])
        time.sleep(6)
        s = page.evaluate("rawStats()")
        assert s["pubState"] != "connected", s
        assert not s["pairs"], s

        log = coturn.log()
        for user in (wrong_user, expired_user, bad_user):
            assert re.search(rf"user <{re.escape(user)}>: incoming packet .*error 401", log), (
                f"coturn did not answer 401 to {user}:\n{log[-3000:]}")
            assert not re.search(rf"user <{re.escape(user)}>: incoming packet ALLOCATE processed, success", log), user
    finally:
        context.close()
