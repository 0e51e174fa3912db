/// Rooms that span nodes: a producer on this node piped to a loop of
/// another node where some of its subscribers are, or the reverse. The
/// cluster's control plane runs the three steps of a pipe between the two
/// nodes, as `MediaNode+Pipes.swift` runs them between loops:
///
/// 1. the subscribers' node names the loop that wants copies
///    (`pipeEndpoint(forTransport:)`);
/// 2. the producers' node describes them (`offerPipes`), the subscribers'
///    node makes the copies (`acceptPipes`);
/// 3. the producers' node starts sending (`startPipes`).
///
/// From then on packets cross once per track, whatever the number of
/// subscribers behind the pipe, with no further help from either node's
/// control plane; keyframe and retransmission requests go back the same way.
extension MediaNode {
    /// Lets this node pipe media with the nodes that hold the same secret
    /// (the cluster's shared secret: pipe keys derive from it, `NodePipeKeys`).
    public func enableNodePipes(secret: [UInt8]) async {
        for worker in workers { _ = try? await worker.run { $0.pipeSecret = secret } }
    }

    /// Where copies for the subscribers of `transportID` should arrive: its loop.
    public func pipeEndpoint(forTransport transportID: String) async throws -> NodePipeEndpoint {
        guard let worker = worker(forTransport: transportID) else { throw MediaError.unknownTransport }
        return try await worker.run { e in
            guard let endpoint = e.pipeEndpoint else { throw MediaError.negotiation("the media port is not bound") }
            return endpoint
        }
    }

    /// On the producers' node: describes those of `producerIDs` this node's
    /// loops own in the room, one offer per loop, and gets each loop's link
    /// to `peer` ready (so requests from the peer are taken at once).
    public func offerPipes(routerID: String, producerIDs: [String], to peer: NodePipeEndpoint) async throws -> [NodePipeOffer] {
        var offers: [NodePipeOffer] = []
        for worker in workers(ofRouter: routerID) {
            let offer = try await worker.run { e -> NodePipeOffer? in
                let described = e.describe(routerID: routerID, producerIDs: producerIDs)
                guard !described.isEmpty, let origin = e.pipeEndpoint else { return nil }
                _ = try e.nodeLink(to: peer)
                return NodePipeOffer(origin: origin, producers: described.map(RemoteProducer.init))
            }
            if let offer { offers.append(offer) }
        }
        return offers
    }

    /// On the subscribers' node: makes copies of the offered producers on
    /// the loop of `endpoint` (from `pipeEndpoint(forTransport:)`); its
    /// transports can then subscribe to them by id, like to any producer.
    public func acceptPipes(_ offer: NodePipeOffer, routerID: String, at endpoint: NodePipeEndpoint) async throws {
        guard let worker = try await worker(at: endpoint) else {
            throw MediaError.negotiation("no loop of this node is \(endpoint)")
        }
        let isHome = homeWorker(ofRouter: routerID)?.index == worker.index
        let described = offer.producers.map(\.piped)
        try await worker.run { e in
            try e.acceptNodePipes(described, routerID: routerID, from: offer.origin, isHome: isHome)
        }
    }

    /// On the producers' node, once the peer has its copies: starts piping
    /// to `peer`. Returns the ids no longer here (closed meanwhile): the
    /// peer drops those copies (`dropCopies(routerID:producerIDs:at:)`).
    public func startPipes(routerID: String, producerIDs: [String], to peer: NodePipeEndpoint) async throws -> [String] {
        var remaining = Set(producerIDs)
        for worker in workers(ofRouter: routerID) where !remaining.isEmpty {
            let wanted = Array(remaining)
            let gone = try await worker.run { e in
                try e.openNodePipes(routerID: routerID, producerIDs: wanted, to: peer)
            }
            remaining = remaining.intersection(gone)
        }
        return producerIDs.filter { remaining.contains($0) }
    }

    /// On the subscribers' node: drops copies whose producer closed before its pipe started.
    public func dropCopies(routerID: String, producerIDs: [String], at endpoint: NodePipeEndpoint) async {
        guard let worker = try? await worker(at: endpoint) else { return }
        _ = try? await worker.run { e in e.dropCopies(routerID: routerID, producerIDs: producerIDs) }
    }

    /// Forgets every link to `peer`'s address (that node died or left):
    /// copies it fed close with their consumers, pipes to it stop.
    public func dropPipes(toNodeAt host: String) async {
        for worker in workers {
            _ = try? await worker.run { e in
                for link in e.nodeLinks.values where link.peer.host == host { e.dropNodeLink(link) }
            }
        }
    }

    /// The loop whose endpoint is `endpoint`.
    private func worker(at endpoint: NodePipeEndpoint) async throws -> MediaWorker? {
        for worker in workers where try await worker.run({ $0.pipeEndpoint }) == endpoint { return worker }
        return nil
    }
}
