"""Phone callers with a second real softphone: Debian's linphonec (liblinphone,
belle-sip, mediastreamer2), a SIP stack that shares nothing with baresip,
dialling Parley's gateway while a real Chromium participant sits in the meeting.

- linphone dials the meeting's dial-in code directly and plays 1 kHz: the
  browser sees its phone tile and hears 1 kHz; the browser plays 440 Hz and
  linphone's recording holds 440 Hz but not its own 1 kHz (N-1 mix).
- A baresip phone in the same meeting and linphone hear each other.
- linphone dials the gateway's general address, hears the prompt, types the
  code and # (RFC 4733 events, SIP INFO application/dtmf-relay, or tones in
  the audio) and is in.
- Three wrong codes end the call with Parley's goodbye; two do not.

Each linphone is driven by Tests/Browser/linphone.py (see its docstring for
the config). The module's first call may meet Parley's 503 load shedding on
this 2-core machine; `call_in` dials again only for that reason.
"""

from __future__ import annotations

import re
import time
import wave
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import expect

from conftest import People, free_port
from linphone import CODECS, Linphone
from phone import Phone, band_level, dominant_frequency, write_tone
from room_helpers import SLOW, join, participant_id, poll, room_person, tone

pytestmark = pytest.mark.usefixtures("slow_expect")

SIP_PORT = free_port()
PARLEY_ARGS = ["--sip", f"127.0.0.1:{SIP_PORT}"]


@pytest.fixture(scope="module")
def meeting(slow_expect, browser, media_browser, parley):
    """The host (red camera, 440 Hz) in a meeting; yields (people, page, meeting json)."""
    people = People(browser, parley)
    try:
        host = room_person(people, "Hana", browser=media_browser("red"))
        host.register_via_api(display_name="Hana Host")
        m = host.api("POST", "/meetings", {"title": "Linphone sync"}, expect_status=201)
        page = join(host, m["code"])
        yield people, page, m
    finally:
        people.close()


@pytest.fixture
def linphones(tmp_path):
    made: list[Linphone] = []

    def make(name: str, codec: str = "PCMU", hz: float = 1000.0, display_name: str | None = None,
             dtmf: str = "rfc4733", amplitude: float = 0.4, wav: Path | None = None) -> Linphone:
        # linphone plays the file once (resampled to the codec's rate): make it outlast the test.
        wav = wav or write_tone(tmp_path / f"{name}-{int(hz)}.wav", hz, 8000, seconds=60, amplitude=amplitude)
        phone = Linphone(tmp_path, name, wav, codec=codec, display_name=display_name, dtmf=dtmf)
        made.append(phone)
        return phone

    yield make
    for p in made:
        p.close()
    # Nothing left behind.
    for p in made:
        assert p.proc.poll() is not None


def uri(user: str) -> str:
    return f"sip:{user}@127.0.0.1:{SIP_PORT}"


def call_in(phone: Linphone, parley, user: str) -> None:
    """Dial and wait until answered. On this 2-core machine a busy moment makes
    Parley shed the call with 503 (its gateway loop is late): then dial again,
    twice at most, and only for that reason."""
    for attempt in range(3):
        refused_before = parley.log_tail(2000).count("refused a call with 503")
        seen = len(phone.lines)
        phone.dial(uri(user))
        line = phone.wait_line(re.compile(r"Call \d+ .+? (connected|error|ended)"), start=seen)
        if "connected" in line:
            return
        if parley.log_tail(2000).count("refused a call with 503") == refused_before or attempt == 2:
            raise AssertionError(f"{phone.name}: the call failed: {line}\n{parley.log_tail(20)}")
        time.sleep(2)


def write_pulses(path: Path, freq: float, rate: int = 8000, seconds: float = 60) -> Path:
    """A tone 250 ms on, 250 ms off. Parley cleans callers' voices (noise
    suppression) before mixing them for the other callers, and a steady tone is
    noise to it; a pulsed one, with silence between, is kept."""
    t = np.arange(int(rate * seconds)) / rate
    gate = (np.floor(t / 0.25) % 2 == 0).astype(float)
    samples = (0.4 * 32767 * np.sin(2 * np.pi * freq * t) * gate).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return path


def last_seconds(samples, rate, seconds: float = 3.0):
    return samples[-int(seconds * rate):]


@pytest.mark.parametrize("codec", ["PCMU", "PCMA", "G722", "opus"])
def test_linphone_dials_the_code_and_both_sides_hear_each_other(meeting, parley, linphones, codec):
    people, page, m = meeting
    phone = linphones(f"lin-{codec.lower()}", codec=codec, display_name=f"Lin {codec}")
    call_in(phone, parley, m["dialInCode"])
    pid = participant_id(page, f"Lin {codec}")
    expect(page.locator(f'section.tile[data-participant-id="{pid}"] .tile-phone')).to_be_visible()
    t = poll(f"linphone's 1 kHz in the browser", lambda: (x := tone(page, pid)) and abs(x["hz"] - 1000) < 40 and x,
             timeout=SLOW)
    assert t["rmsDb"] > -50, t
    time.sleep(4)  # the room's 440 Hz reaches linphone's recording
    phone.hang_up()
    phone.wait_state("ended")
    phone.close()  # its log is complete once it has exited
    mime, rate, _ = CODECS[codec]
    assert phone.negotiated_codec() == f"{mime}/{rate}", phone.negotiated_codec()
    samples, rate = phone.heard()
    tail = last_seconds(samples, rate)
    assert abs(dominant_frequency(tail, rate) - 440) < 20, "linphone does not hear the room's 440 Hz"
    assert band_level(tail, rate, 440) > 0.3
    assert band_level(tail, rate, 1000) < 0.02, f"linphone hears itself: {band_level(tail, rate, 1000):.3f}"
    # The browser no longer shows the caller.
    expect(page.locator(f'section.tile[data-participant-id="{pid}"]')).to_have_count(0)


@pytest.mark.parametrize("dtmf", ["rfc4733", "info", "inband"])
def test_linphone_types_the_code_at_the_prompt(meeting, parley, linphones, dtmf):
    """RFC 4733 is linphone's default; SIP INFO and in-band tones are its other two ways.
    In-band keys need a quiet line: over a steady 1 kHz no detector hears them."""
    people, page, m = meeting
    phone = linphones(f"prompted-{dtmf}", display_name=f"Prompted {dtmf}", dtmf=dtmf,
                      amplitude=0.0 if dtmf == "inband" else 0.4)
    call_in(phone, parley, "parley")
    time.sleep(1.5)  # let the welcome prompt start
    # Not in the meeting before the code is typed.
    assert page.evaluate("name => document.body.innerText.includes(name)", f"Prompted {dtmf}") is False
    phone.send_digits(m["dialInCode"] + "#")
    pid = participant_id(page, f"Prompted {dtmf}")
    expect(page.locator(f'section.tile[data-participant-id="{pid}"] .tile-phone')).to_be_visible()
    if dtmf != "inband":
        poll("the prompted caller's 1 kHz", lambda: (x := tone(page, pid)) and abs(x["hz"] - 1000) < 40 and x)
    phone.hang_up()
    phone.wait_state("ended")
    # It heard the prompt (speech) before the room.
    samples, rate = phone.heard()
    assert np.sqrt(np.mean(samples[: 2 * rate] ** 2)) > 100, "linphone heard no prompt"


def test_three_wrong_codes_end_the_call(parley, linphones):
    phone = linphones("wrong")
    call_in(phone, parley, "parley")
    time.sleep(1)
    for attempt in range(3):
        assert phone.state() == "connected", f"the call ended after {attempt} wrong codes: {phone.states()}"
        phone.send_digits("999#")
        time.sleep(3.5)  # "That code is not valid" plays
    # Parley hangs up after the third (linphone never sent a BYE of its own), saying goodbye.
    phone.wait_state("ended", timeout=20)
    log = parley.log_tail(3000)
    call = re.findall(r"call=(call#\d+\([^)]*\)) component=gateway dialled=parley from=wrong ", log)
    assert call, log[-2000:]
    ended = [line for line in log.splitlines() if f"call={call[-1]}" in line and "call ended" in line]
    assert ended and "reason=goodbye" in ended[-1], ended


def test_linphone_and_a_baresip_phone_hear_each_other(meeting, parley, linphones, tmp_path):
    """Two SIP stacks in one meeting: linphone plays 1 kHz, baresip 700 Hz (both
    pulsed); each hears the other (and the room's 440 Hz), never itself."""
    people, page, m = meeting
    bare = Phone(tmp_path, "bare", write_pulses(tmp_path / "bare-700.wav", 700), display_name="Bare Sip")
    try:
        for attempt in range(3):  # the same 503 shedding as in call_in
            seen = len(bare.events)
            bare.dial(uri(m["dialInCode"]))
            deadline = time.monotonic() + 15
            while not any(e.get("type") in ("CALL_ESTABLISHED", "CALL_CLOSED") for e in bare.events[seen:]):
                assert time.monotonic() < deadline, f"baresip's call neither answered nor ended: {bare.events[-5:]}"
                bare.has_event("CALL_ESTABLISHED")
            outcome = next(e for e in bare.events[seen:] if e.get("type") in ("CALL_ESTABLISHED", "CALL_CLOSED"))
            if outcome["type"] == "CALL_ESTABLISHED":
                break
            assert "503" in outcome.get("param", "") and attempt < 2, outcome
            time.sleep(2)
        lin = linphones("lin-with-bare", display_name="Lin Phone", wav=write_pulses(tmp_path / "lin-1000.wav", 1000))
        call_in(lin, parley, m["dialInCode"])
        participant_id(page, "Bare Sip")
        pid = participant_id(page, "Lin Phone")
        poll("linphone's 1 kHz in the browser", lambda: (x := tone(page, pid)) and abs(x["hz"] - 1000) < 40 and x)
        time.sleep(4)  # both hear each other for a while
        lin.hang_up()
        lin.wait_state("ended")
        bare.hang_up()
        bare.wait_event("CALL_CLOSED")
    finally:
        bare.close()
    lin_heard, lin_rate = lin.heard()
    lin_tail = last_seconds(lin_heard, lin_rate)
    assert band_level(lin_tail, lin_rate, 700) > 0.1, f"linphone does not hear baresip: {band_level(lin_tail, lin_rate, 700):.3f}"
    assert band_level(lin_tail, lin_rate, 1000) < 0.02, "linphone hears itself"
    bare_heard, bare_rate = bare.heard()
    # baresip's recording ends after linphone left: look at the seconds before.
    bare_tail = bare_heard[-int(4.5 * bare_rate):-int(1.5 * bare_rate)]
    assert band_level(bare_tail, bare_rate, 1000) > 0.1, f"baresip does not hear linphone: {band_level(bare_tail, bare_rate, 1000):.3f}"
    assert band_level(bare_tail, bare_rate, 700) < 0.02, "baresip hears itself"
