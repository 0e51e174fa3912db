"""The pages around meetings: "My meetings" (upcoming, past, instant, search),
renaming an instant meeting, the schedule form's past-start warning and lobby
switch, changing your password and choosing default devices in Settings."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect

from conftest import PASSWORD
from page_checks import page_problems


def local(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M")


def test_my_meetings_lists_searches_and_renames(people):
    me = people.new("Mia")
    me.register_via_api(display_name="Mia Meetings")
    now = datetime.now(timezone.utc)
    soon = me.api("POST", "/meetings", {"title": "Roadmap review", "start": local(now + timedelta(days=3)),
                                        "timeZone": "UTC", "durationMinutes": 30}, expect_status=201)
    me.api("POST", "/meetings", {"title": "Retro last week", "start": local(now - timedelta(days=6)),
                                 "timeZone": "UTC", "durationMinutes": 30}, expect_status=201)
    instant = me.api("POST", "/meetings", {}, expect_status=201)
    assert instant["kind"] == "instant", instant

    page = me.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings").click()
    expect(page.get_by_role("heading", level=1, name="My meetings")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings")).to_have_attribute("aria-current", "page")
    upcoming = page.get_by_role("region", name="Upcoming (1)")
    past = page.get_by_role("region", name="Past (1)")
    instants = page.get_by_role("region", name="Instant meetings (1)")
    expect(upcoming.get_by_role("link", name="Roadmap review")).to_be_visible()
    expect(upcoming.get_by_role("link", name="Join")).to_be_visible()
    expect(past.get_by_role("link", name="Retro last week")).to_be_visible()
    expect(instants.get_by_role("link", name=instant["title"])).to_be_visible()

    # Search narrows every list.
    page.get_by_label("Search meetings").fill("road")
    expect(page.get_by_role("region", name="Upcoming (1)")).to_be_visible()
    expect(page.get_by_role("region", name="Past (0)")).to_be_visible()
    expect(page.get_by_role("region", name="Instant meetings (0)")).to_be_visible()
    expect(page.get_by_text("No past meeting matches.")).to_be_visible()
    page.get_by_label("Search meetings").fill("")

    # Rename the instant meeting in place.
    instants = page.get_by_role("region", name="Instant meetings (1)")
    instants.get_by_role("button", name=f"Rename {instant['title']}").click()
    title = instants.get_by_label("Meeting title")
    expect(title).to_be_focused()
    title.fill("")
    instants.get_by_role("button", name="Save").click()
    expect(instants.get_by_text("Give the meeting a title.")).to_be_visible()
    title.fill("Design crit")
    instants.get_by_role("button", name="Save").click()
    expect(instants.get_by_role("link", name="Design crit")).to_be_visible()
    assert me.api("GET", f"/meetings/{instant['id']}")["title"] == "Design crit"
    page.get_by_label("Search meetings").fill("design")
    expect(page.get_by_role("region", name="Instant meetings (1)")).to_be_visible()
    problems = page_problems(page, me, "/meetings", phone=False)

    # And from the meeting's own page.
    page = me.goto(f"/meetings/{instant['id']}")
    expect(page.get_by_role("heading", level=1, name="Design crit")).to_be_visible()
    page.get_by_role("button", name="Rename Design crit").click()
    page.get_by_label("Meeting title").fill("Daily standup")
    page.get_by_label("Meeting title").press("Enter")
    expect(page.get_by_role("heading", level=1, name="Daily standup")).to_be_visible()
    assert me.api("GET", f"/meetings/{instant['id']}")["title"] == "Daily standup"
    # A scheduled meeting keeps its "Edit" form instead.
    page = me.goto(f"/meetings/{soon['id']}")
    expect(page.get_by_role("link", name="Edit")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Rename"))).to_have_count(0)
    problems += page_problems(page, me, "/meetings/{id}", phone=False)
    assert not problems, problems


def test_schedule_form_warns_about_a_past_start_and_saves_the_lobby(people):
    me = people.new("Sol")
    me.register_via_api(display_name="Sol Schedules")
    page = me.goto("/schedule")
    expect(page.get_by_role("heading", level=1, name="Schedule a meeting")).to_be_visible()
    warning = page.locator(".alert-warning")
    expect(warning).to_be_hidden()
    yesterday = (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%d")
    page.get_by_label("Time zone").select_option("UTC")
    page.get_by_label("Date").fill(yesterday)
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("This start is in the past")
    expect(page.get_by_label("Date")).to_have_attribute("aria-describedby", re.compile("past-warning"))
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=1)).strftime("%Y-%m-%d")
    page.get_by_label("Date").fill(tomorrow)
    expect(warning).to_be_hidden()

    page.get_by_label("Title", exact=True).fill("Lobby meeting")
    lobby = page.get_by_role("switch", name="Lobby")
    expect(lobby).not_to_be_checked()
    lobby.check()
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_role("heading", level=1, name="Lobby meeting")).to_be_visible()
    meeting_id = page.url.rstrip("/").split("/")[-1]
    assert me.api("GET", f"/meetings/{meeting_id}")["lobbyEnabled"] is True
    problems = page_problems(page, me, "schedule", phone=False)
    assert not problems, problems


def test_settings_change_password_and_default_devices(people, browser, parley):
    me = people.new("Pax")
    me.register_via_api(display_name="Pax Password")
    other = people.new("Pax-laptop")
    other.api("POST", "/auth/login", {"username": me.username, "password": PASSWORD}, expect_status=200)
    assert other.api("GET", "/me")["username"] == me.username

    page = me.goto("/settings")
    expect(page.get_by_role("heading", level=1, name="Settings")).to_be_visible()
    page.get_by_label("Current password").fill("not my password")
    page.get_by_label("New password", exact=True).fill("a brand new one")
    page.get_by_label("Repeat new password").fill("a brand new one")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert").filter(has_text="Your current password is not right")).to_be_visible()
    expect(page.get_by_label("Current password")).to_have_attribute("aria-invalid", "true")
    # Chromium logs the designed 403 of the wrong password as a console error.
    me.console_errors[:] = [e for e in me.console_errors if not ("status of 403" in e and "/api/v1/me/password" in e)]

    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("Repeat new password").fill("something else")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("The two new passwords differ.")).to_be_visible()
    page.get_by_label("Repeat new password").fill("a brand new one")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password was changed.")).to_be_visible()
    # This browser stays signed in; the laptop's session is over.
    assert me.api("GET", "/me")["username"] == me.username
    other.api("GET", "/me", expect_status=401)
    other.api("POST", "/auth/login", {"username": me.username, "password": "a brand new one"}, expect_status=200)

    # Default devices, used by the pre-join screen.
    section = page.get_by_role("region", name="Camera, microphone and speaker")
    mic = section.get_by_label("Microphone")
    expect(mic).to_be_visible()
    # Before the browser may use the devices it lists them without names or ids.
    show = section.get_by_role("button", name="Show device names")
    if show.count():
        show.click()
        expect(show).to_have_count(0)
    expect(mic.locator("option")).not_to_have_count(1)
    values = mic.locator("option").evaluate_all("(os) => os.map((o) => o.value)")
    devices = [v for v in values if v]
    assert devices, values
    chosen = devices[-1]
    mic.select_option(chosen)
    stored = json.loads(page.evaluate("() => localStorage.getItem('parley.devices')"))
    assert stored["microphone"] == chosen, stored
    section.get_by_label("Noise suppression").uncheck()
    assert json.loads(page.evaluate("() => localStorage.getItem('parley.devices')"))["noiseSuppression"] is False
    problems = page_problems(page, me, "/settings", phone=False)

    meeting = me.api("POST", "/meetings", {}, expect_status=201)
    page = me.goto(f"/m/{meeting['code']}")
    expect(page.get_by_label("Microphone")).to_be_enabled()
    expect(page.get_by_label("Microphone")).to_have_value(chosen)
    problems += page_problems(page, me, "/m/{code} with default devices", phone=False)
    assert not problems, problems
