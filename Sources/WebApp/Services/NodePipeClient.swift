import Crypto
import Foundation
import Rooms
import SFU

/// Brings producers of a meeting's room on another node into a transport's
/// loop here, running the three steps of a pipe (`MediaNode+NodePipes`)
/// over that node's `PipeController`. From then on each track crosses once,
/// whatever the number of subscribers here.
struct NodePipeClient: NodeProducerFetcher {
    let media: MediaNode
    let forwarder: NodeForwarder

    /// The pipe keys' secret, derived from the secret every node shares (the
    /// join-token key), never the same bytes.
    static func secret(from joinTokenKey: Data) -> [UInt8] {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: joinTokenKey), info: Data("parley pipes v1".utf8),
                               outputByteCount: 32).withUnsafeBytes { Array($0) }
    }

    /// Pipes `producerIDs` of `meetingID`'s room on `node` to the loop of
    /// `transportID`; returns those now here (the others closed meanwhile).
    func pipe(_ producerIDs: [String], of meetingID: String, from node: RoomLocation.RemoteNode,
              into transportID: String) async throws -> [String] {
        try await pipe(producerIDs, of: meetingID, from: node, to: try await media.pipeEndpoint(forTransport: transportID))
    }

    /// `NodeProducerFetcher`: the media plane asks for producers it lacks.
    func pipe(_ producerIDs: [String], routerID: String, from origin: NodeReference, to endpoint: NodePipeEndpoint) async throws -> [String] {
        try await pipe(producerIDs, of: routerID, from: RoomLocation.RemoteNode(origin), to: endpoint)
    }

    /// Pipes `producerIDs` of `meetingID`'s room on `node` to the loop of
    /// this node at `endpoint`; returns those now here.
    func pipe(_ producerIDs: [String], of meetingID: String, from node: RoomLocation.RemoteNode,
              to endpoint: NodePipeEndpoint) async throws -> [String] {
        let request = PipeController.PipeRequest(meetingId: meetingID, producerIds: producerIDs, peer: endpoint)
        let offers: [NodePipeOffer] = try await forwarder.postJSON(PipeController.offerPath, request, to: node)
        for offer in offers { try await media.acceptPipes(offer, routerID: meetingID, at: endpoint) }
        let offered = Set(offers.flatMap { $0.producers.map(\.id) })
        let answer: PipeController.StartAnswer = try await forwarder.postJSON(PipeController.startPath, request, to: node)
        await media.dropCopies(routerID: meetingID, producerIDs: answer.gone, at: endpoint)
        return producerIDs.filter { offered.contains($0) && !answer.gone.contains($0) }
    }
}
