/// A ring from one friend to another, tied to the instant meeting it opens.
public struct CallRecord: Codable, Sendable, Equatable {
    public var id: String
    public var callerId: String
    public var calleeId: String
    public var meetingId: String
    public var status: CallStatus
    public var createdAt: Int
    public var updatedAt: Int

    public static let ringing = CallStatus.ringing
    public static let accepted = CallStatus.accepted
    public static let declined = CallStatus.declined
    public static let cancelled = CallStatus.cancelled
    public static let missed = CallStatus.missed

    public init(
        id: String, callerId: String, calleeId: String, meetingId: String, status: CallStatus, createdAt: Int,
        updatedAt: Int
    ) {
        self.id = id
        self.callerId = callerId
        self.calleeId = calleeId
        self.meetingId = meetingId
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
