/// One edited or cancelled occurrence of a recurring meeting, keyed by the
/// slot it replaces (RFC 5545 RECURRENCE-ID / EXDATE).
public struct OccurrenceOverrideRecord: Codable, Sendable, Equatable {
    public var meetingId: String
    public var originalStart: Int
    public var isCancelled: Bool
    public var startLocal: String?
    public var durationMinutes: Int?
    public var title: String?
    public var updatedAt: Int

    public init(
        meetingId: String, originalStart: Int, isCancelled: Bool, startLocal: String? = nil,
        durationMinutes: Int? = nil, title: String? = nil, updatedAt: Int
    ) {
        self.meetingId = meetingId
        self.originalStart = originalStart
        self.isCancelled = isCancelled
        self.startLocal = startLocal
        self.durationMinutes = durationMinutes
        self.title = title
        self.updatedAt = updatedAt
    }
}
