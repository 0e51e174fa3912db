"""H.264 where both sides offer it: with `media.prefer_h264`, Parley answers a
Chromium publish offer with H.264 and a subscriber decodes the forwarded
stream (keyframes found by RFC 6184 NAL types, not VP8's descriptor)."""

from __future__ import annotations

import re

from raw_helpers import publisher_and_subscriber
from room_helpers import poll

PARLEY_ARGS = ["--set", "media.prefer_h264=true"]


def test_h264_is_negotiated_and_decoded(browser, parley):
    with publisher_and_subscriber(browser, parley) as (host, guest, publisher, subscriber):
        publisher.evaluate("t => rawJoin(t, {audio: false})", host)
        subscriber.evaluate("t => rawJoin(t, {audio: false, video: false})", guest)
        answer = poll("the publish answer",
            lambda: publisher.evaluate("rawPub.remoteDescription && rawPub.remoteDescription.sdp"), 20)
        video = answer[answer.index("m=video"):]
        payload_types = video.split("\r\n")[0].split()[3:]
        codecs = {m.group(1): m.group(2) for m in re.finditer(r"a=rtpmap:(\d+) ([\w-]+)/", video)}
        assert codecs[payload_types[0]] == "H264", f"answer chose {codecs[payload_types[0]]}"
        poll("the subscriber decoding H.264",
            lambda: sum(r["framesDecoded"] for r in subscriber.evaluate("rawStats()")["in"] if r["kind"] == "video") > 20, 30)
        offer = subscriber.evaluate("rawState.lastOffer.sdp")
        assert "H264/90000" in offer and "VP8/90000" not in offer
