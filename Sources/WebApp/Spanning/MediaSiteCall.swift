import Rooms
import SFU

/// One media operation the node running a meeting's room asks of the node
/// that holds a participant's transports (`RemoteRoomMedia` sends it,
/// `MediaSiteController` performs it): the `RoomMedia` calls, on the wire.
enum MediaSiteCall: Codable, Sendable {
    /// A browser's publish and subscribe transports; `home` is the room's
    /// node: their events go there.
    case createTransportPair(routerId: String, home: NodeReference)
    case publish(transportId: String, offer: String, sources: [String: MediaSource])
    case subscribe(routerId: String, transportId: String, producerIds: [String], origins: [String: NodeReference], force: Bool)
    case subscribeAnswer(transportId: String, answer: String)
    case setPaused(producerId: String, routerId: String, paused: Bool)
    case preferredSize(transportId: String, producerId: String, width: Int, height: Int)
    case restartICE(transportId: String)
    case closeTransport(transportId: String)
    case closeRouter(routerId: String)

    /// What a call answers (the field of its kind; none for the others),
    /// or why the media plane there refused it (the same `MediaError` a
    /// local call would throw: a person sees the same message).
    struct Answer: Codable, Sendable {
        /// `createTransportPair`'s two transports.
        var publishTransport: MediaNode.TransportInfo?
        var subscribeTransport: MediaNode.TransportInfo?
        var publish: MediaNode.PublishResult?
        var subscribe: SubscribeOffer?
        var refused: MediaError?
    }
}
