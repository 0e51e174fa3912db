import Foundation
import Scheduling
import Store

extension MeetingController {
    /// Applies a create/update body to a meeting record, validating every
    /// field and the schedule as a whole. Throws before anything is stored.
    func apply(_ input: MeetingInput, to meeting: inout MeetingRecord, creating: Bool) throws {
        if let title = input.title {
            meeting.title = try Validation.text(title, field: "title", label: "The title", max: 200)
        }
        if let description = input.description {
            meeting.description = try Validation.text(
                description, field: "description", label: "The description", max: 5000, multiline: true)
        }
        if input.has(.passcode) {
            if let passcode = input.passcode, !passcode.isEmpty {
                guard (4...10).contains(passcode.count), passcode.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                    throw APIError.validation("passcode", "A passcode has 4 to 10 digits, so phone callers can type it.")
                }
                meeting.passcode = passcode
            } else {
                meeting.passcode = nil
            }
        }
        if let v = input.requireSignIn { meeting.requireSignIn = v }
        if let v = input.lobbyEnabled { meeting.lobbyEnabled = v }
        if let v = input.recordAutomatically { meeting.recordAutomatically = v }
        if let v = input.recordingsVisible { meeting.recordingsVisible = v }
        if let v = input.isPrivate { meeting.isPrivate = v }
        if let v = input.reminderMinutes {
            meeting.reminderMinutes = try Validation.int(
                v, field: "reminderMinutes", label: "The reminder time", range: 0...10_080)
        }

        // The schedule: start + zone (+ duration, recurrence) or none at all.
        if input.has(.start) || input.has(.timeZone) || input.has(.recurrence) || input.has(.durationMinutes) {
            let startText = input.has(.start) ? input.start : meeting.startLocal
            let zoneText = input.has(.timeZone) ? input.timeZone : meeting.timeZone
            if let startText {
                guard let zoneText else {
                    throw APIError.validation("timeZone", "Choose the time zone the start time is in.")
                }
                guard zoneText.count <= 64, let zone = TimeZone(identifier: zoneText) else {
                    throw APIError.validation("timeZone", "'\(zoneText.prefix(64))' is not a time zone Parley knows (use a name like Europe/Berlin).")
                }
                let start: LocalDateTime
                do {
                    start = try LocalDateTime(parsing: startText)
                } catch {
                    throw APIError.validation("start", "The start must be a date and time like 2026-12-01T09:30.")
                }
                let duration = try Validation.int(
                    input.durationMinutes ?? meeting.durationMinutes ?? 60, field: "durationMinutes",
                    label: "The duration in minutes", range: 5...1440)
                var rule: RecurrenceRule? = meeting.rrule.flatMap { try? RecurrenceRule(parsing: $0, timeZone: TimeZone(identifier: meeting.timeZone ?? "") ?? zone) }
                if input.has(.recurrence) { rule = try input.recurrence?.rule() }
                let series = MeetingSeries(start: start, timeZone: zone, durationMinutes: duration, rule: rule, overrides: [:])
                do {
                    try series.validate()
                } catch {
                    throw APIError.validation(error.field.map { "recurrence.\($0)" } ?? "recurrence", error.message)
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
                    throw APIError.validation("recurrence", "This repeat rule cannot be saved; try an earlier end date.")
                }
                meeting.rrule = rrule
                let bounds = MeetingSchedule.bounds(series)
                meeting.firstStart = bounds.firstStart
                meeting.lastEnd = bounds.lastEnd
            } else {
                if input.has(.recurrence), input.recurrence != nil {
                    throw APIError.validation("start", "A repeating meeting needs a start date and time.")
                }
                if input.durationMinutes != nil && !creating && meeting.startLocal == nil {
                    throw APIError.validation("start", "A meeting needs a start before it can have a duration.")
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

    /// Recomputes the stored range bounds after overrides changed.
    func recomputeBounds(_ meeting: inout MeetingRecord, overrides: [OccurrenceOverrideRecord]) throws {
        guard let series = MeetingSchedule.series(meeting, overrides: overrides) else { return }
        let bounds = MeetingSchedule.bounds(series)
        meeting.firstStart = bounds.firstStart
        meeting.lastEnd = bounds.lastEnd
    }
}

/// Meeting link codes (`abc-defg-hij`, as people know them from Meet) and
/// numeric dial-in codes for phone callers.
enum MeetingCodes {
    @Sendable static func generate() -> (String, String) {
        var rng = SystemRandomNumberGenerator()
        let letters = Array("abcdefghijkmnopqrstuvwxyz")  // no 'l': it reads as '1'
        func word(_ n: Int) -> String { String((0..<n).map { _ in letters.randomElement(using: &rng)! }) }
        let code = "\(word(3))-\(word(4))-\(word(3))"
        let dialIn = String(Int.random(in: 1...9, using: &rng)) + (0..<9).map { _ in String(Int.random(in: 0...9, using: &rng)) }.joined()
        return (code, dialIn)
    }

    static func isWellFormed(_ code: String) -> Bool {
        let parts = code.split(separator: "-", omittingEmptySubsequences: false)
        return parts.map(\.count) == [3, 4, 3] && parts.allSatisfy { $0.allSatisfy { $0 >= "a" && $0 <= "z" } }
    }
}
