"""People know how to call in: with `sip.dial_in_numbers` set, the meeting
page, the pre-join screen and the room's "Meeting info" show the numbers as
tel: links that dial the meeting's code after a pause, and the SIP address."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import free_port
from room_helpers import join, open_prejoin, room_person, toolbar_button

pytestmark = pytest.mark.usefixtures("slow_expect")

PARLEY_ARGS = ["--sip", f"127.0.0.1:{free_port()}",
               "--set", "sip.dial_in_numbers=+1 555 0100, +44 20 7946 0100",
               "--set", "sip.dial_in_domain=sip.parley.test"]


def expect_dial_in(scope, code: str) -> None:
    """The two numbers as tel: links with the code, and the SIP address."""
    box = scope.locator(".dial-in").first
    expect(box).to_be_visible()
    expect(box).to_contain_text(f"{code}#")
    first = box.get_by_role("link", name="+1 555 0100", exact=True)
    expect(first).to_have_attribute("href", f"tel:+15550100,,{code}#")
    expect(box.get_by_role("link", name="+44 20 7946 0100", exact=True)).to_have_attribute(
        "href", f"tel:+442079460100,,{code}#")
    expect(box.get_by_role("link", name=f"{code}@sip.parley.test", exact=True)).to_have_attribute(
        "href", f"sip:{code}@sip.parley.test")


def test_numbers_on_the_meeting_page_the_prejoin_screen_and_in_the_room(people):
    host = room_person(people, "Dee")
    host.register_via_api(display_name="Dee Dialer")
    meeting = host.api("POST", "/meetings", {"title": "Phone friendly"}, expect_status=201)
    code = meeting["dialInCode"]

    details = host.goto(f"/meetings/{meeting['id']}")
    expect_dial_in(details, code)

    guest = room_person(people, "Gus")
    prejoin = open_prejoin(guest, meeting["code"], "Gus Guest")
    expect_dial_in(prejoin, code)

    room = join(host, meeting["code"])
    # The empty room's "your meeting is ready" card says how to call in too.
    expect_dial_in(room.locator(".ready-card"), code)
    toolbar_button(room, "More options").click()
    room.get_by_role("menu", name="More options").get_by_text("Meeting info", exact=True).click()
    dialog = room.get_by_role("dialog", name="Meeting info")
    expect_dial_in(dialog, code)
    expect(dialog.get_by_label("Join link")).to_have_value(f"{host.base_url}/m/{meeting['code']}")
    room.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
