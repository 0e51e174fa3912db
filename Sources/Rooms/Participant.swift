import SFU

/// A participant's live state inside a room (owned by the `Room` actor).
struct Participant {
    let id: String
    var displayName: String
    var role: ParticipantRole
    let userId: String?
    /// How the room reaches them; a resume puts the new socket's here.
    var connection: any ParticipantConnection
    let media: JoinMedia
    /// The node whose front door they came in by, if another (`JoinRequest.arrivedThrough`).
    var arrivedThrough: String? = nil
    /// The other node their transports are on (a room that spans nodes);
    /// nil: this one.
    var site: NodeReference?
    /// Shown to hosts and co-hosts only (`JoinRequest.attributes`).
    var attributes: [String: String] = [:]
    /// Counts the participant's connections: a resume starts a new one, so
    /// the end of an older socket (or its grace timer) is told apart.
    var connectionEpoch = 0
    /// Their signaling went away without a leave: they keep their place
    /// until the grace period ends (`Room+Reconnection`).
    var reconnecting = false
    var handRaised = false
    /// In the lobby, not yet admitted: no media, sees nothing of the room.
    var waiting = false
    /// When this participant's latest reactions were sent (the rate limit).
    var recentReactions: [ContinuousClock.Instant] = []

    var publishTransportID: String?
    var subscribeTransportID: String?
    /// Producer id → what it is.
    var producers: [String: (source: MediaSource, kind: String, muted: Bool)] = [:]
    /// A subscribe offer is out and not yet answered: the next waits (no glare).
    var subscribeInFlight = false
    /// The wanted subscriptions changed while an offer was out.
    var subscribeDirty = false
    /// The browser asked for an ICE restart while an offer was out: the next offer restarts.
    var iceRestartPending = false
    /// The tracks of the last offer: mid → producer id.
    var offeredTracks: [SubscribedTrackInfo] = []

    func producerID(for source: MediaSource) -> String? {
        producers.first { $0.value.source == source }?.key
    }

    /// What `viewer` is told about this participant: attributes only for
    /// hosts and co-hosts.
    func summary(for viewer: Participant) -> ParticipantSummary {
        var s = summary
        if viewer.role.isModerator, !attributes.isEmpty { s.attributes = attributes }
        return s
    }

    var summary: ParticipantSummary {
        let mic = producers.values.first { $0.source == .microphone }
        let camera = producers.values.first { $0.source == .camera }
        return ParticipantSummary(
            id: id, displayName: displayName, role: role, userId: userId,
            audioMuted: mic.map(\.muted) ?? true,
            videoMuted: camera.map(\.muted) ?? true,
            handRaised: handRaised,
            reconnecting: reconnecting,
            screenSharing: producers.values.contains { $0.source == .screen && !$0.muted },
            producers: producers.map { ProducerSummary(id: $0.key, source: $0.value.source.rawValue, kind: $0.value.kind, muted: $0.value.muted) }
                .sorted { $0.source < $1.source })
    }
}
