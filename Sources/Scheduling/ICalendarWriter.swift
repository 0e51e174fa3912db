import Foundation

/// Writes RFC 5545 iCalendar feeds and invitations for Parley meetings.
public enum ICalendarWriter {
    /// A VCALENDAR with `events`, ready to serve as `text/calendar`:
    ///
    /// - PRODID "-//Parley//Parley//EN", VERSION 2.0, CALSCALE GREGORIAN,
    ///   METHOD PUBLISH, and X-WR-CALNAME when `name` is given;
    /// - one VTIMEZONE per zone used (RFC 5545 §3.6.5), generated from the system
    ///   time zone database for the years the events span;
    /// - per event a master VEVENT (DTSTART/DTEND with TZID, RRULE, an EXDATE per
    ///   cancelled occurrence, …), then one VEVENT per moved, resized or retitled
    ///   occurrence, tied to its slot by RECURRENCE-ID (RFC 5545 §3.8.4.4).
    ///
    /// Lines end in CRLF and are folded at 75 octets; TEXT values are escaped.
    /// `now` becomes every DTSTAMP.
    public static func calendar(name: String?, events: [CalendarEvent], now: Date) -> String {
        var lines = ContentLines()
        lines.append("BEGIN", "VCALENDAR")
        lines.append("VERSION", "2.0")
        lines.append("PRODID", "-//Parley//Parley//EN")
        lines.append("CALSCALE", "GREGORIAN")
        lines.append("METHOD", "PUBLISH")
        if let name {
            lines.append("X-WR-CALNAME", ContentLines.text(name))
        }
        for (zone, years) in zonesUsed(by: events) {
            appendTimeZone(zone, years: years, to: &lines)
        }
        for event in events {
            appendEvent(event, now: now, to: &lines)
        }
        lines.append("END", "VCALENDAR")
        return lines.output
    }

    /// One occurrence-shaped VEVENT's varying parts.
    private struct EventTimes {
        var start: LocalDateTime
        var minutes: Int
        var title: String
        var recurrenceID: LocalDateTime?
        var rrule: String?
        var exceptions: [LocalDateTime] = []
        var isCancelled: Bool
    }

    private static func appendEvent(_ event: CalendarEvent, now: Date, to lines: inout ContentLines) {
        let series = event.series
        let startSlot = series.start.resolved(in: series.timeZone)
        guard let rule = series.rule else {
            // A one-off meeting has no RECURRENCE-ID to hang an override on, so an
            // override of its only slot is applied to the event itself.
            let change = series.overrides[startSlot] ?? OccurrenceOverride()
            let times = EventTimes(
                start: change.start ?? series.start,
                minutes: change.durationMinutes ?? series.durationMinutes,
                title: change.title ?? event.title,
                isCancelled: event.isCancelled || change.isCancelled
            )
            appendVEvent(event, times, now: now, to: &lines)
            return
        }

        // Overrides whose key is a real slot, by slot, with the slot's wall time as
        // the rule generates it (what EXDATE and RECURRENCE-ID must match).
        let changes = series.overrides.keys.sorted().compactMap { slot -> (LocalDateTime, OccurrenceOverride)? in
            guard let local = series.localSlot(at: slot), let change = series.overrides[slot] else { return nil }
            return (local, change)
        }
        var master = EventTimes(
            start: series.start,
            minutes: series.durationMinutes,
            title: event.title,
            rrule: rule.rruleValue(start: series.start, zone: series.timeZone),
            isCancelled: event.isCancelled
        )
        master.exceptions = changes.filter { $0.1.isCancelled }.map(\.0)
        appendVEvent(event, master, now: now, to: &lines)

        for (local, change) in changes where change.modifiesOccurrence {
            let times = EventTimes(
                start: change.start ?? local,
                minutes: change.durationMinutes ?? series.durationMinutes,
                title: change.title ?? event.title,
                recurrenceID: local,
                isCancelled: event.isCancelled
            )
            appendVEvent(event, times, now: now, to: &lines)
        }
    }

    private static func appendVEvent(_ event: CalendarEvent, _ times: EventTimes, now: Date, to lines: inout ContentLines) {
        let zone = event.series.timeZone
        let tzid = [("TZID", zone.identifier)]
        lines.append("BEGIN", "VEVENT")
        lines.append("UID", ContentLines.text(event.uid))
        lines.append("DTSTAMP", utc(now))
        if let recurrenceID = times.recurrenceID {
            lines.append("RECURRENCE-ID", tzid, recurrenceID.basicFormat)
        }
        lines.append("DTSTART", tzid, times.start.basicFormat)
        // DTEND in wall time, unless the end falls in the repeated hour of a
        // fall-back, where a wall time would be read as the earlier instant; then
        // DURATION, which is exact for hours and minutes (RFC 5545 §3.3.6).
        let minutes = max(times.minutes, 0)
        let startInstant = times.start.resolved(in: zone)
        let endInstant = startInstant.addingTimeInterval(TimeInterval(minutes) * 60)
        let endLocal = LocalDateTime(endInstant, in: zone)
        if endLocal.resolved(in: zone) == endInstant {
            lines.append("DTEND", tzid, endLocal.basicFormat)
        } else {
            lines.append("DURATION", "PT\(minutes)M")
        }
        if let rrule = times.rrule {
            lines.append("RRULE", rrule)
        }
        for exception in times.exceptions {
            lines.append("EXDATE", tzid, exception.basicFormat)
        }
        lines.append("SUMMARY", ContentLines.text(times.title))
        if !event.description.isEmpty {
            lines.append("DESCRIPTION", ContentLines.text(event.description))
        }
        if let url = event.url.map(ContentLines.uri), !url.isEmpty {
            lines.append("URL", url)
        }
        if let location = event.location, !location.isEmpty {
            lines.append("LOCATION", ContentLines.text(location))
        }
        if let organizer = event.organizer, let address = mailto(organizer) {
            lines.append("ORGANIZER", [("CN", organizer.name)], address)
        }
        for attendee in event.attendees {
            guard let address = mailto(attendee) else { continue }
            lines.append("ATTENDEE", [("CN", attendee.name), ("ROLE", "REQ-PARTICIPANT")], address)
        }
        lines.append("SEQUENCE", String(max(event.sequence, 0)))
        lines.append("STATUS", times.isCancelled ? "CANCELLED" : "CONFIRMED")
        lines.append("CREATED", utc(event.createdAt))
        lines.append("LAST-MODIFIED", utc(event.updatedAt))
        lines.append("END", "VEVENT")
    }

    /// "mailto:address" (RFC 5545 §3.3.3 CAL-ADDRESS), or nil without an address.
    private static func mailto(_ person: CalendarPerson) -> String? {
        guard let email = person.email.map(ContentLines.uri), !email.isEmpty else { return nil }
        return "mailto:" + email.filter { $0 != " " }
    }

    /// "20261201T080000Z", the UTC DATE-TIME form (RFC 5545 §3.3.5 FORM #2).
    static func utc(_ date: Date) -> String {
        LocalDateTime(wallSeconds: LocalDateTime.epochSeconds(date)).basicFormat + "Z"
    }
}
