"""The room features people expect from Meet, Zoom and Jitsi: reactions, the
lobby switch and lobby toasts that go away, handing the host role over when
leaving, one menu per person in the participants panel, keyboard shortcuts,
pin / speaker view / self view, switching devices in the room, and the
"your meeting is ready" card of an empty room.

Everyone uses the shared fake-device Chromium (test pattern camera, beeping
microphone), except the camera switch, whose host has a Chromium with three
fake cameras.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from room_helpers import (PHONE, SLOW, expect_state, heading, inbound_for, join, participant_id, person_action, poll,
                          room_person, screen_problems, tile, toolbar_button)

pytestmark = pytest.mark.usefixtures("slow_expect")


def people_panel(page: Page):
    toolbar = toolbar_button(page, "Participants")
    if toolbar.get_attribute("aria-expanded") != "true":
        toolbar.click()
    panel = page.locator("#room-panel-participants")
    expect(panel).to_be_visible()
    return panel


def more_menu(page: Page, item: str) -> None:
    toolbar_button(page, "More options").click()
    menu = page.get_by_role("menu", name="More options")
    menu.locator('[role^="menuitem"]').filter(has=page.get_by_text(item, exact=True)).click()


def test_empty_room_card_reactions_and_shortcuts(people):
    host = room_person(people, "Rhea")
    host.register_via_api(display_name="Rhea Host")
    meeting = host.api("POST", "/meetings", {"title": "Ready check"}, expect_status=201)
    hp = join(host, meeting["code"])

    # Alone: the ready card with the invite link. This server has no phone
    # gateway (--sip off), so the card says nothing about calling in
    # (test_dial_in.py has the card with a gateway).
    card = hp.get_by_role("region", name="Your meeting is ready")
    expect(card).to_be_visible()
    expect(card.get_by_label("Invite link")).to_have_value(re.compile(rf"/m/{meeting['code']}$"))
    expect(card.get_by_text(meeting["dialInCode"])).to_have_count(0)

    gwen = room_person(people, "Gwen", viewport=PHONE)
    gp = join(gwen, meeting["code"], name="Gwen Guest")
    expect(card).to_be_hidden()
    expect(gp.get_by_role("region", name="Your meeting is ready")).to_have_count(0)  # she is not alone
    host_at_gwen = participant_id(gp, "Rhea Host")
    gwen_at_host = participant_id(hp, "Gwen Guest")

    # A reaction floats over the sender's tile, for everyone.
    toolbar_button(hp, "React").click()
    expect(toolbar_button(hp, "React")).to_have_attribute("aria-expanded", "true")
    hp.get_by_role("menu", name="Reactions").get_by_role("menuitem", name="Clap").click()
    expect(tile(gp, host_at_gwen).locator('.reaction-float[data-emoji="👏"]')).to_have_count(1)
    expect(tile(hp, host.page.evaluate("() => window.parleyRoom.participantId")).locator(".reaction-float")).to_have_count(1)
    # Gwen's reaction reaches the host over her tile.
    toolbar_button(gp, "React").click()
    gp.get_by_role("menuitem", name="Heart").click()
    expect(tile(hp, gwen_at_host).locator('.reaction-float[data-emoji="❤️"]')).to_have_count(1)

    # Shortcuts: M mutes, H raises the hand, C opens the chat; typing there does not toggle anything.
    hp.evaluate("() => document.activeElement && document.activeElement.blur()")
    hp.keyboard.press("m")
    expect(toolbar_button(hp, "Unmute")).to_be_visible()
    hp.keyboard.press("m")
    expect(toolbar_button(hp, "Mute")).to_be_visible()
    hp.keyboard.press("h")
    expect(toolbar_button(hp, "Raise hand")).to_have_attribute("aria-pressed", "true")
    expect(tile(gp, host_at_gwen).get_by_role("img", name="Hand raised")).to_be_visible()
    hp.keyboard.press("c")
    message = hp.get_by_label("Message")
    expect(message).to_be_focused()
    message.type("my mic stays on, hand up")
    expect(toolbar_button(hp, "Mute")).to_be_visible()
    expect(toolbar_button(hp, "Raise hand")).to_have_attribute("aria-pressed", "true")
    message.press("Enter")
    expect(gp.locator("#room-panel-chat").get_by_text("my mic stays on, hand up")).to_have_count(1)

    # "?" lists the shortcuts; Escape closes the sheet.
    toolbar_button(hp, "Chat").focus()
    hp.keyboard.press("?")
    sheet = hp.get_by_role("dialog", name="Keyboard shortcuts")
    expect(sheet).to_be_visible()
    for text in ("Mute or unmute your microphone", "Turn your camera on or off", "Raise or lower your hand",
                 "Open or close the chat", "Leave the meeting"):
        expect(sheet.get_by_text(text)).to_be_visible()
    hp.keyboard.press("m")  # not while the sheet is open
    expect(toolbar_button(hp, "Mute")).to_be_visible()
    hp.keyboard.press("Escape")
    expect(sheet).to_have_count(0)

    # Shift+L leaves (Gwen is no host: no question asked).
    gp.evaluate("() => document.activeElement && document.activeElement.blur()")
    gp.keyboard.press("Shift+L")
    expect_state(gp, "left")
    expect(card).to_be_visible()  # the host is alone again
    problems = screen_problems(host, "host room", phone=False) + screen_problems(gwen, "guest (390 px)", phone=True)
    assert not problems, problems


def test_participant_menu_lobby_switch_and_lobby_toast(people):
    host = room_person(people, "Hal")
    host.register_via_api(display_name="Hal Host")
    meeting = host.api("POST", "/meetings", {"title": "Menu check"}, expect_status=201)
    assert meeting["lobbyEnabled"] is False
    hp = join(host, meeting["code"])
    pia = room_person(people, "Pia", viewport=PHONE)
    pia.register_via_api(display_name="Pia Person")
    pp = join(pia, meeting["code"])
    participant_id(hp, "Pia Person")

    # One menu button per person, keyboard operable.
    panel = people_panel(hp)
    menu_button = panel.get_by_role("button", name="More actions for Pia Person", exact=True)
    expect(menu_button).to_have_attribute("aria-haspopup", "menu")
    expect(menu_button).to_have_attribute("aria-expanded", "false")
    menu_button.focus()
    hp.keyboard.press("Enter")
    menu = hp.get_by_role("menu", name="Actions for Pia Person")
    expect(menu).to_be_visible()
    expect(menu_button).to_have_attribute("aria-expanded", "true")
    items = menu.get_by_role("menuitem")
    expect(items).to_have_text(["Mute", "Make co-host", "Make host", "Remove from meeting"])
    expect(items.first).to_be_focused()
    hp.keyboard.press("ArrowDown")
    expect(items.nth(1)).to_be_focused()
    hp.keyboard.press("Escape")
    expect(menu).to_have_count(0)
    expect(menu_button).to_be_focused()
    expect(menu_button).to_have_attribute("aria-expanded", "false")
    # The rows stay one line each: no full-width buttons.
    row = panel.get_by_role("listitem").filter(has_text="Pia Person")
    assert row.bounding_box()["height"] < 70, row.bounding_box()

    person_action(hp, panel, "Pia Person", "Make co-host")
    expect(pp.locator(".room-title .pill").first).to_have_text("Co-host")

    # The host turns the lobby on inside the room; a guest now waits.
    switch = panel.get_by_role("switch", name=re.compile("^Lobby"))
    expect(switch).not_to_be_checked()
    switch.check()
    expect(panel.get_by_text("Newcomers wait in the lobby until a host lets them in.")).to_be_visible()
    gus = room_person(people, "Gus", viewport=PHONE)
    gup = join(gus, meeting["code"], name="Gus Guest", state="lobby")
    toast = hp.locator(".toast").filter(has_text="Gus Guest is waiting in the lobby.")
    expect(toast).to_be_visible()
    # Admitted from the panel: his toast goes away (it stayed for 15 s before).
    panel.get_by_role("button", name="Admit Gus Guest", exact=True).click()
    expect_state(gup, "joined")
    expect(toast).to_have_count(0, timeout=3000)

    # Someone who gives up waiting takes their toast along.
    dee = room_person(people, "Dee", viewport=PHONE)
    dp = join(dee, meeting["code"], name="Dee Doubt", state="lobby")
    toast2 = hp.locator(".toast").filter(has_text="Dee Doubt is waiting in the lobby.")
    expect(toast2).to_be_visible()
    dp.get_by_role("button", name="Leave", exact=True).click()
    expect(toast2).to_have_count(0, timeout=5000)

    # Switching the lobby off lets whoever waits in at once.
    eve = room_person(people, "Eve", viewport=PHONE)
    ep = join(eve, meeting["code"], name="Eve Early", state="lobby")
    switch.uncheck()
    expect_state(ep, "joined")
    participant_id(hp, "Eve Early")

    # "Make host" from the menu: Pia becomes the host, Hal a co-host who stays.
    hp.once("dialog", lambda d: d.accept())
    person_action(hp, panel, "Pia Person", "Make host")
    expect(pp.locator(".room-title .pill").first).to_have_text("Host")
    expect(hp.locator(".room-title .pill").first).to_have_text("Co-host")
    expect(panel.get_by_role("button", name="More actions for Pia Person")).to_have_count(0)  # a co-host cannot act on the host
    problems = screen_problems(host, "host panel", phone=False) + screen_problems(pia, "co-host (390 px)", phone=True)
    assert not problems, problems


def test_leaving_host_hands_over_and_layouts(people):
    host = room_person(people, "Ola")
    host.register_via_api(display_name="Ola Owner")
    meeting = host.api("POST", "/meetings", {"title": "Handover check"}, expect_status=201)
    hp = join(host, meeting["code"])
    ned = room_person(people, "Ned")
    ned.register_via_api(display_name="Ned Next")
    np_ = join(ned, meeting["code"])
    ned_at_host = participant_id(hp, "Ned Next")
    host_at_ned = participant_id(np_, "Ola Owner")
    me_at_host = hp.evaluate("() => window.parleyRoom.participantId")

    # Pin: Ned's tile takes the stage; unpin gives the grid back.
    tile(hp, ned_at_host).hover()
    tile(hp, ned_at_host).get_by_role("button", name="Pin Ned Next").click()
    expect(tile(hp, ned_at_host)).to_have_attribute("data-featured", "true")
    expect(hp.locator(".stage-main > .tile:not([hidden])")).to_have_count(1)
    expect(hp.locator(".stage-strip .tile")).to_have_count(1)
    tile(hp, ned_at_host).get_by_role("button", name="Unpin Ned Next").click()
    expect(hp.locator(".stage-main > .tile")).to_have_count(2)

    # Speaker view: the other person on the stage, you in the strip.
    more_menu(hp, "Speaker view")
    expect(tile(hp, ned_at_host)).to_have_attribute("data-featured", "true")
    expect(hp.locator(".stage-strip").locator(f'[data-participant-id="{me_at_host}"]')).to_have_count(1)
    toolbar_button(hp, "More options").click()
    expect(hp.get_by_role("menuitemradio", name="Speaker view")).to_have_attribute("aria-checked", "true")
    hp.keyboard.press("Escape")
    more_menu(hp, "Grid view")
    expect(hp.locator(".stage-main > .tile")).to_have_count(2)
    # Self view off: your tile is hidden here (the others still see you).
    more_menu(hp, "Show self view")
    expect(tile(hp, me_at_host)).to_be_hidden()
    expect(tile(np_, host_at_ned)).to_be_visible()
    more_menu(hp, "Show self view")
    expect(tile(hp, me_at_host)).to_be_visible()

    # Leave as host: asked, and hands the host role to Ned.
    toolbar_button(hp, "Leave").click()
    dialog = hp.get_by_role("dialog", name="Leave the meeting?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="End meeting for all")).to_be_visible()
    dialog.get_by_label("New host").select_option(label="Ned Next")
    dialog.get_by_role("button", name="Make host and leave").click()
    expect_state(hp, "left")
    expect(np_.get_by_text("You are now the host.")).to_be_visible()
    expect(np_.locator(".room-title .pill").first).to_have_text("Host")
    expect(tile(np_, host_at_ned)).to_have_count(0)
    # Ned now has the host controls: the lobby switch and "End meeting for all".
    panel = people_panel(np_)
    expect(panel.get_by_role("switch", name=re.compile("^Lobby"))).to_be_visible()
    problems = screen_problems(host, "left", phone=False) + screen_problems(ned, "new host", phone=False)
    assert not problems, problems


SENDER_JS = """
() => {
  const pc = window.parleyRoom.publishPC;
  const s = pc.getSenders().find((x) => x.track && x.track.kind === 'audio');
  const t = s && s.track;
  return t ? { id: t.id, deviceId: t.getSettings().deviceId, ns: t.getSettings().noiseSuppression,
               nsWanted: t.getConstraints().noiseSuppression, state: t.readyState } : null;
}
"""


# Stable is not enough: between one answer and the offer for a change made
# meanwhile (the camera added while the microphone's offer was out), the
# connection is stable with a negotiation still running (publisher.negotiation).
PUBLISH_SETTLED_JS = """
() => {
  const room = window.parleyRoom;
  const pc = room.publishPC;
  const kinds = pc.getSenders().filter((x) => x.track).map((x) => x.track.kind);
  return pc.signalingState === 'stable' && !room.publisher.negotiation && kinds.includes('audio') && kinds.includes('video');
}
"""


def test_switching_devices_in_the_room(people):
    host = room_person(people, "Dev")
    host.register_via_api(display_name="Dev Devices")
    meeting = host.api("POST", "/meetings", {"title": "Device check"}, expect_status=201)
    hp = join(host, meeting["code"])
    poll("the microphone published", lambda: hp.evaluate(SENDER_JS))
    # The camera is published after the microphone, in a negotiation of its
    # own: under load it can still be under way here, so wait for it first.
    poll("the camera published and the publish connection stable", lambda: hp.evaluate(PUBLISH_SETTLED_JS))
    # Count publish offers from here on: a device switch must not renegotiate.
    hp.evaluate("""() => { const s = window.parleyRoom.session; window.__offers = 0; const send = s.send.bind(s);
                   s.send = (type, f) => { if (type === 'publish.offer') window.__offers += 1; return send(type, f); }; }""")
    before = hp.evaluate(SENDER_JS)

    more_menu(hp, "Audio and video settings")
    dialog = hp.get_by_role("dialog", name="Audio and video settings")
    expect(dialog).to_be_visible()
    mic = dialog.get_by_label("Microphone")
    expect(mic).to_be_enabled()
    options = mic.locator("option").evaluate_all("(os) => os.map((o) => o.value)")
    others = [o for o in options if o and o != before["deviceId"]]
    assert others, f"the fake devices offer one microphone only: {options}"
    mic.select_option(others[-1])
    after = poll("the new microphone sent", lambda: (a := hp.evaluate(SENDER_JS)) and a["id"] != before["id"] and a)
    assert after["deviceId"] == others[-1], after
    assert after["state"] == "live"

    # Noise suppression off: the sent track asks for none (and reports none where the browser says).
    ns = dialog.get_by_label("Noise suppression")
    expect(ns).to_be_checked()
    ns.uncheck()
    # (Chromium cannot change it on a live track: the microphone reopens and is swapped in.)
    off = poll("noise suppression off",
               lambda: (a := hp.evaluate(SENDER_JS)) and a["nsWanted"] is False and a["ns"] in (False, None) and a)
    assert off["deviceId"] == others[-1], off
    assert hp.evaluate("() => window.__offers") == 0, "switching devices renegotiated"

    # The speaker list exists where the browser can route sound (Chromium can).
    speaker = dialog.get_by_label("Speaker")
    expect(speaker).to_be_visible()
    outputs = [o for o in speaker.locator("option").evaluate_all("(os) => os.map((o) => o.value)") if o]
    if len(outputs) > 1:
        speaker.select_option(outputs[-1])
        poll("the sound moved to the chosen speaker",
             lambda: hp.evaluate("() => window.parleyRoom.grid.sinkId") == outputs[-1])
    hp.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(toolbar_button(hp, "More options")).to_be_focused()
    problems = screen_problems(host, "devices", phone=False)
    assert not problems, problems


CAMERA_SENDER_JS = """
() => {
  const pc = window.parleyRoom.publishPC;
  const s = pc && pc.getSenders().find((x) => x.track && x.track.kind === 'video');
  const t = s && s.track;
  return t ? { id: t.id, deviceId: t.getSettings().deviceId, label: t.label, state: t.readyState } : null;
}
"""


@pytest.fixture(scope="module")
def three_camera_browser(chromium):
    """A Chromium with three fake cameras (Chromium's `device-count`). The
    second is a depth camera (16-bit grey, which WebRTC cannot encode), the
    third an ordinary MJPEG one: the test switches to the third."""
    b = chromium.launch(["--use-fake-device-for-media-stream=device-count=3"])
    yield b
    b.close()


def test_switching_camera_keeps_the_picture_flowing(people, three_camera_browser):
    host = room_person(people, "Cam", browser=three_camera_browser)
    host.register_via_api(display_name="Cam Cameras")
    meeting = host.api("POST", "/meetings", {"title": "Camera check"}, expect_status=201)
    hp = join(host, meeting["code"])
    before = poll("the camera published", lambda: hp.evaluate(CAMERA_SENDER_JS))
    assert before["label"] == "fake_device_0", before
    viewer = room_person(people, "Vic")
    viewer.register_via_api(display_name="Vic Viewer")
    vp = join(viewer, meeting["code"])
    cam = participant_id(vp, "Cam Cameras")
    poll("the viewer sees the first camera", lambda: (s := inbound_for(vp, cam, "camera")) and s["framesDecoded"] > 10)
    hp.evaluate("""() => { const s = window.parleyRoom.session; window.__offers = 0; const send = s.send.bind(s);
                   s.send = (type, f) => { if (type === 'publish.offer') window.__offers += 1; return send(type, f); }; }""")

    more_menu(hp, "Audio and video settings")
    dialog = hp.get_by_role("dialog", name="Audio and video settings")
    camera = dialog.get_by_label("Camera")
    expect(camera).to_be_enabled()
    camera.select_option(label="fake_device_2")
    after = poll("the other camera sent", lambda: (a := hp.evaluate(CAMERA_SENDER_JS)) and a["id"] != before["id"] and a)
    assert after["label"] == "fake_device_2" and after["state"] == "live", after
    # The viewer's picture goes on from the new camera, in the same m-line.
    switched = inbound_for(vp, cam, "camera")["framesDecoded"]
    poll("the viewer sees the new camera",
         lambda: (s := inbound_for(vp, cam, "camera")) and s["framesDecoded"] > switched + 30 and s)
    assert hp.evaluate("() => window.__offers") == 0, "switching the camera renegotiated"
    hp.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
