/// Everything a room tells a participant (Docs/signaling.md, server → client).
public enum RoomEvent: Sendable, Equatable {
    case joined(JoinedState)
    /// A returning participant is back in their place (`Room.resume`). With
    /// `mediaReset` their old transports are gone and fresh ones wait: the
    /// client makes new peer connections and publishes again.
    case resumed(JoinedState, mediaReset: Bool)
    /// The participant's media path died while their signaling lived: fresh
    /// transports wait for new peer connections (a subscribe offer follows).
    case mediaReset
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
