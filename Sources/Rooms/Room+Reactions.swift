import Foundation

extension Room {
    /// The emoji a reaction may carry. A fixed set: the room relays pictures
    /// everyone's client knows, never text of the sender's choosing.
    public static let reactionEmoji: [String] = ["👍", "👏", "😂", "❤️", "🎉", "😮", "🙏", "🤔"]
    /// At most this many reactions per participant within `reactionWindow`.
    public static let reactionBurst = 6
    /// The window of the reaction rate limit.
    public static let reactionWindow: Duration = .seconds(5)

    /// A participant reacts with one of `reactionEmoji`: everyone in the room
    /// (the sender included) gets `.reaction`, shown floating over the
    /// sender's tile. Nothing is kept for late joiners. More than
    /// `reactionBurst` reactions within `reactionWindow` are refused.
    public func react(_ id: String, emoji: String, now: ContinuousClock.Instant = .now) throws(RoomError) {
        guard let p = participants[id], !p.waiting else { throw .notInRoom }
        guard Self.reactionEmoji.contains(emoji) else {
            throw RoomError("bad_request", "That reaction is not available. Choose one of \(Self.reactionEmoji.joined(separator: " ")).")
        }
        let recent = p.recentReactions.filter { now - $0 < Self.reactionWindow }
        guard recent.count < Self.reactionBurst else {
            participants[id]?.recentReactions = recent
            throw RoomError("rate_limited", "Slow down: you can send \(Self.reactionBurst) reactions every few seconds.")
        }
        participants[id]?.recentReactions = recent + [now]
        broadcast(.reaction(participantId: id, emoji: emoji))
    }
}
