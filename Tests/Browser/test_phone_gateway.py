"""Phone callers in meetings: real baresip phones dial Parley's SIP gateway
while a real Chromium participant sits in the meeting.

- A PCMU caller dials the meeting's dial-in code directly and plays 1 kHz:
  the browser hears 1 kHz from the caller's tile; the browser plays 440 Hz
  and the caller's recording holds 440 Hz but not its own 1 kHz (N-1 mix).
- The same with an Opus caller.
- A caller over SIP over TLS (sips, SDES-SRTP) hears and is heard; one
  that offers plain RTP over TLS is refused with 488.
- A caller who dials the gateway's general number hears the prompt, types
  the code with RFC 4733 digits and lands in the meeting.
- Three wrong codes end the call.
- The host removes a caller from the browser, and the call ends.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

import subprocess

from conftest import PARLEY_BIN, People, free_port
from phone import Phone, band_level, dominant_frequency, write_dtmf_then_tone, write_tone
from room_helpers import SLOW, join, participant_id, person_action, poll, room_person, tone, toolbar_button

pytestmark = pytest.mark.usefixtures("slow_expect")

SIP_PORT = free_port()
# What baresip's aufile needs per codec (it does not resample): rate, channels.
RATES = {"pcmu": (8000, 1), "pcma": (8000, 1), "g722": (16000, 1), "opus": (48000, 2)}
# The phones here send steady tones, which the gateway's noise suppression
# (on by default) takes for a fan's hum and removes: these tests follow the
# tones, so it is off; CallerNoiseTests and VoiceCleanerTests cover it.
# SIP over TLS beside UDP and TCP, with a certificate made for 127.0.0.1.
TLS_PORT = next(p for p in iter(free_port, None) if p != SIP_PORT)
TLS_DIR = Path(tempfile.mkdtemp(prefix="parley-sip-tls-"))
subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", str(TLS_DIR / "key.pem"), "-out", str(TLS_DIR / "cert.pem"), "-days", "2",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
# baresip's TLS listener presents the same certificate (key and certificate in one file).
(TLS_DIR / "phone.pem").write_text((TLS_DIR / "key.pem").read_text() + (TLS_DIR / "cert.pem").read_text())
PARLEY_ARGS = ["--sip", f"127.0.0.1:{SIP_PORT}", "--set", "sip.noise_suppression=false",
               "--set", f"sip.tls_port={TLS_PORT}", "--set", f"sip.tls_certificate={TLS_DIR / 'cert.pem'}",
               "--set", f"sip.tls_key={TLS_DIR / 'key.pem'}"]


@pytest.fixture(scope="module")
def meeting(slow_expect, browser, media_browser, parley):
    """The host (red camera, 440 Hz) in a meeting; yields (people, page, meeting json)."""
    people = People(browser, parley)
    try:
        host = room_person(people, "Hank", browser=media_browser("red"))
        host.register_via_api(display_name="Hank Host")
        m = host.api("POST", "/meetings", {"title": "Phone sync"}, expect_status=201)
        page = join(host, m["code"])
        yield people, page, m
    finally:
        people.close()


@pytest.fixture
def phones(tmp_path):
    made: list[Phone] = []

    def make(name: str, codec: str = "PCMU", hz: float = 1000.0, display_name: str | None = None,
             account_params: str = "", wav: Path | None = None) -> Phone:
        rate, channels = RATES[codec.split("/")[0].lower()]
        # aufile plays the file once, then baresip ends the call: make it outlast the test.
        wav = wav or write_tone(tmp_path / f"{name}-{int(hz)}.wav", hz, rate, seconds=40, channels=channels)
        phone = Phone(tmp_path, name, wav, codec=codec, display_name=display_name, account_params=account_params,
                      cafile=TLS_DIR / "cert.pem", certificate=TLS_DIR / "phone.pem")
        made.append(phone)
        return phone

    yield make
    for p in made:
        p.close()


def uri(user: str, tls: bool = False) -> str:
    if tls:
        return f"sip:{user}@127.0.0.1:{TLS_PORT};transport=tls"
    return f"sip:{user}@127.0.0.1:{SIP_PORT}"


def caller_tone(page, name: str) -> dict:
    pid = participant_id(page, name)
    return poll(f"{name}'s tone in the browser", lambda: (t := tone(page, pid)) and abs(t["hz"] - 1000) < 40 and t, timeout=SLOW)


def heard_by(phone: Phone):
    samples, rate = phone.heard()
    # Skip the join prompt and chime: the last 3 seconds are the room.
    tail = samples[-3 * rate:]
    return tail, rate


@pytest.mark.parametrize("codec,srtp,tls", [("PCMU", False, False), ("opus", False, False), ("G722/16000/1", False, False),
                                            ("PCMA", False, False), ("PCMU", True, False), ("PCMU", True, True)])
def test_a_caller_dials_the_code_and_both_sides_hear_each_other(meeting, phones, codec, srtp, tls):
    people, page, m = meeting
    # SDES-SRTP (RFC 4568) when the phone insists on it; over SIP over TLS too.
    label = codec.split("/")[0]
    label = label + (" SRTP" if srtp else "") + (" TLS" if tls else "")
    phone = phones(f"caller-{label.lower().replace(' ', '-')}", codec=codec, display_name=f"Desk {label}",
                   account_params=";mediaenc=srtp-mand" if srtp else "")
    phone.dial(uri(m["dialInCode"], tls=tls))
    phone.wait_event("CALL_ESTABLISHED")
    # The caller is a participant with a phone tile; the browser hears 1 kHz from it.
    pid = participant_id(page, f"Desk {label}")
    expect(page.locator(f'section.tile[data-participant-id="{pid}"] .tile-phone')).to_be_visible()
    t = caller_tone(page, f"Desk {label}")
    assert t["rmsDb"] > -50, t
    # The caller's steady tone outweighs the host's noise-suppressed one: the
    # room's speaker detection (RFC 6464 levels the gateway writes) picks the phone.
    expect(page.locator(f'section.tile[data-participant-id="{pid}"][data-source="camera"]')).to_have_attribute(
        "data-active-speaker", "true")
    time.sleep(4)  # the room's 440 Hz reaches the phone's recording
    phone.hang_up()
    phone.wait_event("CALL_CLOSED")
    tail, rate = heard_by(phone)
    assert abs(dominant_frequency(tail, rate) - 440) < 20, "the caller does not hear the room's 440 Hz"
    assert band_level(tail, rate, 440) > 0.3
    # N-1: the caller never hears their own 1 kHz.
    assert band_level(tail, rate, 1000) < 0.02, f"the caller hears themself: {band_level(tail, rate, 1000):.3f}"


def test_plain_rtp_over_tls_is_refused(meeting, phones):
    """Keys sent over TLS must not guard audio sent in the clear: 488."""
    people, page, m = meeting
    phone = phones("tls-plain", display_name="Plain Over TLS")
    phone.dial(uri(m["dialInCode"], tls=True))
    closed = phone.wait_event("CALL_CLOSED", timeout=20)
    assert "488" in str(closed), closed
    assert not phone.has_event("CALL_ESTABLISHED")


def test_a_caller_types_the_code_at_the_prompt(meeting, phones):
    people, page, m = meeting
    phone = phones("prompted", display_name="Prompted Pat")
    phone.dial(uri("parley"))
    phone.wait_event("CALL_ESTABLISHED")
    time.sleep(1.5)  # let the welcome prompt start
    phone.send_digits(m["dialInCode"] + "#")
    pid = participant_id(page, "Prompted Pat")
    assert pid
    phone.hang_up()
    phone.wait_event("CALL_CLOSED")


def test_three_wrong_codes_end_the_call(meeting, phones):
    phone = phones("wrong")
    phone.dial(uri("parley"))
    phone.wait_event("CALL_ESTABLISHED")
    time.sleep(1)
    for _ in range(3):
        phone.send_digits("999#")
        time.sleep(3.5)  # "That code is not valid" plays
    closed = phone.wait_event("CALL_CLOSED", timeout=20)
    assert closed


def test_the_host_removes_a_caller_and_the_call_ends(meeting, phones):
    people, page, m = meeting
    phone = phones("removed", display_name="Remy Removed")
    phone.dial(uri(m["dialInCode"]))
    phone.wait_event("CALL_ESTABLISHED")
    participant_id(page, "Remy Removed")
    toolbar_button(page, "Participants").click()
    panel = page.locator("#room-panel-participants")
    page.once("dialog", lambda d: d.accept())
    person_action(page, panel, "Remy Removed", "Remove from meeting")
    # The caller hears "you have been removed", then Parley hangs up.
    phone.wait_event("CALL_CLOSED", timeout=20)
    toolbar_button(page, "Participants").click()


def test_the_host_transfers_a_caller_to_another_phone(meeting, phones):
    """Blind transfer (REFER): the caller's phone calls the target; on its 200 the caller leaves the meeting."""
    people, page, m = meeting
    caller = phones("transferred", display_name="Tess Transferred")
    target = phones("desk", account_params=";answermode=auto")
    caller.dial(uri(m["dialInCode"]))
    caller.wait_event("CALL_ESTABLISHED")
    pid = participant_id(page, "Tess Transferred")
    toolbar_button(page, "Participants").click()
    panel = page.locator("#room-panel-participants")
    page.once("dialog", lambda d: d.accept(f"sip:desk@127.0.0.1:{target.sip_port}"))
    person_action(page, panel, "Tess Transferred", "Transfer call…")
    # The target rings and answers the caller's new call; the host is told; the caller leaves.
    incoming = target.wait_event("CALL_ESTABLISHED", timeout=20)
    assert "transferred@" in incoming.get("peeruri", ""), incoming
    expect(page.get_by_text("Tess Transferred was transferred to desk@", exact=False)).to_be_visible(timeout=20_000)
    expect(page.locator(f'section.tile[data-participant-id="{pid}"]')).to_have_count(0, timeout=20_000)
    assert caller.has_event("TRANSFER") or any(e.get("type") == "TRANSFER" for e in caller.events), caller.events[-8:]
    target.hang_up()
    toolbar_button(page, "Participants").click()


def test_a_failed_transfer_leaves_the_caller_in_the_meeting(meeting, phones):
    """The target refuses the caller's new call: the host hears why, and Parley does not hang up on the caller."""
    people, page, m = meeting
    caller = phones("kept", display_name="Kim Kept")
    target = phones("refuser")
    caller.dial(uri(m["dialInCode"]))
    caller.wait_event("CALL_ESTABLISHED")
    pid = participant_id(page, "Kim Kept")
    toolbar_button(page, "Participants").click()
    panel = page.locator("#room-panel-participants")
    page.once("dialog", lambda d: d.accept(f"sip:refuser@127.0.0.1:{target.sip_port}"))
    person_action(page, panel, "Kim Kept", "Transfer call…")
    target.wait_event("CALL_INCOMING", timeout=20)
    target.hang_up()  # a call not yet answered: refused
    # The phone reports the failure in its NOTIFY; the host is told why.
    expect(page.get_by_text("Kim Kept could not be transferred: refuser@", exact=False)).to_be_visible(timeout=20_000)
    # Parley keeps its leg: whether the caller stays is the phone's choice
    # (baresip ends its call when the new one fails; desk phones resume).
    toolbar_button(page, "Participants").click()


def test_a_refer_from_a_phone_is_refused_with_405(meeting, phones):
    """Callers cannot move themselves: a REFER from the phone gets 405 Method Not Allowed."""
    people, page, m = meeting
    phone = phones("self-mover", display_name="Sam Self")
    phone.dial(uri(m["dialInCode"]))
    phone.wait_event("CALL_ESTABLISHED")
    participant_id(page, "Sam Self")
    phone.command("transfer", "sip:elsewhere@127.0.0.1:9")
    failed = phone.wait_event("TRANSFER_FAILED", timeout=10)
    assert "405" in str(failed), failed
    # (baresip then ends its call by itself: its choice, as with any failed transfer.)


def test_the_host_sees_the_callers_number_in_the_participants_panel(meeting, phones):
    """Hosts see a caller's number (sent only to hosts and co-hosts; RoomAttributeTests covers the rest)."""
    people, page, m = meeting
    phone = phones("15550142", display_name="Front Desk")
    phone.dial(uri(m["dialInCode"]))
    phone.wait_event("CALL_ESTABLISHED")
    pid = participant_id(page, "Front Desk")
    toolbar_button(page, "Participants").click()
    person = page.locator(f'#room-panel-participants li.person[data-participant-id="{pid}"]')
    expect(person.locator(".person-attributes")).to_have_text("Number: 15550142")
    phone.hang_up()
    phone.wait_event("CALL_CLOSED")
    toolbar_button(page, "Participants").click()


def test_in_band_dtmf_reaches_the_prompt(meeting, phones, tmp_path):
    """A phone that sends its keys as tones in the audio (no RFC 4733 events)."""
    people, page, m = meeting
    wav = write_dtmf_then_tone(tmp_path / "inband.wav", m["dialInCode"] + "#", lead_seconds=3.0)
    phone = phones("inband", display_name="Tina Tones", wav=wav)
    phone.dial(uri("parley"))
    phone.wait_event("CALL_ESTABLISHED")
    assert participant_id(page, "Tina Tones")
    phone.hang_up()
    phone.wait_event("CALL_CLOSED")


def test_star_six_and_the_host_mute_a_caller(meeting, phones):
    people, page, m = meeting
    phone = phones("muter", display_name="Mo Muter")
    phone.dial(uri(m["dialInCode"]))
    phone.wait_event("CALL_ESTABLISHED")
    pid = participant_id(page, "Mo Muter")
    mic_off = page.locator(f'section.tile[data-participant-id="{pid}"] .tile-mic')
    expect(mic_off).to_be_hidden()
    time.sleep(1.5)  # the joining prompt is over
    phone.send_digits("*6")
    expect(mic_off).to_be_visible()
    phone.send_digits("*6")
    expect(mic_off).to_be_hidden()
    caller_tone(page, "Mo Muter")
    # The host mutes the caller from the participants panel.
    toolbar_button(page, "Participants").click()
    panel = page.locator("#room-panel-participants")
    person_action(page, panel, "Mo Muter", "Mute")
    expect(mic_off).to_be_visible()
    toolbar_button(page, "Participants").click()
    phone.hang_up()
    phone.wait_event("CALL_CLOSED")


def test_the_host_calls_a_phone_into_the_meeting(meeting, phones):
    """Dial-out: "Call a phone" in the participants panel rings a SIP phone; on answer the callee is in."""
    people, page, m = meeting
    callee = phones("callee", account_params=";answermode=auto")
    toolbar_button(page, "Participants").click()
    panel = page.locator("#room-panel-participants")
    panel.get_by_label("Phone number or SIP address").fill(f"sip:callee@127.0.0.1:{callee.sip_port}")
    panel.get_by_role("button", name="Call", exact=True).click()
    callee.wait_event("CALL_ESTABLISHED", timeout=20)
    pid = participant_id(page, "callee@127.0.0.1:" + str(callee.sip_port))
    expect(page.locator(f'section.tile[data-participant-id="{pid}"] .tile-phone')).to_be_visible()
    t = poll("the callee's tone", lambda: (x := tone(page, pid)) and abs(x["hz"] - 1000) < 40 and x)
    assert t["rmsDb"] > -50
    callee.hang_up()
    callee.wait_event("CALL_CLOSED")
    # A number without a trunk is refused with a clear message.
    panel.get_by_label("Phone number or SIP address").fill("+1 555 0100")
    panel.get_by_role("button", name="Call", exact=True).click()
    expect(page.get_by_text("no SIP trunk is configured", exact=False)).to_be_visible()
    toolbar_button(page, "Participants").click()


def test_the_host_calls_a_phone_over_tls(meeting, phones):
    """Dial-out to sip:…;transport=tls: the INVITE goes over TLS and offers SDES-SRTP, which the callee requires."""
    people, page, m = meeting
    callee = phones("callee-tls", account_params=";answermode=auto;mediaenc=srtp-mand")
    toolbar_button(page, "Participants").click()
    panel = page.locator("#room-panel-participants")
    # baresip takes SIP over TLS on its SIP port + 1.
    target = f"sip:callee-tls@127.0.0.1:{callee.sip_port + 1};transport=tls"
    panel.get_by_label("Phone number or SIP address").fill(target)
    panel.get_by_role("button", name="Call", exact=True).click()
    established = callee.wait_event("CALL_ESTABLISHED", timeout=20)
    assert "transport=tls" in established.get("peeruri", "") or callee.has_event("CALL_MENC"), established
    menc = callee.wait_event("CALL_MENC")
    assert "AES_CM_128_HMAC_SHA1" in menc.get("param", ""), menc
    pid = participant_id(page, f"callee-tls@127.0.0.1:{callee.sip_port + 1};transport=tls")
    t = poll("the TLS callee's tone", lambda: (x := tone(page, pid)) and abs(x["hz"] - 1000) < 40 and x)
    assert t["rmsDb"] > -50
    callee.hang_up()
    callee.wait_event("CALL_CLOSED")
    toolbar_button(page, "Participants").click()


def test_the_host_moves_a_caller_to_another_meeting(meeting, phones, media_browser):
    """The call stays up and changes rooms: the other meeting (lobby on) hears the caller at once."""
    people, page, m = meeting
    other_host = room_person(people, "Otto", browser=media_browser("red"))
    other_host.register_via_api(display_name="Otto Other")
    om = other_host.api("POST", "/meetings", {"title": "Other room", "lobbyEnabled": True}, expect_status=201)
    op = join(other_host, om["code"])
    caller = phones("mover", display_name="Max Mover")
    caller.dial(uri(m["dialInCode"]))
    caller.wait_event("CALL_ESTABLISHED")
    pid = participant_id(page, "Max Mover")
    toolbar_button(page, "Participants").click()
    panel = page.locator("#room-panel-participants")
    page.once("dialog", lambda d: d.accept(f"{other_host.base_url}/m/{om['code']}" if hasattr(other_host, "base_url") else om["code"]))
    person_action(page, panel, "Max Mover", "Move to another meeting…")
    expect(page.get_by_text("Max Mover was moved to", exact=False)).to_be_visible(timeout=20_000)
    expect(page.locator(f'section.tile[data-participant-id="{pid}"]')).to_have_count(0, timeout=20_000)
    # In the other meeting, past its lobby, heard there.
    new_pid = participant_id(op, "Max Mover")
    t = poll("the moved caller's tone", lambda: (x := tone(op, new_pid)) and abs(x["hz"] - 1000) < 40 and x, timeout=SLOW)
    assert t["rmsDb"] > -50
    assert not caller.has_event("CALL_CLOSED")
    caller.hang_up()
    caller.wait_event("CALL_CLOSED")
    toolbar_button(page, "Participants").click()


def test_a_caller_waits_in_the_lobby_until_the_host_admits_them(meeting, phones, media_browser):
    """A meeting with a lobby: the caller waits (and hears so) until admitted; a second caller is turned away."""
    people, _, _ = meeting
    host = room_person(people, "Lena", browser=media_browser("red"))
    host.register_via_api(display_name="Lena Lobby")
    lm = host.api("POST", "/meetings", {"title": "Phone lobby", "lobbyEnabled": True}, expect_status=201)
    hp = join(host, lm["code"])
    waiting = phones("waiting", display_name="Wally Waiting")
    waiting.dial(uri(lm["dialInCode"]))
    waiting.wait_event("CALL_ESTABLISHED")
    expect(hp.get_by_text("Wally Waiting is waiting in the lobby.")).to_be_visible()
    toolbar_button(hp, "Participants").click()
    panel = hp.locator("#room-panel-participants")
    panel.get_by_role("button", name="Admit Wally Waiting", exact=True).click()
    pid = participant_id(hp, "Wally Waiting")
    poll("Wally's tone after admission", lambda: (t := tone(hp, pid)) and abs(t["hz"] - 1000) < 40 and t)
    denied = phones("denied", display_name="Dora Denied")
    denied.dial(uri(lm["dialInCode"]))
    denied.wait_event("CALL_ESTABLISHED")
    panel.get_by_role("button", name="Deny Dora Denied", exact=True).click()
    # "The host did not let you in", then Parley hangs up.
    denied.wait_event("CALL_CLOSED", timeout=20)
    waiting.hang_up()
    waiting.wait_event("CALL_CLOSED")


def test_ending_the_meeting_hangs_up_every_caller(meeting, phones):
    """Last in this module: the host ends the meeting; callers hear so and Parley hangs up."""
    people, page, m = meeting
    a = phones("end-a", display_name="Ann End")
    b = phones("end-b", display_name="Ben End")
    for p in (a, b):
        p.dial(uri(m["dialInCode"]))
        p.wait_event("CALL_ESTABLISHED")
    participant_id(page, "Ann End")
    participant_id(page, "Ben End")
    toolbar_button(page, "Participants").click()
    page.once("dialog", lambda d: d.accept())
    page.locator("#room-panel-participants").get_by_role("button", name="End meeting for all", exact=True).click()
    for p in (a, b):
        p.wait_event("CALL_CLOSED", timeout=20)


def test_a_dialplan_with_errors_stops_the_server_at_start(tmp_path):
    """Never half-configured: a bad dialplan is reported with its line, and nothing listens."""
    bad = tmp_path / "bad.dialplan"
    bad.write_text("user ~ ([0-9]{6,12}) => join $1\nany => reject 99\n")
    result = subprocess.run(
        [str(PARLEY_BIN), "serve", "--data-dir", str(tmp_path / "data"), "--http", f"127.0.0.1:{free_port()}",
         "--media", "127.0.0.1:0", "--sip", f"127.0.0.1:{free_port()}", "--set", f"sip.dialplan={bad}"],
        capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "bad.dialplan:2" in result.stdout + result.stderr, result.stdout + result.stderr
