import Foundation

/// A meeting as it should appear in someone's calendar: what `ICalendarWriter`
/// turns into a master VEVENT plus one VEVENT per changed occurrence.
public struct CalendarEvent: Sendable {
    /// Globally unique and stable across updates (RFC 5545 §3.8.4.7), e.g.
    /// "<meeting-uuid>@parley".
    public var uid: String
    /// When it happens.
    public var series: MeetingSeries
    /// SUMMARY.
    public var title: String
    /// DESCRIPTION; omitted when empty.
    public var description: String
    /// URL: the join link.
    public var url: String?
    /// LOCATION, e.g. the join link again for apps that don't show URL.
    public var location: String?
    /// ORGANIZER (needs an email address to be written).
    public var organizer: CalendarPerson?
    /// ATTENDEEs (those with an email address are written).
    public var attendees: [CalendarPerson]
    /// SEQUENCE: bump it on every change that matters to attendees (RFC 5545 §3.8.7.4).
    public var sequence: Int
    /// CREATED.
    public var createdAt: Date
    /// LAST-MODIFIED.
    public var updatedAt: Date
    /// The whole series is cancelled: written with STATUS:CANCELLED.
    public var isCancelled: Bool

    /// Creates an event.
    public init(
        uid: String,
        series: MeetingSeries,
        title: String,
        description: String = "",
        url: String? = nil,
        location: String? = nil,
        organizer: CalendarPerson? = nil,
        attendees: [CalendarPerson] = [],
        sequence: Int = 0,
        createdAt: Date,
        updatedAt: Date,
        isCancelled: Bool = false
    ) {
        self.uid = uid
        self.series = series
        self.title = title
        self.description = description
        self.url = url
        self.location = location
        self.organizer = organizer
        self.attendees = attendees
        self.sequence = sequence
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.isCancelled = isCancelled
    }
}
