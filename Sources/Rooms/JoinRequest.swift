/// Who wants to join, as the front door verified it (a signed join token,
/// a phone call's dial-in code).
public struct JoinRequest: Sendable {
    public var displayName: String
    public var userId: String?
    public var role: ParticipantRole
    /// Whether this person must wait in the lobby if the meeting has one
    /// (hosts never wait).
    public var lobbyApplies: Bool

    public init(displayName: String, userId: String?, role: ParticipantRole, lobbyApplies: Bool = true) {
        self.displayName = displayName
        self.userId = userId
        self.role = role
        self.lobbyApplies = lobbyApplies
    }
}
