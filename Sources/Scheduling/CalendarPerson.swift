/// Someone named on a calendar event (ORGANIZER or ATTENDEE, RFC 5545 §3.8.4.1 and
/// §3.8.4.3). Calendar addresses are `mailto:` URIs, so a person without an email
/// address is left out of the iCalendar output.
public struct CalendarPerson: Hashable, Sendable {
    /// Display name (the CN parameter).
    public var name: String
    /// Email address, written as `mailto:`.
    public var email: String?

    /// Creates a person.
    public init(name: String, email: String? = nil) {
        self.name = name
        self.email = email
    }
}
