"""Joining by link without an account: camera preview, passcode, sign-in requirement."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from conftest import PASSWORD, unique

VIDEO_PLAYING_JS = """
() => [...document.querySelectorAll('video')].some((v) => !v.hidden && v.videoWidth > 0 && v.videoHeight > 0)
"""


def test_guest_joins_with_passcode(people, api_user):
    host = api_user("Alice", display_name="Alice Host")
    meeting = host.call("POST", "/meetings", {"title": "Guest check", "passcode": "4321"}, expect_status=201)
    assert meeting["hasPasscode"] and meeting["passcode"] == "4321"

    guest = people.new("Guest")
    page = guest.goto(f"/m/{meeting['code']}")

    # The pre-join page, with a live preview from the (fake) camera.
    expect(page.get_by_role("heading", level=1, name="Guest check")).to_be_visible()
    expect(page.get_by_text("Hosted by Alice Host")).to_be_visible()
    expect(page.get_by_text("You are joining as a guest.")).to_be_visible()
    expect(page.get_by_role("region", name="Preview").locator("video")).to_be_visible()
    page.wait_for_function(VIDEO_PLAYING_JS, timeout=10_000)
    size = page.evaluate("() => { const v = document.querySelector('video'); return [v.videoWidth, v.videoHeight]; }")
    assert size[0] > 0 and size[1] > 0, size
    expect(page.get_by_label("Camera")).to_be_enabled()
    expect(page.get_by_label("Microphone")).to_be_enabled()

    # A name is required.
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text(re.compile("Enter your name"))

    # A wrong passcode is refused with an error the guest can read.
    page.get_by_label("Your name").fill("Gina Guest")
    page.get_by_label("Passcode").fill("0000")
    page.get_by_role("button", name="Join", exact=True).click()
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_have_text(re.compile("passcode", re.I))
    expect(page.get_by_label("Passcode")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("heading", level=1, name="Guest check")).to_be_visible()  # still on the pre-join page

    # The right one lets them in, under their name.
    page.get_by_label("Passcode").fill("4321")
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="You're in Guest check")).to_be_visible()
    expect(page.get_by_text("Gina Guest (You)")).to_be_visible()
    expect(page.get_by_text("Guest", exact=True)).to_be_visible()  # the role pill
    expect(page.get_by_role("toolbar", name="Meeting controls").get_by_role("button", name="Leave")).to_be_visible()
    page.wait_for_function(VIDEO_PLAYING_JS, timeout=10_000)
    # In the live room for real: joined over the signaling socket, and the
    # camera and microphone reach Parley's SFU (the publish connection is up).
    expect(page.locator(".room-root")).to_have_attribute("data-state", "joined")
    page.wait_for_function("() => window.parleyRoom && window.parleyRoom.publishPC"
                           " && window.parleyRoom.publishPC.connectionState === 'connected'", timeout=30_000)

    # Guests have no session: nothing was signed in on the way.
    me = guest.context.request.get(f"{guest.base_url}/api/v1/me", fail_on_status_code=False)
    assert me.status == 401
    errors = [e for e in guest.unexpected_errors() if "/api/v1/join/" not in e]  # the refused passcode is a 403
    assert not errors, guest.console_errors


def test_meeting_requiring_sign_in_turns_guests_away(people, api_user):
    host = api_user("Alice", display_name="Alice Strict")
    meeting = host.call("POST", "/meetings", {"title": "Members only", "requireSignIn": True}, expect_status=201)

    guest = people.new("Guest")
    page = guest.goto(f"/m/{meeting['code']}")
    expect(page.get_by_role("heading", level=1, name="Members only")).to_be_visible()
    expect(page.get_by_text("This meeting requires you to sign in")).to_be_visible()
    expect(page.get_by_role("button", name="Join", exact=True)).to_have_count(0)
    expect(page.locator("video")).to_have_count(0)
    sign_in = page.get_by_role("link", name="Sign in")
    expect(sign_in).to_have_attribute("href", f"/signin?next=%2Fm%2F{meeting['code']}")

    # The server refuses too, whatever the page shows.
    resp = guest.context.request.post(f"{guest.base_url}/api/v1/join/{meeting['code']}",
                                      data={"displayName": "Sneaky"}, fail_on_status_code=False)
    assert resp.status == 401 and resp.json()["error"]["code"] == "sign_in_required", resp.text()

    # Signing in from there leads back to the meeting, now joinable.
    sign_in.click()
    expect(page).to_have_url(re.compile(r"/signin\?next="))
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Username").fill(unique("member"))
    page.get_by_label("Display name").fill("Mo Member")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(re.compile(rf"/m/{meeting['code']}$"))
    expect(page.get_by_role("heading", level=1, name="Members only")).to_be_visible()
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="You're in Members only")).to_be_visible()
    expect(page.get_by_text("Mo Member (You)")).to_be_visible()
