/// A meeting: instant (no schedule) or scheduled (local start in a named zone,
/// optional RFC 5545 recurrence). `firstStart`/`lastEnd` are derived bounds in
/// milliseconds used to pre-filter range queries; `lastEnd` is nil for a series
/// without an end.
public struct MeetingRecord: Codable, Sendable, Equatable {
    public var id: String
    public var code: String
    public var dialInCode: String
    public var hostId: String
    public var kind: String
    public var title: String
    public var description: String
    public var startLocal: String?
    public var timeZone: String?
    public var durationMinutes: Int?
    public var rrule: String?
    public var firstStart: Int?
    public var lastEnd: Int?
    public var passcode: String?
    public var requireSignIn: Bool
    /// People other than the host wait in a lobby until a host admits them.
    public var lobbyEnabled: Bool
    /// Recording starts by itself when the first person joins the room.
    public var recordAutomatically: Bool
    /// People who took part (and invitees) may watch the meeting's recordings,
    /// not only the host and co-hosts.
    public var recordingsVisible: Bool
    public var isPrivate: Bool
    public var reminderMinutes: Int
    public var sequence: Int
    public var cancelledAt: Int?
    public var createdAt: Int
    public var updatedAt: Int

    public static let instant = "instant"
    public static let scheduled = "scheduled"

    public init(
        id: String, code: String, dialInCode: String, hostId: String, kind: String, title: String,
        description: String, startLocal: String? = nil, timeZone: String? = nil, durationMinutes: Int? = nil,
        rrule: String? = nil, firstStart: Int? = nil, lastEnd: Int? = nil, passcode: String? = nil,
        requireSignIn: Bool = false, lobbyEnabled: Bool = false, recordAutomatically: Bool = false,
        recordingsVisible: Bool = false, isPrivate: Bool = true, reminderMinutes: Int = 10, sequence: Int = 0,
        cancelledAt: Int? = nil, createdAt: Int, updatedAt: Int
    ) {
        self.id = id
        self.code = code
        self.dialInCode = dialInCode
        self.hostId = hostId
        self.kind = kind
        self.title = title
        self.description = description
        self.startLocal = startLocal
        self.timeZone = timeZone
        self.durationMinutes = durationMinutes
        self.rrule = rrule
        self.firstStart = firstStart
        self.lastEnd = lastEnd
        self.passcode = passcode
        self.requireSignIn = requireSignIn
        self.lobbyEnabled = lobbyEnabled
        self.recordAutomatically = recordAutomatically
        self.recordingsVisible = recordingsVisible
        self.isPrivate = isPrivate
        self.reminderMinutes = reminderMinutes
        self.sequence = sequence
        self.cancelledAt = cancelledAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
