/// A ring from one friend to another, tied to the instant meeting it opens.
public struct CallRecord: Codable, Sendable, Equatable {
    public var id: String
    public var callerId: String
    public var calleeId: String
    public var meetingId: String
    public var status: String
    public var createdAt: Int
    public var updatedAt: Int

    public static let ringing = "ringing"
    public static let accepted = "accepted"
    public static let declined = "declined"
    public static let cancelled = "cancelled"
    public static let missed = "missed"

    public init(
        id: String, callerId: String, calleeId: String, meetingId: String, status: String, createdAt: Int,
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
