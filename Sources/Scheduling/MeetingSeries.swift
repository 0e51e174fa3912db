import Foundation

/// A meeting that happens once or repeats: a wall-clock start in a named zone, a
/// length, an optional recurrence rule, and per-occurrence overrides.
///
/// Expansion happens in wall time in `timeZone` and each slot is then resolved to an
/// instant (RFC 5545 §3.3.5), so "Mondays 09:00 Europe/Berlin" is 08:00Z in winter
/// and 07:00Z in summer.
public struct MeetingSeries: Hashable, Sendable {
    /// First occurrence, wall time in `timeZone` (DTSTART).
    public var start: LocalDateTime
    /// The zone the series is defined in (DTSTART's TZID).
    public var timeZone: TimeZone
    /// Length of each occurrence unless overridden.
    public var durationMinutes: Int
    /// How it repeats; nil for a one-off meeting.
    public var rule: RecurrenceRule?
    /// Per-occurrence changes, keyed by the occurrence's original start instant
    /// exactly as returned by `slots(from:to:)` / `Occurrence.originalStart`.
    /// Entries whose key is not a slot are ignored.
    public var overrides: [Date: OccurrenceOverride]

    /// Creates a series. Nothing is checked here; call `validate()` on user input.
    public init(
        start: LocalDateTime,
        timeZone: TimeZone,
        durationMinutes: Int,
        rule: RecurrenceRule? = nil,
        overrides: [Date: OccurrenceOverride] = [:]
    ) {
        self.start = start
        self.timeZone = timeZone
        self.durationMinutes = durationMinutes
        self.rule = rule
        self.overrides = overrides
    }

    var expander: SlotExpander { SlotExpander(start: start, rule: rule) }

    /// Wall-clock slots whose local day could hold an instant in `[from, to)`: the
    /// window widened by two days for zone offsets and gap shifts.
    private func forEachLocalSlot(from: Date, to: Date, _ body: (LocalDateTime, Date) -> Bool) {
        guard from < to else { return }
        let fromDay = LocalDateTime(from, in: timeZone).date.dayNumber - 2
        let throughDay = LocalDateTime(to, in: timeZone).date.dayNumber + 2
        expander.forEachSlot(fromDay: fromDay, throughDay: throughDay) { local in
            let instant = local.resolved(in: timeZone)
            // Slots resolve in non-decreasing order, so the first one past `to` ends it.
            guard instant < to else { return false }
            return instant >= from ? body(local, instant) : true
        }
    }

    /// The series' original slots (before overrides, cancelled ones included) that
    /// start in `[from, to)`, in order and without duplicates. Work is proportional to
    /// the window, not to the series' age; keep windows bounded (a never-ending daily
    /// series over a century is 36,500 dates).
    public func slots(from: Date, to: Date) -> [Date] {
        var result: [Date] = []
        forEachLocalSlot(from: from, to: to) { _, instant in
            // A skipped calendar day (Pacific/Apia, 2011-12-30) can resolve two wall
            // times to one instant.
            if result.last != instant { result.append(instant) }
            return true
        }
        return result
    }

    /// Whether `date` is exactly one of the series' original slots; use it to check
    /// the key of a per-occurrence edit.
    public func hasSlot(at date: Date) -> Bool {
        localSlot(at: date) != nil
    }

    /// The wall time of the slot at `date` as the rule generates it (before gap
    /// adjustment), which is what EXDATE and RECURRENCE-ID must say; nil if `date` is
    /// not a slot.
    func localSlot(at date: Date) -> LocalDateTime? {
        var found: LocalDateTime?
        forEachLocalSlot(from: date, to: date.addingTimeInterval(1)) { local, instant in
            if instant == date { found = local; return false }
            return true
        }
        return found
    }

    /// Occurrences overlapping `[from, to)` after applying overrides: cancelled ones
    /// vanish, moved ones appear at their new time (even when their slot is outside
    /// the window), sorted by start. An occurrence overlaps when it starts before
    /// `to` and ends after `from`.
    public func occurrences(from: Date, to: Date) -> [Occurrence] {
        guard from < to else { return [] }
        let length = TimeInterval(max(durationMinutes, 0)) * 60
        var result: [Occurrence] = []
        for slot in slots(from: from.addingTimeInterval(-length), to: to) where overrides[slot] == nil {
            let occurrence = Occurrence(originalStart: slot, start: slot, end: slot.addingTimeInterval(length))
            if overlaps(occurrence, from: from, to: to) { result.append(occurrence) }
        }
        for (slot, change) in overrides where !change.isCancelled {
            let occurrence = self.occurrence(at: slot, applying: change)
            if overlaps(occurrence, from: from, to: to), hasSlot(at: slot) {
                result.append(occurrence)
            }
        }
        result.sort { ($0.start, $0.originalStart) < ($1.start, $1.originalStart) }
        return result
    }

    /// The occurrence at original slot `slot` with `change` applied.
    func occurrence(at slot: Date, applying change: OccurrenceOverride) -> Occurrence {
        let start = change.start?.resolved(in: timeZone) ?? slot
        let minutes = TimeInterval(max(change.durationMinutes ?? durationMinutes, 0))
        return Occurrence(
            originalStart: slot,
            start: start,
            end: start.addingTimeInterval(minutes * 60),
            title: change.title,
            isModified: change.modifiesOccurrence
        )
    }

    private func overlaps(_ occurrence: Occurrence, from: Date, to: Date) -> Bool {
        guard occurrence.start < to else { return false }
        // A zero-length occurrence counts when its instant is inside the window.
        return occurrence.end > from || (occurrence.end == occurrence.start && occurrence.start >= from)
    }
}
