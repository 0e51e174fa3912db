import Rooms
import SFU

/// The media operations on another node, for a room here whose participant's
/// transports are there (`MediaSites`): each call is one signed request to
/// that node's `MediaSiteController`.
struct RemoteRoomMedia: RoomMedia {
    let node: NodeReference
    /// This node, the room's: the transports' events come back here.
    let home: NodeReference
    let forwarder: NodeForwarder

    private var remote: RoomLocation.RemoteNode { RoomLocation.RemoteNode(node) }

    /// Throws the other node's `MediaError` when its media plane refused
    /// (a bad offer), `NodeForwarder.CallError` when it could not be asked.
    @discardableResult
    private func call(_ call: MediaSiteCall) async throws -> MediaSiteCall.Answer {
        let answer: MediaSiteCall.Answer = try await forwarder.postJSON(MediaSiteController.callPath, call, to: remote)
        if let refused = answer.refused { throw refused }
        return answer
    }

    /// A call whose failure the room cannot act on (closing, pausing): logged by the far side if at all.
    private func tell(_ call: MediaSiteCall) async {
        _ = try? await self.call(call)
    }

    func createTransportPair(routerID: String) async throws -> (publish: MediaNode.TransportInfo, subscribe: MediaNode.TransportInfo) {
        let answer = try await call(.createTransportPair(routerId: routerID, home: home))
        guard let publish = answer.publishTransport, let subscribe = answer.subscribeTransport else {
            throw NodeForwarder.CallError.refused(status: 502, body: "no transports in the answer")
        }
        return (publish, subscribe)
    }

    func publish(transportID: String, offer: String, sources: [String: MediaSource]) async throws -> MediaNode.PublishResult {
        guard let result = try await call(.publish(transportId: transportID, offer: offer, sources: sources)).publish else {
            throw NodeForwarder.CallError.refused(status: 502, body: "no publish answer")
        }
        return result
    }

    func subscribe(routerID: String, transportID: String, producerIDs: [String], origins: [String: NodeReference],
                   force: Bool) async throws -> SubscribeOffer? {
        try await call(.subscribe(routerId: routerID, transportId: transportID, producerIds: producerIDs, origins: origins,
                                  force: force)).subscribe
    }

    func applySubscribeAnswer(transportID: String, answer: String) async throws {
        try await call(.subscribeAnswer(transportId: transportID, answer: answer))
    }

    func setPaused(producerID: String, routerID: String, paused: Bool) async {
        await tell(.setPaused(producerId: producerID, routerId: routerID, paused: paused))
    }

    func setPreferredSize(transportID: String, producerID: String, width: Int, height: Int) async {
        await tell(.preferredSize(transportId: transportID, producerId: producerID, width: width, height: height))
    }

    func restartICE(transportID: String) async { await tell(.restartICE(transportId: transportID)) }
    func closeTransport(_ id: String) async { await tell(.closeTransport(transportId: id)) }
    func closeRouter(_ id: String) async { await tell(.closeRouter(routerId: id)) }
}
