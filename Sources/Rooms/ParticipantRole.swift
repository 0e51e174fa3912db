/// What a participant may do in a room.
public enum ParticipantRole: String, Sendable, Codable {
    /// The meeting's owner: every host control, naming co-hosts.
    case host
    /// Named by the host during the meeting: host controls except naming co-hosts.
    case cohost
    /// A signed-in person.
    case participant
    /// Someone who joined by link with only a name.
    case guest
    /// A caller through the SIP gateway.
    case phone
    /// The server's recorder: in the room to hear and see everything, shown
    /// to nobody (everyone sees the room's recording indicator instead).
    case recorder

    /// May mute, remove, lock, run the lobby and end the meeting.
    public var isModerator: Bool { self == .host || self == .cohost }
}
