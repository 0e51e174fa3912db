import SFU

/// The media operations a room makes on a participant's transports and
/// tracks, wherever they are: this node's `MediaNode`, or another node's
/// through the cluster's control plane (a room that spans nodes, `MediaSites`).
public protocol RoomMedia: Sendable {
    /// A browser's publish and subscribe WebRTC transports (its two peer
    /// connections) in the room's router: one round trip where the media
    /// is another node's.
    func createTransportPair(routerID: String) async throws -> (publish: MediaNode.TransportInfo, subscribe: MediaNode.TransportInfo)
    /// Answers a browser's publish offer; `sources` maps each mid to what it carries.
    func publish(transportID: String, offer: String, sources: [String: MediaSource]) async throws -> MediaNode.PublishResult
    /// Makes a subscribe transport carry exactly these producers, fetching
    /// those of `origins` (producer id → the node that owns it) this side
    /// lacks; the offer to send, or nil when nothing changed (unless `force`).
    func subscribe(routerID: String, transportID: String, producerIDs: [String], origins: [String: NodeReference],
                   force: Bool) async throws -> SubscribeOffer?
    /// The browser's answer to the last subscribe offer.
    func applySubscribeAnswer(transportID: String, answer: String) async throws
    /// Stops (or resumes) forwarding a producer (and its copies on this side).
    func setPaused(producerID: String, routerID: String, paused: Bool) async
    /// The size at which a subscriber shows a video (0×0: not shown).
    func setPreferredSize(transportID: String, producerID: String, width: Int, height: Int) async
    /// New local ICE credentials for a transport (RFC 8445 §9).
    func restartICE(transportID: String) async
    func closeTransport(_ id: String) async
    /// Closes the room's router (every transport and copy in it) on this side.
    func closeRouter(_ id: String) async
}

/// A subscribe offer and the tracks it carries.
public struct SubscribeOffer: Sendable, Codable {
    public var offer: String
    public var tracks: [SubscribedTrack]

    public init(offer: String, tracks: [SubscribedTrack]) {
        self.offer = offer
        self.tracks = tracks
    }
}

extension MediaNode: RoomMedia {
    /// Publish then subscribe; the first is closed again if the second cannot be made.
    public func createTransportPair(routerID: String) async throws -> (publish: MediaNode.TransportInfo, subscribe: MediaNode.TransportInfo) {
        let publish = try await createTransport(routerID: routerID, publish: true)
        do {
            return (publish, try await createTransport(routerID: routerID, publish: false))
        } catch {
            await closeTransport(publish.id)
            throw error
        }
    }

    public func subscribe(routerID: String, transportID: String, producerIDs: [String], origins: [String: NodeReference],
                          force: Bool) async throws -> SubscribeOffer? {
        noteRemoteProducers(origins, routerID: routerID)
        return try await subscribe(transportID: transportID, producerIDs: producerIDs, force: force)
            .map { SubscribeOffer(offer: $0.offer, tracks: $0.tracks) }
    }
}
