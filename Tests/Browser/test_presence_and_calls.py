"""Live presence on the friends page, and ringing a friend (decline, then accept).

Everything Bob sees arrives over the live connection: his page is never
reloaded (a marker set on `window` at the start must still be there at the end).
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from conftest import make_friends


def friend_row(page: Page, username: str):
    friends = page.get_by_role("region", name=re.compile(r"^Your friends"))
    return friends.get_by_role("listitem").filter(has_text=f"@{username}")


def mark_page(page: Page) -> None:
    page.evaluate("() => { window.__noReload = 'still here'; }")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("() => window.__noReload") == "still here", "the page was reloaded"


def test_presence_updates_live_on_friends_page(people):
    alice = people.new("Alice")
    bob = people.new("Bob")
    alice.register_via_api(display_name="Alice Present")
    bob.register_via_api(display_name="Bob Watcher")
    make_friends(alice, bob)
    meeting = alice.api("POST", "/meetings", {"title": "Presence check"}, expect_status=201)

    bp = bob.goto("/friends")
    expect(bp.get_by_role("heading", level=1, name="Friends")).to_be_visible()
    presence = friend_row(bp, alice.username).locator(".presence")
    expect(presence).to_have_text("Offline")
    mark_page(bp)

    # Alice opens Parley.
    ap = alice.goto("/")
    expect(ap.get_by_role("button", name="New meeting")).to_be_visible()
    expect(presence).to_have_text("Online")

    # She opens the meeting's pre-join page: still just online…
    ap.goto(f"{alice.base_url}/m/{meeting['code']}")
    expect(ap.get_by_role("heading", level=1, name="Presence check")).to_be_visible()
    expect(presence).to_have_text("Online")
    # …joins the live room (its signaling socket makes her in_meeting)…
    ap.get_by_role("button", name="Join", exact=True).click()
    expect(ap.get_by_role("heading", level=1, name="You're in Presence check")).to_be_visible()
    expect(ap.locator(".room-root")).to_have_attribute("data-state", "joined")
    expect(presence).to_have_text("In a meeting")
    # …leaves: online again.
    ap.get_by_role("button", name="Leave").click()
    expect(ap.get_by_role("heading", level=1, name="You left the meeting")).to_be_visible()
    expect(presence).to_have_text("Online")

    # Joining again and then closing the tab ends both states.
    ap.get_by_role("button", name="Rejoin").click()
    ap.get_by_role("button", name="Join", exact=True).click()
    expect(presence).to_have_text("In a meeting")
    ap.close()
    expect(presence).to_have_text("Offline")

    assert_not_reloaded(bp)
    assert not bob.unexpected_errors(), bob.console_errors
    assert not alice.unexpected_errors(), alice.console_errors


def test_ring_friend_decline_then_accept(people):
    alice = people.new("Alice")
    bob = people.new("Bob")
    alice.register_via_api(display_name="Alice Caller")
    bob.register_via_api(display_name="Bob Callee")
    make_friends(alice, bob)

    bp = bob.goto("/")
    expect(bp.get_by_role("button", name="New meeting")).to_be_visible()
    mark_page(bp)

    # Alice sees Bob online (so his live connection is up), and calls him.
    ap = alice.goto("/friends")
    bob_row = friend_row(ap, bob.username)
    expect(bob_row.locator(".presence")).to_have_text("Online")
    bob_row.get_by_role("button", name="Call").click()
    expect(ap).to_have_url(re.compile(r"/m/[a-z]{3}-[a-z]{4}-[a-z]{3}$"))
    first_code = ap.url.rsplit("/", 1)[1]
    expect(ap.get_by_role("status").filter(has_text="Ringing Bob Callee")).to_be_visible()

    # Bob's page rings; he declines.
    dialog = bp.get_by_role("dialog", name="Incoming call")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Alice Caller is calling you")
    dialog.get_by_role("button", name="Decline").click()
    expect(dialog).to_be_hidden()

    # Alice sees that he declined.
    expect(ap.get_by_role("status").filter(has_text="Bob Callee declined the call.")).to_be_visible()
    calls = [n for n in alice.api("GET", "/notifications")["notifications"] if n["kind"] == "call_declined"]
    assert len(calls) == 1 and calls[0]["data"]["by"]["id"] == bob.user["id"], calls
    assert_not_reloaded(bp)

    # A second call; this time Bob accepts and lands in the call's meeting.
    ap.goto(f"{alice.base_url}/friends")
    friend_row(ap, bob.username).get_by_role("button", name="Call").click()
    expect(ap).to_have_url(re.compile(r"/m/[a-z]{3}-[a-z]{4}-[a-z]{3}$"))
    second_code = ap.url.rsplit("/", 1)[1]
    assert second_code != first_code

    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Accept").click()
    expect(bp).to_have_url(re.compile(rf"/m/{re.escape(second_code)}$"))
    expect(dialog).to_be_hidden()
    expect(bp.get_by_text("Hosted by Alice Caller")).to_be_visible()
    expect(bp.get_by_role("button", name="Join", exact=True)).to_be_visible()
    expect(ap.get_by_role("status").filter(has_text="Bob Callee accepted the call")).to_be_visible()
    assert_not_reloaded(bp)  # the app navigated without a page load

    assert not bob.unexpected_errors(), bob.console_errors
    assert not alice.unexpected_errors(), alice.console_errors
