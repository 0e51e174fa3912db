"""Every page loads cleanly at desktop and phone widths, with the named controls.

For each page: no console errors and no uncaught exceptions, no horizontal
scrolling at phone width, every form control has a label, and the controls
the issue names exist with those accessible names.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD, make_friends, unique
from page_checks import page_problems

VIEWPORTS = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 390, "height": 844},
}

# Form controls without an accessible name (label, aria-label, aria-labelledby, title).
UNLABELLED_CONTROLS_JS = """
() => {
  const bad = [];
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden') continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden' || el.closest('[hidden]')) continue;
    const labelled = (el.labels && [...el.labels].some((l) => l.textContent.trim()))
      || (el.getAttribute('aria-label') || '').trim()
      || (el.getAttribute('aria-labelledby') || '').split(/\\s+/).some((id) => id && document.getElementById(id)
            && document.getElementById(id).textContent.trim());
    if (!labelled) bad.push(el.outerHTML.slice(0, 160));
  }
  return bad;
}
"""

def settle(page: Page, heading: str | re.Pattern) -> None:
    """Wait until the page rendered its heading and finished loading its data."""
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
    expect(page.locator("#main .loading")).to_have_count(0)


def check_page(page: Page, person, viewport: str, label: str, problems: list[str]) -> None:
    unlabelled = page.evaluate(UNLABELLED_CONTROLS_JS)
    if unlabelled:
        problems.append(f"{label}: form controls without a label: {unlabelled}")
    problems.extend(page_problems(page, person, label, phone=viewport == "phone"))


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_page_loads_cleanly(people, api_user, parley, viewport):
    problems: list[str] = []

    # Signed out: sign in and sign up.
    guest = people.new(f"guest-{viewport}", viewport=VIEWPORTS[viewport])
    page = guest.goto("/signin")
    settle(page, "Sign in to Parley")
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    expect(page.get_by_label("Username")).to_be_visible()
    expect(page.get_by_label("Password")).to_be_visible()
    check_page(page, guest, viewport, "/signin", problems)

    page = guest.goto("/signup")
    settle(page, "Create your Parley account")
    expect(page.get_by_role("button", name="Sign up", exact=True)).to_be_visible()
    for name in ("Username", "Display name", "Password"):
        expect(page.get_by_label(name, exact=True)).to_be_visible()
    check_page(page, guest, viewport, "/signup", problems)

    # Signed in, with something on every page: a friend, an incoming friend
    # request, a scheduled meeting with an invitee, a notification.
    me = people.new(f"me-{viewport}", viewport=VIEWPORTS[viewport])
    me.register_via_api(display_name="Pat Pages")
    friend = api_user("Fran")
    make_friends(me, friend)
    asker = api_user("Rick")
    asker.call("POST", "/friend-requests", {"userId": me.user["id"]}, expect_status=201)
    stranger = api_user("Sam", display_name=f"Sam {unique('s')}")
    meeting = me.api("POST", "/meetings", {
        "title": "Pages check", "start": "2030-01-07T09:00", "timeZone": "Europe/Berlin",
        "durationMinutes": 45, "recurrence": {"frequency": "weekly", "byWeekday": ["MO", "TH"]},
        "inviteeIds": [friend.id], "passcode": "2468", "reminderMinutes": 15,
    }, expect_status=201)

    page = me.goto("/")
    settle(page, re.compile(r"^Good (morning|afternoon|evening), Pat$"))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("button", name="New meeting")).to_be_visible()
    expect(page.get_by_role("button", name="Schedule meeting")).to_be_visible()
    expect(page.get_by_label("Meeting code or link")).to_be_visible()
    check_page(page, me, viewport, "/", problems)

    page = me.goto("/schedule")
    settle(page, "Schedule a meeting")
    for name in ("Title", "Description", "Date", "Start time", "Duration", "Time zone", "Repeat", "Passcode", "Reminder"):
        expect(page.get_by_label(name, exact=True)).to_be_visible()
    expect(page.get_by_label(friend.display_name)).to_be_visible()  # invitee checkbox
    page.get_by_label("Repeat").select_option("weekly")
    expect(page.get_by_label("Tue", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Save meeting")).to_be_visible()
    check_page(page, me, viewport, "/schedule (weekly)", problems)

    page = me.goto("/meetings")
    settle(page, "My meetings")
    expect(page.get_by_label("Search meetings")).to_be_visible()
    for section in ("Upcoming", "Instant meetings", "Past"):
        expect(page.get_by_role("region", name=re.compile(rf"^{section} \(\d+\)$"))).to_be_visible()
    check_page(page, me, viewport, "/meetings", problems)

    page = me.goto("/friends")
    settle(page, "Friends")
    requests_section = page.get_by_role("region", name="Friend requests")
    expect(requests_section.get_by_role("button", name="Accept")).to_be_visible()
    expect(requests_section.get_by_role("button", name="Decline")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text=friend.display_name)
           .get_by_role("button", name="Call")).to_be_visible()
    page.get_by_label("Search people").fill(stranger.display_name)
    results = page.get_by_role("list", name="Search results")
    expect(results.get_by_role("button", name="Add friend")).to_be_visible()
    check_page(page, me, viewport, "/friends", problems)

    page = me.goto("/notifications")
    settle(page, "Notifications")
    expect(page.get_by_role("listitem").filter(has_text="sent you a friend request")).to_be_visible()
    expect(page.get_by_role("button", name="Mark all as read")).to_be_visible()
    check_page(page, me, viewport, "/notifications", problems)

    page = me.goto("/settings")
    settle(page, "Settings")
    expect(page.get_by_label("Display name")).to_have_value("Pat Pages")
    for name in ("Current password", "New password", "Repeat new password"):
        expect(page.get_by_label(name, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Change password")).to_be_visible()
    check_page(page, me, viewport, "/settings", problems)

    page = me.goto(f"/meetings/{meeting['id']}")
    settle(page, "Pages check")
    expect(page.get_by_role("link", name="Join", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Download .ics")).to_be_visible()
    expect(page.get_by_text("Every week on Monday and Thursday")).to_be_visible()
    check_page(page, me, viewport, "/meetings/{id}", problems)

    page = me.goto(f"/m/{meeting['code']}")
    settle(page, "Pages check")
    expect(page.get_by_role("button", name="Join", exact=True)).to_be_visible()
    expect(page.get_by_label("Your name")).to_have_value("Pat Pages")
    expect(page.get_by_label("Passcode")).to_be_visible()
    page.wait_for_function("() => { const v = document.querySelector('video'); return v && v.videoWidth > 0; }")
    expect(page.get_by_label("Camera")).to_be_enabled()
    expect(page.get_by_label("Microphone")).to_be_enabled()
    check_page(page, me, viewport, "/m/{code}", problems)

    # The meeting page for a guest (signed out).
    page = guest.goto(f"/m/{meeting['code']}")
    settle(page, "Pages check")
    expect(page.get_by_role("button", name="Join", exact=True)).to_be_visible()
    page.wait_for_function("() => { const v = document.querySelector('video'); return v && v.videoWidth > 0; }")
    check_page(page, guest, viewport, "/m/{code} (guest)", problems)

    assert not problems, "\n".join(problems)


def test_new_meeting_opens_a_fresh_instant_meeting(people):
    me = people.new("host")
    me.register_via_api(display_name="Nina New")
    before = {m["code"] for m in me.api("GET", "/meetings")["meetings"]}

    page = me.goto("/")
    page.get_by_role("button", name="New meeting").click()
    expect(page).to_have_url(re.compile(r"/m/[a-z]{3}-[a-z]{4}-[a-z]{3}$"))
    code = page.url.rsplit("/", 1)[1]
    assert code not in before
    expect(page.get_by_role("heading", level=1, name="Instant meeting")).to_be_visible()
    expect(page.get_by_text("You are the host")).to_be_visible()
    expect(page.get_by_role("button", name="Join", exact=True)).to_be_visible()

    meetings = {m["code"]: m for m in me.api("GET", "/meetings")["meetings"]}
    assert code in meetings, f"{code} is not among Nina's meetings: {list(meetings)}"
    m = meetings[code]
    assert m["kind"] == "instant" and m["start"] is None and m["role"] == "host", m

    # A second press makes another meeting, not the same one.
    page.goto(me.base_url + "/")
    page.get_by_role("button", name="New meeting").click()
    expect(page).to_have_url(re.compile(r"/m/[a-z]{3}-[a-z]{4}-[a-z]{3}$"))
    assert page.url.rsplit("/", 1)[1] != code
    assert not me.unexpected_errors(), me.unexpected_errors()


def test_sign_up_sign_out_sign_in(people):
    """The account buttons work end to end: Sign up → Sign out → Sign in."""
    p = people.new("newcomer")
    username = unique("sam")
    page = p.goto("/signup")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Display name").fill("Sam Signup")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", level=1, name=re.compile(r", Sam$"))).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/signin$"))
    page.goto(p.base_url + "/")
    expect(page).to_have_url(re.compile(r"/signin\?next=%2F$"))

    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("wrong password!")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name=re.compile(r", Sam$"))).to_be_visible()
