import Store

/// How other people see a user: never the password hash or feed token.
struct UserSummary: Codable, Sendable, Equatable {
    var id: String
    var username: String
    var displayName: String

    init(_ user: UserRecord) {
        self.id = user.id
        self.username = user.username
        self.displayName = user.displayName
    }
}

/// The signed-in user's own account.
struct UserResponse: Encodable {
    var id: String
    var username: String
    var displayName: String
    var createdAt: String

    init(_ user: UserRecord) {
        self.id = user.id
        self.username = user.username
        self.displayName = user.displayName
        self.createdAt = Instant.string(user.createdAt)
    }
}
