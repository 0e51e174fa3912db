"""Recording a meeting into one MP4, on the server, with real participants:

- Rita (red camera, 440 Hz) hosts; Bo (blue camera, 880 Hz) joins; a baresip
  phone dials in playing 1 kHz.
- Rita presses "Start recording": everyone sees the indicator. About 10 s are
  recorded; Bo shares his screen for part of it. Rita stops.
- The recording appears on the Recordings page, is processed in the
  background with progress, and plays in the page's player.
- The MP4 (downloaded through the API, with ranges) has one H.264 and one AAC
  stream, lasts the recorded span (±0.5 s), its audio holds 440, 880 and
  1000 Hz, and its frames show the red and blue cameras in a grid, and the
  screen large with the cameras beside it while Bo shares.
- A recording survives the server being killed (SIGKILL) mid-meeting: at the
  next start it is finished from what was on disk.
"""

from __future__ import annotations

import re
import signal
import time
from pathlib import Path

import numpy as np
import pytest
import requests
from playwright.sync_api import expect

from conftest import People, free_port, running_parley
from page_checks import page_problems
from phone import Phone, write_tone
from recording_checks import audio, colour_box, colour_share, frame, probe, tone_levels, tones_above_noise
from room_helpers import SLOW, join, participant_id, poll, room_person, tile, toolbar_button

pytestmark = pytest.mark.usefixtures("slow_expect")

SIP_PORT = free_port()
# The phones here send steady tones, which the gateway's noise suppression
# (on by default) takes for a fan's hum and removes: these tests follow the
# tones, so it is off; CallerNoiseTests and VoiceCleanerTests cover it.
PARLEY_ARGS = ["--sip", f"127.0.0.1:{SIP_PORT}", "--set", "sip.noise_suppression=false"]
RED = (220, 30, 30)
BLUE = (30, 30, 220)


def recording_pill(page):
    return page.locator(".pill-recording")


def wait_ready(person, recording_id: str, timeout: float = 240) -> dict:
    """Polls getRecording until the composite is done; the progress only grows."""
    seen: list[int] = []

    def done():
        r = person.api("GET", f"/recordings/{recording_id}")
        seen.append(r["progress"])
        return r if r["status"] in ("ready", "failed") else None

    r = poll("the composite", done, timeout=timeout, interval=0.5)
    assert r["status"] == "ready", r
    assert seen == sorted(seen), f"progress went backwards: {seen}"
    return r


def download(person, url: str, path: Path) -> Path:
    resp = person.context.request.get(person.base_url + url)
    assert resp.status == 200, resp.status
    path.write_bytes(resp.body())
    return path


def test_a_meeting_is_recorded_into_one_playable_file(browser, media_browser, parley, tmp_path):
    people = People(browser, parley)
    phone = None
    try:
        rita = room_person(people, "Rita", browser=media_browser("red"))
        rita.register_via_api(display_name="Rita Red")
        bo = room_person(people, "Bo", browser=media_browser("blue880"))
        bo.register_via_api(display_name="Bo Blue")
        m = rita.api("POST", "/meetings", {"title": "Colours and tones"}, expect_status=201)
        host_page = join(rita, m["code"])
        bo_page = join(bo, m["code"])
        wav = write_tone(tmp_path / "phone-1000.wav", 1000.0, 8000, seconds=60)
        phone = Phone(tmp_path, "caller", wav, codec="PCMU", display_name="Desk Phone")
        phone.dial(f"sip:{m['dialInCode']}@127.0.0.1:{SIP_PORT}")
        phone.wait_event("CALL_ESTABLISHED")
        participant_id(host_page, "Desk Phone")
        bo_id = participant_id(host_page, "Bo Blue")
        expect(tile(host_page, bo_id)).to_be_visible()

        # Participants cannot record; the host can.
        expect(toolbar_button(bo_page, "Start recording")).to_be_hidden()
        toolbar_button(host_page, "Start recording").click()
        expect(recording_pill(host_page)).to_be_visible()
        started = time.monotonic()
        expect(recording_pill(bo_page)).to_be_visible()
        expect(toolbar_button(host_page, "Stop recording")).to_be_visible()

        time.sleep(3.5)
        toolbar_button(bo_page, "Share screen").click()
        expect(tile(host_page, bo_id, "screen")).to_be_visible(timeout=SLOW * 1000)
        share_on = time.monotonic() - started
        time.sleep(3.5)
        toolbar_button(bo_page, "Stop sharing").click()
        expect(tile(host_page, bo_id, "screen")).to_have_count(0, timeout=SLOW * 1000)
        share_off = time.monotonic() - started
        time.sleep(3)
        toolbar_button(host_page, "Stop recording").click()
        expect(recording_pill(host_page)).to_be_hidden()
        span = time.monotonic() - started
        expect(recording_pill(bo_page)).to_be_hidden()

        # The Recordings page: the recording with its progress, then the player.
        listed = rita.api("GET", "/recordings")["recordings"]
        assert len(listed) == 1, listed
        rec = listed[0]
        page = rita.goto("/recordings")
        card = page.locator(f'article.rec-card[data-recording-id="{rec["id"]}"]')
        expect(card).to_be_visible()
        expect(card.get_by_role("heading", name="Colours and tones")).to_be_visible()
        rec = wait_ready(rita, rec["id"])
        assert sorted(rec["participants"]) == ["Bo Blue", "Desk Phone", "Rita Red"], rec
        assert abs(rec["durationSeconds"] - span) < 0.5, (rec["durationSeconds"], span)
        # The separate tracks say whose they are and where they start, for editing.
        tracks = rita.api("GET", f"/recordings/{rec['id']}")["tracks"]
        owners = {(t["participant"], t["source"]) for t in tracks}
        expected = {("Rita Red", "camera"), ("Rita Red", "microphone"), ("Bo Blue", "camera"), ("Bo Blue", "microphone"),
                    ("Bo Blue", "screen"), ("Desk Phone", "microphone")}
        assert expected <= owners, owners
        screen = next(t for t in tracks if t["source"] == "screen")
        assert abs(screen["startSeconds"] - share_on) < 1.0, (screen["startSeconds"], share_on)
        card.locator("summary", has_text="Separate tracks").click()
        expect(card.get_by_role("link", name=re.compile(r"^\d\d Desk Phone - microphone\.webm$"))).to_be_visible()
        expect(card.locator('[data-status="ready"]')).to_be_visible(timeout=20_000)
        card.get_by_role("button", name="Play").click()
        video = card.locator("video.rec-player")
        expect(video).to_be_visible()
        page.wait_for_function("v => v.readyState >= 1 && v.duration > 5", arg=video.element_handle(), timeout=20_000)
        assert abs(video.evaluate("v => v.duration") - rec["durationSeconds"]) < 0.5
        # The page fits a phone, with no console errors.
        page.set_viewport_size({"width": 390, "height": 800})
        problems = page_problems(page, rita, "recordings page (390 px)", phone=True)
        assert not problems, problems
        page.set_viewport_size({"width": 1280, "height": 800})
        # Bo took part but may not watch until the meeting allows it.
        bo.api("GET", f"/recordings/{rec['id']}", expect_status=404)
        rita.api("PATCH", f"/meetings/{m['id']}", {"recordingsVisible": True}, expect_status=200)
        bo_view = bo.goto("/recordings").locator(f'article.rec-card[data-recording-id="{rec["id"]}"]')
        expect(bo_view.get_by_role("button", name="Play")).to_be_visible()
        expect(bo_view.get_by_role("button", name="Delete")).to_have_count(0)

        mp4 = download(rita, rec["fileUrl"], tmp_path / "recording.mp4")
        info = probe(mp4)
        kinds = sorted((s["codec_type"], s["codec_name"]) for s in info["streams"])
        assert kinds == [("audio", "aac"), ("video", "h264")], kinds
        duration = float(info["format"]["duration"])
        assert abs(duration - span) < 0.5, (duration, span)

        # All three voices are in the mix.
        samples = audio(mp4, start=1.0, seconds=duration - 2)
        # (Chromium's noise suppression takes ~20 dB off a steady tone; the phone's is untouched.)
        above = tones_above_noise(samples, 16_000, [440.0, 880.0, 1000.0], quiet=[600.0, 700.0, 1300.0, 1500.0])
        assert all(db > 15 for db in above.values()), above

        # Before the share: a grid with the red and the blue camera, each a big tile.
        grid = frame(mp4, share_on - 1.0)
        assert colour_share(grid, RED) > 0.05 and colour_share(grid, BLUE) > 0.05, (colour_share(grid, RED), colour_share(grid, BLUE))
        # While Bo shares: the screen takes the stage, the cameras shrink into a column beside it.
        shared = frame(mp4, (share_on + share_off) / 2)
        red_box, blue_box = colour_box(shared, RED), colour_box(shared, BLUE)
        assert red_box and blue_box, "the cameras are shown beside the screen"
        assert red_box[0] > 0.7 * 1280 and blue_box[0] > 0.7 * 1280, (red_box, blue_box)
        assert colour_share(shared, RED) < 0.5 * colour_share(grid, RED)
        stage = shared[:, : int(0.7 * 1280)].astype(np.float64)
        assert stage.std() > 10, "the screen share fills the stage"
        # After the share: the grid again.
        after = frame(mp4, min(share_off + 1.5, duration - 0.5))
        assert colour_share(after, RED) > 0.05 and colour_share(after, BLUE) > 0.05

        # Watching while the meeting records again (the caller is still in it): the
        # page follows the new recording every few seconds and leaves the playing
        # video alone.
        second = rita.api("POST", f"/meetings/{m['id']}/recording", expect_status=201)
        page = rita.goto("/recordings")
        card = page.locator(f'article.rec-card[data-recording-id="{rec["id"]}"]')
        card.get_by_role("button", name="Play").click()
        watched = card.locator("video.rec-player").element_handle()
        watched.evaluate("v => { v.muted = true; return v.play(); }")
        page.wait_for_function("v => v.currentTime > 0.5", arg=watched, timeout=20_000)
        expect(page.locator(f'article.rec-card[data-recording-id="{second["id"]}"] [data-status="recording"]')).to_be_visible()
        time.sleep(6.5)  # two of the page's polls
        state = watched.evaluate("v => ({ connected: v.isConnected, paused: v.paused, t: v.currentTime })")
        assert state["connected"] and not state["paused"] and state["t"] > 4, state
        rita.api("POST", f"/recordings/{second['id']}/stop", expect_status=200)
        expect(page.locator(f'article.rec-card[data-recording-id="{second["id"]}"] [data-status="queued"], '
                            f'article.rec-card[data-recording-id="{second["id"]}"] [data-status="processing"], '
                            f'article.rec-card[data-recording-id="{second["id"]}"] [data-status="ready"]')).to_be_visible()
    finally:
        if phone:
            phone.close()
        people.close()


def test_a_recording_survives_the_server_being_killed(browser, media_browser, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("parley-crash")
    people = None
    try:
        with running_parley(data_dir) as first:
            people = People(browser, first)
            rita = room_person(people, "Rita", browser=media_browser("red"))
            rita.register_via_api(display_name="Rita Red")
            m = rita.api("POST", "/meetings", {"title": "Crash test"}, expect_status=201)
            join(rita, m["code"])
            rec = rita.api("POST", f"/meetings/{m['id']}/recording", expect_status=201)
            time.sleep(5)
            first.process.send_signal(signal.SIGKILL)
            first.process.wait(timeout=10)
            cookies = rita.context.cookies()
        people.close()
        people = None
        # The same data directory: Parley finds the interrupted recording and finishes it.
        with running_parley(data_dir) as second:
            session = requests.Session()
            for c in cookies:
                session.cookies.set(c["name"], c["value"])

            def ready():
                r = session.get(f"{second.url}/api/v1/recordings/{rec['id']}", timeout=5).json()
                return r if r.get("status") in ("ready", "failed") else None

            r = poll("the interrupted recording to be finished", ready, timeout=240, interval=0.5)
            assert r["status"] == "ready", r
            # What was captured is kept: about the five seconds before the kill.
            assert 3.5 < r["durationSeconds"] < 7, r
            mp4 = tmp_path_factory.mktemp("crash-out") / "recording.mp4"
            mp4.write_bytes(session.get(f"{second.url}{r['fileUrl']}", timeout=30).content)
            info = probe(mp4)
            kinds = sorted((s["codec_type"], s["codec_name"]) for s in info["streams"])
            assert kinds == [("audio", "aac"), ("video", "h264")], kinds
            assert colour_share(frame(mp4, 2.0), RED) > 0.2
            levels = tone_levels(audio(mp4, start=1.0, seconds=2.0), 16_000, [440.0])
            assert levels[440.0] > 0.3, levels
            assert "finishing a recording interrupted" in second.log_path.read_text()
    finally:
        if people:
            people.close()
