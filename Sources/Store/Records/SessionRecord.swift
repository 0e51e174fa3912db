/// A signed-in browser. Only the SHA-256 of the cookie's token is stored, so a
/// leaked database does not hand out live sessions.
public struct SessionRecord: Codable, Sendable, Equatable {
    public var tokenHash: String
    public var userId: String
    public var createdAt: Int
    public var expiresAt: Int

    public init(tokenHash: String, userId: String, createdAt: Int, expiresAt: Int) {
        self.tokenHash = tokenHash
        self.userId = userId
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
