"""Host controls in the live room: the lobby (admit, deny), lock, mute, remove, end.

Everyone here uses the shared fake-device Chromium (test-pattern camera,
beeping microphone); the people who are turned away or waiting use a 390 px
phone screen, and every screen they see is checked for console errors and
horizontal scrolling.
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

from room_helpers import (PHONE, SLOW, expect_state, heading, inbound_for, join, open_prejoin, participant_id,
                          person_action, poll, room_person, screen_problems, tile, toolbar_button)

pytestmark = pytest.mark.usefixtures("slow_expect")


def people_panel(page: Page):
    toolbar = toolbar_button(page, "Participants")
    if toolbar.get_attribute("aria-expanded") != "true":
        toolbar.click()
    panel = page.locator("#room-panel-participants")
    expect(panel).to_be_visible()
    return panel


def audio_bytes(page: Page, pid: str) -> int:
    s = inbound_for(page, pid, "microphone")
    return s["bytesReceived"] if s else 0


def no_audio_for(page: Page, pid: str, window: float = 1.5) -> bool:
    before = audio_bytes(page, pid)
    time.sleep(window)
    return audio_bytes(page, pid) == before


def test_lobby_admit_and_deny(people):
    host = room_person(people, "Hana", viewport=PHONE)
    host.register_via_api(display_name="Hana Host")
    meeting = host.api("POST", "/meetings", {"title": "Lobby check", "lobbyEnabled": True}, expect_status=201)
    assert meeting["lobbyEnabled"] is True, meeting
    hp = join(host, meeting["code"])

    # A guest waits in the lobby.
    gwen = room_person(people, "Gwen", viewport=PHONE)
    gp = join(gwen, meeting["code"], name="Gwen Guest", state="lobby")
    expect(heading(gp, "Waiting for the host to let you in…")).to_be_visible()
    expect(gp.get_by_role("button", name="Leave", exact=True)).to_be_visible()
    problems = screen_problems(gwen, "lobby (390 px)", phone=True)

    # The host is told, and admits her from the participants panel.
    expect(hp.get_by_text("Gwen Guest is waiting in the lobby.")).to_be_visible()
    panel = people_panel(hp)
    expect(panel.get_by_role("heading", name="Waiting in lobby (1)")).to_be_visible()
    problems += screen_problems(host, "host's participants panel with the lobby (390 px)", phone=True)
    # Not in the room yet: no tile, no participant.
    assert hp.evaluate("() => [...window.parleyRoom.participants.values()].every((p) => p.displayName !== 'Gwen Guest')")
    expect(hp.locator("section.tile")).to_have_count(1)  # the host's own
    panel.get_by_role("button", name="Admit Gwen Guest", exact=True).click()
    expect_state(gp, "joined")
    expect(heading(gp, "You're in Lobby check")).to_be_visible()
    gwen_id = participant_id(hp, "Gwen Guest")
    expect(tile(hp, gwen_id)).to_have_attribute("aria-label", "Gwen Guest")
    expect(panel.get_by_role("button", name="Admit Gwen Guest", exact=True)).to_have_count(0)
    # Admitted means media: the host decodes her camera.
    poll("Gwen's video at the host", lambda: (s := inbound_for(hp, gwen_id, "camera")) and s["framesDecoded"] > 0)
    problems += screen_problems(gwen, "room after the lobby (390 px)", phone=True)

    # A second guest is denied.
    dan = room_person(people, "Dan", viewport=PHONE)
    dp = join(dan, meeting["code"], name="Dan Denied", state="lobby")
    panel.get_by_role("button", name="Deny Dan Denied", exact=True).click()
    expect_state(dp, "denied")
    expect(heading(dp, "The host did not let you in")).to_be_visible()
    expect(dp.get_by_role("button", name="Ask again")).to_be_visible()
    expect(panel.get_by_role("button", name="Deny Dan Denied", exact=True)).to_have_count(0)
    assert hp.evaluate("() => [...window.parleyRoom.participants.values()].every((p) => p.displayName !== 'Dan Denied')")
    problems += screen_problems(dan, "denied (390 px)", phone=True)
    problems += screen_problems(host, "host room (390 px)", phone=True)
    assert not problems, problems


def test_lock_mute_remove_and_end(people):
    host = room_person(people, "Hugo")
    host.register_via_api(display_name="Hugo Host")
    meeting = host.api("POST", "/meetings", {"title": "Control check"}, expect_status=201)
    code = meeting["code"]
    hp = join(host, code)
    pam = room_person(people, "Pam", viewport=PHONE)
    pam.register_via_api(display_name="Pam Participant")
    pp = join(pam, code)
    wes = room_person(people, "Wes", viewport=PHONE)
    wp = join(wes, code, name="Wes Watcher")
    pam_at_host = participant_id(hp, "Pam Participant")
    pam_at_wes = participant_id(wp, "Pam Participant")
    for page, pid in ((hp, pam_at_host), (wp, pam_at_wes)):
        poll("Pam's audio arriving", lambda: audio_bytes(page, pid) > 0 and not no_audio_for(page, pid, 0.5))

    # Mute: the host mutes Pam; her button flips and everyone sees the badge.
    panel = people_panel(hp)
    person_action(hp, panel, "Pam Participant", "Mute")
    expect(toolbar_button(pp, "Unmute")).to_be_visible()
    expect(pp.get_by_text("The host muted you")).to_be_visible()
    expect(tile(wp, pam_at_wes).get_by_role("img", name="Microphone off")).to_be_visible()
    poll("Pam's audio stopped at Wes's", lambda: no_audio_for(wp, pam_at_wes))
    toolbar_button(pp, "Unmute").click()
    expect(tile(wp, pam_at_wes).get_by_role("img", name="Microphone off")).to_be_hidden()
    poll("Pam's audio back at Wes's", lambda: not no_audio_for(wp, pam_at_wes, 1.0))

    # Wes (no host rights) sees the list without host controls.
    wes_panel = people_panel(wp)
    expect(wes_panel.get_by_role("listitem").filter(has_text="Pam Participant")).to_be_visible()
    expect(wes_panel.get_by_role("button", name="More actions for Pam Participant")).to_have_count(0)
    expect(wes_panel.get_by_role("button", name="Lock meeting")).to_have_count(0)
    problems = screen_problems(wes, "participants panel (390 px)", phone=True)
    toolbar_button(wp, "Participants").click()

    # Lock: a new guest is turned away with the locked message.
    panel.get_by_role("button", name="Lock meeting", exact=True).click()
    expect(panel.get_by_role("button", name="Unlock meeting", exact=True)).to_be_visible()
    expect(hp.locator(".pill-lock")).to_be_visible()
    lou = room_person(people, "Lou", viewport=PHONE)
    lp = join(lou, code, name="Lou Late", state="failed")
    expect(heading(lp, "This meeting is locked")).to_be_visible()
    expect(lp.get_by_text("Nobody new can join right now. Ask the host to unlock it.")).to_be_visible()
    problems += screen_problems(lou, "locked (390 px)", phone=True)

    # Remove: Pam is out; her tile and her media go at the others.
    hp.once("dialog", lambda d: d.accept())
    person_action(hp, panel, "Pam Participant", "Remove from meeting")
    expect_state(pp, "removed")
    expect(heading(pp, "You were removed from the meeting")).to_be_visible()
    problems += screen_problems(pam, "removed (390 px)", phone=True)
    for page, pid in ((hp, pam_at_host), (wp, pam_at_wes)):
        expect(tile(page, pid)).to_have_count(0, timeout=SLOW * 1000)
        poll("Pam's audio stopped", lambda: no_audio_for(page, pid))
    # While locked she cannot come back.
    pp2 = join(pam, code, state="failed")
    expect(heading(pp2, "This meeting is locked")).to_be_visible()
    assert hp.evaluate("() => [...window.parleyRoom.participants.values()].every((p) => p.displayName !== 'Pam Participant')")

    # End: everyone still in sees that the meeting ended.
    hp.once("dialog", lambda d: d.accept())
    panel.get_by_role("button", name="End meeting for all", exact=True).click()
    expect_state(wp, "ended")
    expect(heading(wp, "The meeting has ended")).to_be_visible()
    expect_state(hp, "ended")
    for person, label, phone in ((host, "host ended", False), (wes, "Wes ended (390 px)", True),
                                 (pam, "Pam rejoin refused (390 px)", True)):
        problems += screen_problems(person, label, phone=phone)
    assert not problems, problems
