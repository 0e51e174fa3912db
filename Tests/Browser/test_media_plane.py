"""The media plane seen from a real browser, without the room UI.

- Bandwidth feedback: Parley's transport-wide congestion feedback lets a
  publisher's estimate climb past 1 Mb/s (the browser starts at ~300 kb/s and
  stays low without feedback); the publisher's sender reports reach the
  subscriber, translated.
- Simulcast: a camera published in three layers reaches a subscriber in the
  layer that fits the size the subscriber asks for (`layers.prefer`), and the
  switch does not freeze the picture.

The pages use Tests/Browser/rawclient.js, a bare client of the signaling
protocol (Docs/signaling.md).
"""

from __future__ import annotations

import time
from pathlib import Path

import requests

from conftest import PASSWORD, ParleyServer

RAW_CLIENT = (Path(__file__).parent / "rawclient.js").read_text()


def _meeting(parley: ParleyServer, guests: int) -> tuple[str, list[str]]:
    s = requests.Session()
    name = f"mp{int(time.time() * 1000) % 10**9}"
    r = s.post(parley.api("/auth/register"), json={"username": name, "displayName": "Media Host", "password": PASSWORD}, timeout=10)
    assert r.status_code == 201, r.text
    meeting = s.post(parley.api("/meetings"), json={"title": "Media plane"}, timeout=10).json()
    host = s.post(parley.api(f"/join/{meeting['code']}"), json={}, timeout=10).json()["joinToken"]
    tokens = [requests.post(parley.api(f"/join/{meeting['code']}"), json={"displayName": f"Guest {i}"}, timeout=10).json()["joinToken"]
              for i in range(guests)]
    return host, tokens


def _page(browser, parley: ParleyServer):
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(parley.url + "/healthz")
    page.add_script_tag(content=RAW_CLIENT)
    return context, page


def _poll(fn, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(0.25)
    raise AssertionError(f"{what} did not happen within {timeout} s; last: {last}")


def test_publisher_bandwidth_estimate_climbs_past_one_megabit(browser, parley):
    host, (guest,) = _meeting(parley, 1)
    contexts = []
    try:
        pub_ctx, publisher = _page(browser, parley)
        sub_ctx, subscriber = _page(browser, parley)
        contexts = [pub_ctx, sub_ctx]
        publisher.evaluate("t => rawJoin(t, {width: 1280, height: 720})", host)
        subscriber.evaluate("t => rawJoin(t, {audio: false, video: false})", guest)
        _poll(lambda: sum(r["framesDecoded"] for r in subscriber.evaluate("rawStats()")["in"] if r["kind"] == "video") > 10,
              30, "the subscriber decoding the camera")

        def estimate():
            pairs = publisher.evaluate("rawStats()")["pairs"]
            aob = max((p["availableOutgoingBitrate"] for p in pairs if p["pc"] == "pub"), default=0)
            return aob if aob > 1_000_000 else None
        aob = _poll(estimate, 40, "availableOutgoingBitrate > 1 Mb/s on the publish connection")
        print(f"availableOutgoingBitrate reached {aob / 1e6:.2f} Mb/s")
        # Parley passes the publisher's sender reports on, translated: the
        # subscriber's browser builds remote-outbound-rtp stats from them (and
        # uses them to lip-sync audio with video).
        remote_outbound = """async () => {
            const s = await rawSub.getStats(); const out = [];
            s.forEach(r => { if (r.type === 'remote-outbound-rtp') out.push({kind: r.kind, packetsSent: r.packetsSent}); });
            return out; }"""
        reports = _poll(lambda: [r for r in subscriber.evaluate(remote_outbound) if r["kind"] == "video" and r["packetsSent"] > 0],
                        20, "a sender report reaching the subscriber")
        assert reports
    finally:
        for c in contexts:
            c.close()


def test_simulcast_layer_follows_the_requested_size_without_freezing(browser, parley):
    host, (guest,) = _meeting(parley, 1)
    contexts = []
    try:
        pub_ctx, publisher = _page(browser, parley)
        sub_ctx, subscriber = _page(browser, parley)
        contexts = [pub_ctx, sub_ctx]
        publisher.evaluate("t => rawJoin(t, {simulcast: true, width: 1280, height: 720, audio: false})", host)
        subscriber.evaluate("t => rawJoin(t, {audio: false, video: false})", guest)

        def video():
            rows = [r for r in subscriber.evaluate("rawStats()")["in"] if r["kind"] == "video"]
            return rows[0] if rows else None

        _poll(lambda: (v := video()) and v["framesDecoded"] > 10, 30, "the subscriber decoding the camera")
        # Three layers leave the publisher.
        _poll(lambda: len([o for o in publisher.evaluate("rawStats()")["out"] if o["kind"] == "video" and o["bytes"] > 0]) == 3,
              40, "three simulcast layers being sent")
        producer = subscriber.evaluate("rawState.lastOffer.tracks.find(t => t.source === 'camera').producerId")

        def prefer(w: int, h: int):
            subscriber.evaluate("([p, w, h]) => rawState.ws.send(JSON.stringify({type: 'layers.prefer', producerId: p, width: w, height: h}))",
                                [producer, w, h])

        prefer(1280, 720)
        big = _poll(lambda: (v := video()) and v["width"] >= 1280 and v, 40, "the full layer (1280 wide) arriving")
        prefer(320, 180)
        small = _poll(lambda: (v := video()) and v["width"] == 320 and v, 30, "the quarter layer (320 wide) arriving")
        assert small["framesDecoded"] > big["framesDecoded"]
        # The picture keeps moving on the new layer: no freeze after the switch.
        before = small["framesDecoded"]
        _poll(lambda: (v := video()) and v["framesDecoded"] >= before + 15, 15, "frames decoded after the switch")
        prefer(1280, 720)
        _poll(lambda: (v := video()) and v["width"] >= 1280, 30, "back to the full layer")
    finally:
        for c in contexts:
            c.close()
