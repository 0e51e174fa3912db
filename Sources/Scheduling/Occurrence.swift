import Foundation

/// One meeting of a series as it will actually happen, after overrides.
public struct Occurrence: Hashable, Sendable {
    /// The series slot this occurrence fills (its RECURRENCE-ID); the key of its
    /// override in `MeetingSeries.overrides`.
    public var originalStart: Date
    /// When it starts (moved, if an override says so).
    public var start: Date
    /// When it ends.
    public var end: Date
    /// The override's title, if this occurrence was retitled.
    public var title: String?
    /// Whether an override changed its time, length or title.
    public var isModified: Bool

    /// Creates an occurrence.
    public init(originalStart: Date, start: Date, end: Date, title: String? = nil, isModified: Bool = false) {
        self.originalStart = originalStart
        self.start = start
        self.end = end
        self.title = title
        self.isModified = isModified
    }
}
