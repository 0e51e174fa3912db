/// An account. `username` is stored lowercased; it is unique case-insensitively.
public struct UserRecord: Codable, Sendable, Equatable {
    public var id: String
    public var username: String
    public var displayName: String
    public var passwordHash: String
    public var calendarToken: String?
    public var createdAt: Int
    public var updatedAt: Int

    public init(
        id: String, username: String, displayName: String, passwordHash: String, calendarToken: String? = nil,
        createdAt: Int, updatedAt: Int
    ) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.calendarToken = calendarToken
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
