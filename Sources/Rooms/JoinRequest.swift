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
    /// The participant's id, when the front door chose it (a browser's
    /// signaling session names it first, so its resume token can carry it);
    /// nil: the room makes one.
    public var participantID: String?
    /// The person was in this meeting a moment ago and is coming back (their
    /// resume found no room or no place: the server restarted, or the grace
    /// period ran out): the lock and the lobby do not apply to them again.
    public var returning: Bool
    /// Facts about the person that hosts and co-hosts see and others do not
    /// (a caller's number, headers the trunk sent), by label.
    public var attributes: [String: String]
    /// The node of the cluster whose front door the person came in by, when
    /// it relayed them here: their media may be better served there.
    public var arrivedThrough: String?

    public init(displayName: String, userId: String?, role: ParticipantRole, lobbyApplies: Bool = true, media: JoinMedia = .webRTC,
                participantID: String? = nil, returning: Bool = false, attributes: [String: String] = [:],
                arrivedThrough: String? = nil) {
        self.arrivedThrough = arrivedThrough
        self.attributes = attributes
        self.displayName = displayName
        self.userId = userId
        self.role = role
        self.lobbyApplies = lobbyApplies
        self.media = media
        self.participantID = participantID
        self.returning = returning
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
