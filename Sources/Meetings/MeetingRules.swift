import Foundation
import Scheduling
import Store

/// The rules a meeting's settings and schedule keep, whichever door edits
/// it: title and description lengths, a passcode a phone can type, a
/// reminder within a week, and a schedule (start + time zone + duration +
/// recurrence) that is whole, valid (`MeetingSeries.validate`) and that
/// reads back as stored.
public enum MeetingRules {
    /// Applies a create/update to a meeting record, checking every field and
    /// the schedule as a whole. Throws a `MeetingError` (or what the
    /// recurrence parser throws) before anything is changed in the store.
    public static func apply(_ changes: MeetingChanges, to meeting: inout MeetingRecord, creating: Bool) throws {
        if let title = changes.title {
            meeting.title = try FieldRules.text(title, field: "title", label: "The title", max: 200)
        }
        if let description = changes.description {
            meeting.description = try FieldRules.text(
                description, field: "description", label: "The description", max: 5000, multiline: true)
        }
        if changes.has(.passcode) {
            if let passcode = changes.passcode, !passcode.isEmpty {
                // Digits only: a phone caller types it on the keypad (Admission).
                guard (4...10).contains(passcode.count), passcode.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                    throw MeetingError("passcode", "A passcode has 4 to 10 digits, so phone callers can type it.")
                }
                meeting.passcode = passcode
            } else {
                meeting.passcode = nil
            }
        }
        if let v = changes.requireSignIn { meeting.requireSignIn = v }
        if let v = changes.lobbyEnabled { meeting.lobbyEnabled = v }
        if let v = changes.recordAutomatically { meeting.recordAutomatically = v }
        if let v = changes.recordingsVisible { meeting.recordingsVisible = v }
        if let v = changes.isPrivate { meeting.isPrivate = v }
        if let v = changes.reminderMinutes {
            meeting.reminderMinutes = try FieldRules.int(v, field: "reminderMinutes", label: "The reminder time", range: 0...10_080)
        }

        // The schedule: start + zone (+ duration, recurrence) or none at all.
        if changes.has(.start) || changes.has(.timeZone) || changes.has(.recurrence) || changes.has(.durationMinutes) {
            let startText = changes.has(.start) ? changes.start : meeting.startLocal
            let zoneText = changes.has(.timeZone) ? changes.timeZone : meeting.timeZone
            if let startText {
                try schedule(changes, start: startText, zone: zoneText, on: &meeting)
            } else {
                if changes.has(.recurrence), changes.recurrence != nil {
                    throw MeetingError("start", "A repeating meeting needs a start date and time.")
                }
                if changes.durationMinutes != nil && !creating && meeting.startLocal == nil {
                    throw MeetingError("start", "A meeting needs a start before it can have a duration.")
                }
                // An explicit null start makes the meeting instant again.
                meeting.kind = MeetingRecord.instant
                meeting.startLocal = nil
                meeting.timeZone = nil
                meeting.durationMinutes = nil
                meeting.rrule = nil
                meeting.firstStart = nil
                meeting.lastEnd = nil
            }
        }
        if meeting.title.isEmpty {
            meeting.title = meeting.kind == MeetingRecord.instant ? "Instant meeting" : "Meeting"
        }
    }

    private static func schedule(_ changes: MeetingChanges, start startText: String, zone zoneText: String?,
                                 on meeting: inout MeetingRecord) throws {
        guard let zoneText else {
            throw MeetingError("timeZone", "Choose the time zone the start time is in.")
        }
        guard zoneText.count <= 64, let zone = TimeZone(identifier: zoneText) else {
            throw MeetingError("timeZone", "'\(zoneText.prefix(64))' is not a time zone Parley knows (use a name like Europe/Berlin).")
        }
        let start: LocalDateTime
        do {
            start = try LocalDateTime(parsing: startText)
        } catch {
            throw MeetingError("start", "The start must be a date and time like 2026-12-01T09:30.")
        }
        let duration = try FieldRules.int(
            changes.durationMinutes ?? meeting.durationMinutes ?? 60, field: "durationMinutes",
            label: "The duration in minutes", range: 5...1440)
        var rule: RecurrenceRule? = meeting.rrule.flatMap {
            try? RecurrenceRule(parsing: $0, timeZone: TimeZone(identifier: meeting.timeZone ?? "") ?? zone)
        }
        if changes.has(.recurrence) { rule = try changes.recurrence?() }
        let series = MeetingSeries(start: start, timeZone: zone, durationMinutes: duration, rule: rule, overrides: [:])
        do {
            try series.validate()
        } catch {
            throw MeetingError(error.field.map { "recurrence.\($0)" } ?? "recurrence", error.message)
        }
        meeting.kind = MeetingRecord.scheduled
        meeting.startLocal = start.description
        // Keep the name as given: Foundation reports "UTC" as "GMT".
        meeting.timeZone = zoneText
        meeting.durationMinutes = duration
        let rrule = rule.map { $0.rruleValue(start: start, zone: zone) }
        // What is stored must read back: never store a rule that would
        // later be dropped as unreadable (the series would turn one-off).
        if let rrule, (try? RecurrenceRule(parsing: rrule, timeZone: zone)) == nil {
            throw MeetingError("recurrence", "This repeat rule cannot be saved; try an earlier end date.")
        }
        meeting.rrule = rrule
        let bounds = MeetingSchedule.bounds(series)
        meeting.firstStart = bounds.firstStart
        meeting.lastEnd = bounds.lastEnd
    }

    /// Recomputes the stored range bounds after overrides changed.
    public static func recomputeBounds(_ meeting: inout MeetingRecord, overrides: [OccurrenceOverrideRecord]) {
        guard let series = MeetingSchedule.series(meeting, overrides: overrides) else { return }
        let bounds = MeetingSchedule.bounds(series)
        meeting.firstStart = bounds.firstStart
        meeting.lastEnd = bounds.lastEnd
    }
}
