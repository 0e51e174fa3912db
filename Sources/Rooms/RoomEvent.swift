/// Everything a room tells a participant (Docs/signaling.md, server → client).
public enum RoomEvent: Sendable, Equatable {
    case joined(JoinedState)
    case lobbyWaiting
    case lobbyDenied
    case lobbyUpdated([LobbyEntry])
    case subscribeOffer(sdp: String, tracks: [SubscribedTrackInfo])
    case participantJoined(ParticipantSummary)
    case participantUpdated(ParticipantSummary)
    case participantLeft(participantId: String, reason: String)
    case activeSpeaker(participantId: String?)
    case chat(ChatMessage)
    case roomUpdated(RoomInfo)
    case mutedByHost(source: String)
    case removed(reason: String)
    case ended
    /// Something a participant should know (a phone call they placed failed).
    case notice(String)
    /// Someone reacted with an emoji (`Room.reactionEmoji`), shown over their tile.
    case reaction(participantId: String, emoji: String)
}
