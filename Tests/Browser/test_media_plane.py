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

from raw_helpers import camera_video, follows_requested_layers, publisher_and_subscriber
from room_helpers import poll


def test_publisher_bandwidth_estimate_climbs_past_one_megabit(browser, parley):
    with publisher_and_subscriber(browser, parley) as (host, guest, publisher, subscriber):
        publisher.evaluate("t => rawJoin(t, {width: 1280, height: 720})", host)
        subscriber.evaluate("t => rawJoin(t, {audio: false, video: false})", guest)
        poll("the subscriber decoding the camera",
            lambda: sum(r["framesDecoded"] for r in subscriber.evaluate("rawStats()")["in"] if r["kind"] == "video") > 10, 30)

        def estimate():
            pairs = publisher.evaluate("rawStats()")["pairs"]
            aob = max((p["availableOutgoingBitrate"] for p in pairs if p["pc"] == "pub"), default=0)
            return aob if aob > 1_000_000 else None
        aob = poll("availableOutgoingBitrate > 1 Mb/s on the publish connection", estimate, 40)
        print(f"availableOutgoingBitrate reached {aob / 1e6:.2f} Mb/s")
        # Parley passes the publisher's sender reports on, translated: the
        # subscriber's browser builds remote-outbound-rtp stats from them (and
        # uses them to lip-sync audio with video).
        remote_outbound = """async () => {
            const s = await rawSub.getStats(); const out = [];
            s.forEach(r => { if (r.type === 'remote-outbound-rtp') out.push({kind: r.kind, packetsSent: r.packetsSent}); });
            return out; }"""
        reports = poll("a sender report reaching the subscriber",
            lambda: [r for r in subscriber.evaluate(remote_outbound) if r["kind"] == "video" and r["packetsSent"] > 0], 20)
        assert reports


def test_simulcast_layer_follows_the_requested_size_without_freezing(browser, parley):
    with publisher_and_subscriber(browser, parley) as (host, guest, publisher, subscriber):
        publisher.evaluate("t => rawJoin(t, {simulcast: true, width: 1280, height: 720, audio: false})", host)
        subscriber.evaluate("t => rawJoin(t, {audio: false, video: false})", guest)
        poll("the subscriber decoding the camera", lambda: (v := camera_video(subscriber)) and v["framesDecoded"] > 10, 30)
        follows_requested_layers(publisher, subscriber)
