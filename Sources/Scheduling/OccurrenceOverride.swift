/// A change to one occurrence of a series: cancelled, moved, lengthened or
/// retitled. Stored in `MeetingSeries.overrides` under the occurrence's original
/// start instant (its RFC 5545 RECURRENCE-ID).
public struct OccurrenceOverride: Hashable, Sendable {
    /// The occurrence doesn't happen (written as an EXDATE). It still counts
    /// toward the rule's COUNT.
    public var isCancelled: Bool
    /// New wall-clock start in the series' zone, if moved.
    public var start: LocalDateTime?
    /// New length in minutes, if changed.
    public var durationMinutes: Int?
    /// Title for this occurrence only, if changed.
    public var title: String?

    /// Creates an override; all fields default to "unchanged".
    public init(isCancelled: Bool = false, start: LocalDateTime? = nil, durationMinutes: Int? = nil, title: String? = nil) {
        self.isCancelled = isCancelled
        self.start = start
        self.durationMinutes = durationMinutes
        self.title = title
    }

    /// Whether it changes anything about an occurrence that still takes place.
    var modifiesOccurrence: Bool {
        !isCancelled && (start != nil || durationMinutes != nil || title != nil)
    }
}
