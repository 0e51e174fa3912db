/// A friend request and what became of it.
public struct FriendRequestRecord: Codable, Sendable, Equatable {
    public var id: String
    public var fromId: String
    public var toId: String
    public var status: FriendRequestStatus
    public var createdAt: Int
    public var respondedAt: Int?

    public static let pending = FriendRequestStatus.pending
    public static let accepted = FriendRequestStatus.accepted
    public static let declined = FriendRequestStatus.declined
    public static let cancelled = FriendRequestStatus.cancelled

    public init(id: String, fromId: String, toId: String, status: FriendRequestStatus, createdAt: Int, respondedAt: Int? = nil) {
        self.id = id
        self.fromId = fromId
        self.toId = toId
        self.status = status
        self.createdAt = createdAt
        self.respondedAt = respondedAt
    }
}
