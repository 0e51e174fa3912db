/// Who wants to join, as the front door verified it (a signed join token,
/// a phone call's dial-in code).
public struct JoinRequest: Sendable {
    public var displayName: String
    public var userId: String?
    public var role: ParticipantRole
    /// Whether this person must wait in the lobby if the meeting has one
    /// (hosts never wait).
    public var lobbyApplies: Bool
    /// How the participant's media reaches the room.
    public var media: JoinMedia

    public init(displayName: String, userId: String?, role: ParticipantRole, lobbyApplies: Bool = true, media: JoinMedia = .webRTC) {
        self.displayName = displayName
        self.userId = userId
        self.role = role
        self.lobbyApplies = lobbyApplies
        self.media = media
    }
}

/// How a participant's media reaches the room.
public enum JoinMedia: Sendable, Equatable {
    /// A browser: the room makes a publish and a subscribe WebRTC transport.
    case webRTC
    /// In process (a phone call, the recorder): the caller made this local
    /// transport in the room's router and consumes what it needs itself.
    case local(transportID: String)
}
