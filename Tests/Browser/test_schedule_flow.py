"""The issue's scenario: sign up, befriend, schedule a weekly meeting, get reminded,
and check that the meeting's .ics file and the API agree on every occurrence.

Alice and Bob sign up and become friends through the UI. Alice schedules a
weekly meeting on two weekdays in Europe/Berlin through the "Schedule meeting"
form, starting a few minutes from now with a 10-minute reminder, inviting Bob.
Bob sees it in his agenda under today's group and gets the reminder live (a
toast) and in his notifications. Alice then cancels one occurrence and moves
another (after a daylight-saving change) through the API. The .ics Bob
downloads from the meeting page, expanded with recurring_ical_events, must list
exactly the occurrences (UTC start and end) that GET /occurrences lists for him.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time as dtime, timedelta, timezone
from urllib.parse import quote
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from playwright.sync_api import expect

MEETING_ZONE = ZoneInfo("Europe/Berlin")
BOB_ZONE = "America/New_York"  # Bob views the agenda in another zone than the meeting's
CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]  # index = date.weekday()
SHORT = {"MO": "Mon", "TU": "Tue", "WE": "Wed", "TH": "Thu", "FR": "Fri", "SA": "Sat", "SU": "Sun"}
LONG = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday",
        "SA": "Saturday", "SU": "Sunday"}
UTC = timezone.utc


def instant(s: str) -> datetime:
    return datetime.fromisoformat(s.replace("Z", "+00:00")).astimezone(UTC)


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def next_dst_change(zone: ZoneInfo, after: datetime) -> datetime:
    """The first instant after `after` at which the zone's UTC offset changes (hour precision)."""
    t = after.replace(minute=0, second=0, microsecond=0)
    offset = t.astimezone(zone).utcoffset()
    for _ in range(24 * 400):
        t += timedelta(hours=1)
        if t.astimezone(zone).utcoffset() != offset:
            return t
    raise AssertionError(f"{zone} has no offset change within 400 days")


def changes_offset_on(zone: ZoneInfo, day: date) -> bool:
    first = datetime.combine(day, dtime(0, 0), zone)
    last = datetime.combine(day, dtime(23, 59), zone)
    return first.utcoffset() != last.utcoffset()


def exact_duration(component) -> timedelta:
    start = component["DTSTART"].dt
    end = component["DTEND"].dt if "DTEND" in component else start + component["DURATION"].dt
    return end.astimezone(UTC) - start.astimezone(UTC)


def ics_occurrences(ics: bytes, start: datetime, end: datetime) -> set[tuple[datetime, datetime]]:
    """(start, end) in UTC of every instance in [start, end), expanded by recurring_ical_events.

    RFC 5545 §3.8.5.3: with DTEND, every instance lasts the *exact* duration of
    the first one. recurring_ical_events adds it as wall-clock time, which is
    off by the DST shift when an instance spans a change (a 02:30 meeting on
    the last Sunday of March), so the end is computed here from the exact
    duration of the component (series or override) each instance comes from.
    """
    cal = icalendar.Calendar.from_ical(ics)
    series, overrides = {}, {}
    for comp in cal.walk("VEVENT"):
        if "RECURRENCE-ID" in comp:
            overrides[(str(comp["UID"]), comp["RECURRENCE-ID"].dt.astimezone(UTC))] = exact_duration(comp)
        else:
            series[str(comp["UID"])] = exact_duration(comp)
    out = set()
    for ev in recurring_ical_events.of(cal).between(start, end):
        s = ev["DTSTART"].dt
        assert isinstance(s, datetime) and s.tzinfo is not None, f"DTSTART must be a zoned date-time: {s!r}"
        uid = str(ev["UID"])
        rid = ev["RECURRENCE-ID"].dt.astimezone(UTC) if "RECURRENCE-ID" in ev else None
        duration = overrides.get((uid, rid), series.get(uid))
        if duration is None:
            duration = exact_duration(ev)
        out.add((s.astimezone(UTC), s.astimezone(UTC) + duration))
    return out


def test_schedule_weekly_meeting_reminder_and_ics(people):
    alice = people.new("Alice")
    bob = people.new("Bob", timezone_id=BOB_ZONE)

    # --- Sign up through the UI -------------------------------------------
    alice.sign_up_via_ui(display_name="Alice Schedule")
    bob.sign_up_via_ui(display_name="Bob Invitee")

    # --- Become friends through the UI -------------------------------------
    bob.page.get_by_role("navigation", name="Main").get_by_role("link", name="Friends").click()
    expect(bob.page.get_by_role("heading", level=1, name="Friends")).to_be_visible()
    expect(bob.page.get_by_text("No friends yet")).to_be_visible()

    ap = alice.page
    ap.get_by_role("navigation", name="Main").get_by_role("link", name="Friends").click()
    ap.get_by_label("Search people").fill(bob.username)
    results = ap.get_by_role("list", name="Search results")
    bob_result = results.get_by_role("listitem").filter(has_text=f"@{bob.username}")
    bob_result.get_by_role("button", name="Add friend").click()
    expect(bob_result.get_by_role("button", name="Requested")).to_be_visible()

    # Bob's friends page shows the request live (no reload) and he accepts it.
    requests_region = bob.page.get_by_role("region", name="Friend requests")
    alice_request = requests_region.get_by_role("listitem").filter(has_text=f"@{alice.username}")
    alice_request.get_by_role("button", name="Accept").click()
    friends_region = bob.page.get_by_role("region", name=re.compile(r"^Your friends"))
    expect(friends_region.get_by_role("listitem").filter(has_text=f"@{alice.username}")).to_be_visible()
    # …and Alice's list updates live when he does.
    expect(ap.get_by_role("region", name=re.compile(r"^Your friends"))
           .get_by_role("listitem").filter(has_text=f"@{bob.username}")).to_be_visible()

    # Bob waits on his home page for what comes next.
    bob.page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    expect(bob.page.get_by_role("button", name="New meeting")).to_be_visible()
    expect(bob.page.get_by_text("No meetings in the next two weeks")).to_be_visible()

    # --- Alice schedules a weekly meeting through the form ------------------
    now = datetime.now(UTC)
    # A few minutes from now, on a 5-minute boundary (the form's step): the
    # 10-minute reminder is due at once.
    start_utc = (now + timedelta(minutes=3)).replace(second=0, microsecond=0)
    start_utc += timedelta(minutes=(-start_utc.minute) % 5)
    start_local = start_utc.astimezone(MEETING_ZONE)
    first_day = CODES[start_local.weekday()]
    other_day = CODES[(start_local.weekday() + 3) % 7]
    days = [c for c in CODES if c in (first_day, other_day)]  # Monday-first, like the UI
    title = f"Weekly sync {uuid.uuid4().hex[:6]}"

    ap.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    ap.get_by_role("button", name="Schedule meeting").click()
    expect(ap.get_by_role("heading", level=1, name="Schedule a meeting")).to_be_visible()
    ap.get_by_label("Title").fill(title)
    ap.get_by_label("Description").fill("Two days a week, across a daylight-saving change.")
    ap.get_by_label("Repeat").select_option("weekly")
    ap.get_by_label("Date", exact=True).fill(start_local.strftime("%Y-%m-%d"))
    ap.get_by_label("Start time").fill(start_local.strftime("%H:%M"))
    ap.get_by_label("Duration").select_option("30")
    ap.get_by_label("Time zone").select_option("Europe/Berlin")
    ap.get_by_label(SHORT[other_day], exact=True).check()
    for code in CODES:
        box = ap.get_by_label(SHORT[code], exact=True)
        expect(box).to_be_checked(checked=code in days)
    expect(ap.get_by_text(f"Every week on {LONG[days[0]]} and {LONG[days[1]]}")).to_be_visible()
    ap.get_by_label(bob.display_name).check()
    ap.get_by_label("Reminder").select_option("10")
    ap.get_by_role("button", name="Save meeting").click()

    expect(ap).to_have_url(re.compile(r"/meetings/[0-9a-fA-F-]{36}$"))
    meeting_id = ap.url.rsplit("/", 1)[1]
    expect(ap.get_by_role("heading", level=1, name=title)).to_be_visible()
    expect(ap.get_by_text(f"Every week on {LONG[days[0]]} and {LONG[days[1]]}")).to_be_visible()

    meeting = alice.api("GET", f"/meetings/{meeting_id}")
    assert meeting["timeZone"] == "Europe/Berlin"
    assert meeting["startLocal"] == start_local.strftime("%Y-%m-%dT%H:%M")
    assert instant(meeting["start"]) == start_utc
    assert meeting["durationMinutes"] == 30 and meeting["reminderMinutes"] == 10
    assert meeting["recurrence"]["frequency"] == "weekly"
    assert sorted(meeting["recurrence"]["byWeekday"]) == sorted(days)
    assert [u["id"] for u in meeting["invitees"]] == [bob.user["id"]]

    # --- Bob: the reminder arrives live as a toast --------------------------
    bp = bob.page
    toasts = bp.locator("#toasts")
    expect(toasts.get_by_text(re.compile(rf"^{re.escape(title)} starts in \d+ minutes?$"))).to_be_visible(timeout=15_000)

    # --- Bob: the meeting is in his agenda under today's group --------------
    bob_tz = ZoneInfo(BOB_ZONE)
    day_label = "Today" if start_utc.astimezone(bob_tz).date() == datetime.now(bob_tz).date() else "Tomorrow"
    day_group = bp.get_by_role("region", name=day_label, exact=True)
    item = day_group.get_by_role("listitem").filter(has=bp.get_by_role("link", name=title))
    expect(item).to_be_visible()
    expect(item).to_contain_text("Weekly")
    expect(item).to_contain_text("Hosted by Alice Schedule")

    # --- …and in his notifications -----------------------------------------
    bp.get_by_role("navigation", name="Main").get_by_role("link", name="Notifications").click()
    expect(bp.get_by_role("heading", level=1, name="Notifications")).to_be_visible()
    reminder_row = bp.get_by_role("listitem").filter(has_text=re.compile(rf"{re.escape(title)} starts in \d+ minute"))
    expect(reminder_row).to_be_visible()
    expect(reminder_row.get_by_role("link", name="Join")).to_be_visible()
    expect(bp.get_by_role("listitem").filter(has_text=f"Alice Schedule invited you to {title}")).to_be_visible()
    notes = bob.api("GET", "/notifications")["notifications"]
    reminders = [n for n in notes if n["kind"] == "reminder" and n["data"]["meetingId"] == meeting_id]
    assert len(reminders) == 1, notes
    assert instant(reminders[0]["data"]["occurrenceStart"]) == start_utc

    # --- Alice cancels one occurrence and moves another (API) ---------------
    window_from = now
    # A daylight-saving change with a few weeks of meetings on each side.
    dst_change = next_dst_change(MEETING_ZONE, now + timedelta(days=21))
    last_day = max((now + timedelta(days=120)).date(), (dst_change + timedelta(days=28)).date())
    # End the window half a day away from the meeting's time of day, so no
    # occurrence straddles the boundary whatever the two sides count.
    window_to = datetime.combine(last_day, start_local.time(), MEETING_ZONE).astimezone(UTC) + timedelta(hours=12)
    assert window_to - window_from <= timedelta(days=366)
    query = f"/occurrences?from={quote(iso(window_from))}&to={quote(iso(window_to))}"

    planned = [o for o in alice.api("GET", query)["occurrences"] if o["meetingId"] == meeting_id]
    assert instant(planned[0]["start"]) == start_utc, planned[0]
    before = [o for o in planned if instant(o["start"]) < dst_change]
    after = [o for o in planned if instant(o["start"]) > dst_change]
    assert len(before) >= 4 and len(after) >= 4, (dst_change, len(before), len(after))

    cancelled = before[2]
    alice.api("DELETE", f"/meetings/{meeting_id}/occurrences/{quote(cancelled['originalStart'], safe='')}",
              expect_status=204)
    moved = after[1]
    moved_local = datetime.fromisoformat(moved["startLocal"]) + timedelta(days=1)
    moved_local = moved_local.replace(hour=7, minute=15)
    updated = alice.api("PATCH", f"/meetings/{meeting_id}/occurrences/{quote(moved['originalStart'], safe='')}",
                        {"start": moved_local.strftime("%Y-%m-%dT%H:%M"), "durationMinutes": 45})
    moved_start = moved_local.replace(tzinfo=MEETING_ZONE).astimezone(UTC)
    assert instant(updated["start"]) == moved_start, updated
    assert instant(updated["end"]) == moved_start + timedelta(minutes=45), updated

    # --- Bob's view through the API -----------------------------------------
    listed = [o for o in bob.api("GET", query)["occurrences"] if o["meetingId"] == meeting_id]
    assert all(o["role"] == "invitee" for o in listed)
    api_set = {(instant(o["start"]), instant(o["end"])) for o in listed}
    assert len(api_set) == len(listed) == len(planned) - 1
    originals = {o["originalStart"] for o in listed}
    assert cancelled["originalStart"] not in originals, "the cancelled occurrence is still listed"
    [m] = [o for o in listed if o["originalStart"] == moved["originalStart"]]
    assert m["isModified"] and instant(m["start"]) == moved_start, m
    for o in listed:
        local = instant(o["start"]).astimezone(MEETING_ZONE)
        if o is m or changes_offset_on(MEETING_ZONE, local.date()):
            continue  # (a 02:30 meeting on the change's day legitimately moves)
        assert local.time() == start_local.time(), o  # same wall-clock time on both sides of the change
        assert CODES[local.weekday()] in days, o
        assert instant(o["end"]) - instant(o["start"]) == timedelta(minutes=30), o
    utc_times = {instant(o["start"]).time() for o in listed if o is not m}
    assert len(utc_times) == 2, f"expected the UTC time of day to shift at the DST change: {utc_times}"

    # --- Bob downloads the .ics from the meeting page ----------------------
    bp.goto(f"{bob.base_url}/meetings/{meeting_id}")
    expect(bp.get_by_role("heading", level=1, name=title)).to_be_visible()
    expect(bp.get_by_text("Hosted by Alice Schedule")).to_be_visible()
    with bp.expect_download() as download_info:
        bp.get_by_role("link", name="Download .ics").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics"), download.suggested_filename
    ics = open(download.path(), "rb").read()

    cal = icalendar.Calendar.from_ical(ics)
    events = list(cal.walk("VEVENT"))
    masters = [e for e in events if "RRULE" in e]
    overrides = [e for e in events if "RECURRENCE-ID" in e]
    assert len(masters) == 1, ics.decode(errors="replace")
    rrule = masters[0]["RRULE"]
    assert rrule["FREQ"] == ["WEEKLY"] and sorted(rrule["BYDAY"]) == sorted(days), rrule
    assert "EXDATE" in masters[0], "the cancelled occurrence should be an EXDATE"
    assert len(overrides) == 1, "the moved occurrence should be a VEVENT with RECURRENCE-ID"
    assert overrides[0]["RECURRENCE-ID"].dt.astimezone(UTC) == instant(moved["originalStart"])
    assert overrides[0]["UID"] == masters[0]["UID"]

    ics_set = ics_occurrences(ics, window_from, window_to)
    missing = sorted(api_set - ics_set)
    extra = sorted(ics_set - api_set)
    assert not missing and not extra, (
        f"the .ics and GET /occurrences disagree\n  only in the API: {missing}\n  only in the .ics: {extra}")
    assert not alice.unexpected_errors() and not bob.unexpected_errors(), (alice.console_errors, bob.console_errors)


# Recurrence shapes and daylight-saving edge cases, checked through the API
# only (no browser): the .ics and GET /occurrences must agree on every instance.
RULE_CASES = {
    "every-3-days": ({"frequency": "daily", "interval": 3}, "2026-12-01T09:30", "Europe/Berlin"),
    "biweekly-mon-sun": ({"frequency": "weekly", "interval": 2, "byWeekday": ["MO", "SU"]},
                         "2026-11-30T23:30", "America/New_York"),
    "monthly-day-31": ({"frequency": "monthly", "monthlyBy": "dayOfMonth"}, "2027-01-31T10:00", "Europe/London"),
    "monthly-last-friday": ({"frequency": "monthly", "monthlyBy": "weekdayOfMonth"},
                            "2026-12-25T18:00", "Australia/Sydney"),
    "monthly-2nd-tuesday": ({"frequency": "monthly", "monthlyBy": "weekdayOfMonth"},
                            "2026-12-08T08:00", "Europe/Berlin"),
    "count": ({"frequency": "weekly", "byWeekday": ["TU", "TH"], "count": 7}, "2026-12-01T12:00", "Asia/Kolkata"),
    "until-across-spring-gap": ({"frequency": "daily", "until": "2027-03-30"}, "2027-03-20T02:30", "Europe/Berlin"),
    "in-autumn-overlap": ({"frequency": "weekly"}, "2026-10-25T02:30", "Europe/Berlin"),
    "half-hour-dst": ({"frequency": "weekly", "byWeekday": ["SU"]}, "2027-04-04T01:45", "Australia/Lord_Howe"),
}


@pytest.mark.parametrize("case", list(RULE_CASES))
def test_ics_matches_occurrences_for_recurrence_rules(api_user, case):
    recurrence, start, zone = RULE_CASES[case]
    host = api_user("Host")
    meeting = host.call("POST", "/meetings", {
        "title": case, "start": start, "timeZone": zone, "durationMinutes": 90, "recurrence": recurrence,
    }, expect_status=201)
    window_from = datetime(2026, 10, 1, tzinfo=UTC)
    window_to = datetime(2027, 9, 30, tzinfo=UTC)
    query = f"/occurrences?from={quote(iso(window_from))}&to={quote(iso(window_to))}"

    def listed():
        return [o for o in host.call("GET", query)["occurrences"] if o["meetingId"] == meeting["id"]]

    planned = listed()
    assert len(planned) >= 5, planned
    cancelled, moved = planned[3], planned[4]
    host.call("DELETE", f"/meetings/{meeting['id']}/occurrences/{quote(cancelled['originalStart'], safe='')}",
              expect_status=204)
    host.call("PATCH", f"/meetings/{meeting['id']}/occurrences/{quote(moved['originalStart'], safe='')}",
              {"start": moved["startLocal"][:10] + "T05:00", "title": "moved"})
    occurrences = listed()
    assert len(occurrences) == len(planned) - 1
    api_set = {(instant(o["start"]), instant(o["end"])) for o in occurrences}

    ics = host.session.get(host.server.api(f"/meetings/{meeting['id']}/calendar.ics"), timeout=10)
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar"), ics.headers
    ics_set = ics_occurrences(ics.content, window_from, window_to)
    assert api_set == ics_set, (
        f"only in the API: {sorted(api_set - ics_set)}\nonly in the .ics: {sorted(ics_set - api_set)}")
