import Scheduling

/// A create or update of a meeting, as a front door parsed it. For updates a
/// field that is absent keeps its value while one present as `nil` clears it
/// (passcode, start, recurrence): `present` says which were given.
public struct MeetingChanges: Sendable {
    /// The fields a change can carry (the API's names).
    public enum Field: String, Sendable, CaseIterable {
        case title, description, start, timeZone, durationMinutes, recurrence, passcode, requireSignIn, lobbyEnabled,
            recordAutomatically, recordingsVisible, isPrivate, reminderMinutes
    }

    /// The fields the change carries, given a value or `null`.
    public var present: Set<Field> = []
    public var title: String?
    public var description: String?
    public var start: String?
    public var timeZone: String?
    public var durationMinutes: Int?
    /// A repeat rule that was given (nil: none, or `null`), parsed only when
    /// the schedule needs it, so its errors come after the start's and the
    /// time zone's. The front door parses its own wire format.
    public var recurrence: (@Sendable () throws -> RecurrenceRule)?
    public var passcode: String?
    public var requireSignIn: Bool?
    public var lobbyEnabled: Bool?
    public var recordAutomatically: Bool?
    public var recordingsVisible: Bool?
    public var isPrivate: Bool?
    public var reminderMinutes: Int?

    /// An empty change (nothing present).
    public init() {}

    /// Whether the change carries `field` (with a value or as `null`).
    public func has(_ field: Field) -> Bool { present.contains(field) }
}
