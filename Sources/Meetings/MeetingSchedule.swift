import Foundation
import Scheduling
import Store

/// Translates a stored meeting into the scheduling model and back: the one
/// place that knows how a `MeetingRecord`'s columns map to a `MeetingSeries`.
public enum MeetingSchedule {
    /// The series of a scheduled meeting, or nil for an instant one (or a
    /// stored value that no longer parses, which is logged by callers).
    public static func series(_ meeting: MeetingRecord, overrides: [OccurrenceOverrideRecord]) -> MeetingSeries? {
        guard meeting.kind == MeetingRecord.scheduled, let local = meeting.startLocal, let zoneID = meeting.timeZone,
            let zone = TimeZone(identifier: zoneID), let start = try? LocalDateTime(parsing: local)
        else { return nil }
        let rule = meeting.rrule.flatMap { try? RecurrenceRule(parsing: $0, timeZone: zone) }
        var map: [Date: OccurrenceOverride] = [:]
        for o in overrides {
            map[Timestamp.date(o.originalStart)] = OccurrenceOverride(
                isCancelled: o.isCancelled, start: o.startLocal.flatMap { try? LocalDateTime(parsing: $0) },
                durationMinutes: o.durationMinutes, title: o.title)
        }
        return MeetingSeries(
            start: start, timeZone: zone, durationMinutes: meeting.durationMinutes ?? 60, rule: rule, overrides: map)
    }

    /// Stored range bounds: the earliest start and, for a series that ends,
    /// the latest end (nil when it repeats forever).
    public static func bounds(_ series: MeetingSeries) -> (firstStart: Int, lastEnd: Int?) {
        let first = series.start.resolved(in: series.timeZone)
        let movedStarts = series.overrides.values.compactMap { $0.start?.resolved(in: series.timeZone) }
        let firstStart = ([first] + movedStarts).min() ?? first
        let repeatsForever: Bool
        if let rule = series.rule, case .never = rule.end { repeatsForever = true } else { repeatsForever = false }
        if repeatsForever { return (Timestamp.milliseconds(firstStart), nil) }
        // A finite series: at most 1000 slots (validated), so listing them all is cheap.
        let horizon = Date(timeIntervalSince1970: 7_258_118_400)  // 2200-01-01
        let all = series.occurrences(from: firstStart.addingTimeInterval(-86_400), to: horizon)
        let lastEnd = all.map(\.end).max() ?? first.addingTimeInterval(Double(series.durationMinutes) * 60)
        return (Timestamp.milliseconds(firstStart), Timestamp.milliseconds(lastEnd))
    }
}
