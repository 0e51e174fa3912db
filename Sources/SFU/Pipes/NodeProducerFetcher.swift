/// Brings producers of a room from another node into a loop of this one,
/// over the cluster's control plane (the three steps of
/// `MediaNode+NodePipes`). The media plane knows which node owns a producer
/// it lacks (`MediaNode.noteRemoteProducers`); the executable hands it the
/// fetcher that talks HTTP to that node.
public protocol NodeProducerFetcher: Sendable {
    /// Pipes `producerIDs` of `routerID`'s room on `origin` to the loop of
    /// this node at `endpoint`; returns those now here (the others closed).
    func pipe(_ producerIDs: [String], routerID: String, from origin: NodeReference,
              to endpoint: NodePipeEndpoint) async throws -> [String]
}
