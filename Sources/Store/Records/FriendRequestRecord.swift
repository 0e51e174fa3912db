/// A friend request and what became of it.
public struct FriendRequestRecord: Codable, Sendable, Equatable {
    public var id: String
    public var fromId: String
    public var toId: String
    public var status: String
    public var createdAt: Int
    public var respondedAt: Int?

    public static let pending = "pending"
    public static let accepted = "accepted"
    public static let declined = "declined"
    public static let cancelled = "cancelled"

    public init(id: String, fromId: String, toId: String, status: String, createdAt: Int, respondedAt: Int? = nil) {
        self.id = id
        self.fromId = fromId
        self.toId = toId
        self.status = status
        self.createdAt = createdAt
        self.respondedAt = respondedAt
    }
}
