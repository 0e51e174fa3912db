"""H.264 where both sides offer it: with `media.prefer_h264`, Parley answers a
Chromium publish offer with H.264 and a subscriber decodes the forwarded
stream (keyframes found by RFC 6184 NAL types, not VP8's descriptor); the
recorder writes it to Matroska as received, and the composite plays."""

from __future__ import annotations

import re

import time

import requests

from raw_helpers import meeting_with_tokens, publisher_and_subscriber, raw_page
from recording_checks import probe
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


def test_a_recorded_h264_camera_is_kept_in_matroska_as_sent(browser, parley, tmp_path):
    host_api = requests.Session()
    meeting, host, _, _ = meeting_with_tokens(parley, 0, title="H.264 recording", session=host_api)
    context, publisher = raw_page(browser, parley)
    try:
        publisher.evaluate("t => rawJoin(t, {audio: false})", host)
        poll("the camera sending",
            lambda: sum(r["packets"] for r in publisher.evaluate("rawStats()")["out"] if r["kind"] == "video") > 50, 30)
        r = host_api.post(parley.api(f"/meetings/{meeting['id']}/recording"), timeout=10)
        assert r.status_code == 201, r.text
        recording = r.json()
        time.sleep(4)
        r = host_api.post(parley.api(f"/recordings/{recording['id']}/stop"), timeout=10)
        assert r.status_code == 200, r.text

        def ready():
            got = host_api.get(parley.api(f"/recordings/{recording['id']}"), timeout=10).json()
            return got if got["status"] in ("ready", "failed") else None

        done = poll("the composite", ready, 240)
        assert done["status"] == "ready", done
        camera = [t for t in done["tracks"] if t["source"] == "camera"]
        assert len(camera) == 1 and camera[0]["name"].endswith(".mkv"), done["tracks"]
        track = tmp_path / camera[0]["name"]
        track.write_bytes(host_api.get(parley.url + camera[0]["url"], timeout=30).content)
        streams = probe(track)["streams"]
        assert [s["codec_name"] for s in streams] == ["h264"], streams
        mp4 = tmp_path / "recording.mp4"
        mp4.write_bytes(host_api.get(parley.url + done["fileUrl"], timeout=30).content)
        assert sorted(s["codec_name"] for s in probe(mp4)["streams"]) == ["aac", "h264"]
    finally:
        context.close()
