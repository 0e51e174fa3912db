/// Something a user is told about. `data` is a JSON object whose shape depends
/// on `kind`. `dedupeKey`, when set, is unique, so work that may run twice
/// (a reminder scan after a restart) notifies once.
public struct NotificationRecord: Codable, Sendable, Equatable {
    public var id: String
    public var userId: String
    public var kind: String
    public var data: String
    public var dedupeKey: String?
    public var createdAt: Int
    public var readAt: Int?

    public init(
        id: String, userId: String, kind: String, data: String, dedupeKey: String? = nil, createdAt: Int,
        readAt: Int? = nil
    ) {
        self.id = id
        self.userId = userId
        self.kind = kind
        self.data = data
        self.dedupeKey = dedupeKey
        self.createdAt = createdAt
        self.readAt = readAt
    }
}
