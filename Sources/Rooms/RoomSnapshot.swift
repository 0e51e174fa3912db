import Foundation

/// The room as the protocol's `room` object shows it.
public struct RoomInfo: Sendable, Codable, Equatable {
    public var meetingId: String
    public var code: String
    public var title: String
    public var locked: Bool
    public var lobbyEnabled: Bool
    /// The meeting is being recorded: every client shows an indicator, and
    /// phone callers hear a notice.
    public var recording: Bool

    public init(meetingId: String, code: String, title: String, locked: Bool, lobbyEnabled: Bool, recording: Bool = false) {
        self.recording = recording
        self.meetingId = meetingId
        self.code = code
        self.title = title
        self.locked = locked
        self.lobbyEnabled = lobbyEnabled
    }
}

/// One published track of a participant.
public struct ProducerSummary: Sendable, Codable, Equatable {
    public var id: String
    public var source: String
    public var kind: String
    public var muted: Bool
}

/// A participant as everyone else sees them.
public struct ParticipantSummary: Sendable, Codable, Equatable {
    public var id: String
    public var displayName: String
    public var role: ParticipantRole
    public var userId: String?
    public var audioMuted: Bool
    public var videoMuted: Bool
    public var handRaised: Bool
    /// Their connection dropped; they are kept in the meeting while it comes back.
    public var reconnecting: Bool
    public var screenSharing: Bool
    public var producers: [ProducerSummary]
    /// Hosts and co-hosts only: facts about the person by label (a caller's
    /// number, chosen SIP headers); absent for everyone else.
    public var attributes: [String: String]? = nil
}

/// A chat message, kept for the room's lifetime.
public struct ChatMessage: Sendable, Codable, Equatable {
    public var id: String
    public var participantId: String
    public var displayName: String
    public var text: String
    /// ISO 8601, UTC.
    public var sentAt: String
}

/// Someone waiting in the lobby.
public struct LobbyEntry: Sendable, Codable, Equatable {
    public var participantId: String
    public var displayName: String

    public init(participantId: String, displayName: String) {
        self.participantId = participantId
        self.displayName = displayName
    }
}

/// A track in a subscribe offer: whose it is.
public struct SubscribedTrackInfo: Sendable, Codable, Equatable {
    public var mid: String
    public var producerId: String
    public var participantId: String
    public var source: String
}

/// What `joined` (and `resumed`) carries.
public struct JoinedState: Sendable, Equatable {
    public var participantId: String
    /// Whether the participant's hand is up (kept across a resume).
    public var handRaised = false
    public var role: ParticipantRole
    public var room: RoomInfo
    public var participants: [ParticipantSummary]
    public var chat: [ChatMessage]
    public var lobby: [LobbyEntry]
}
