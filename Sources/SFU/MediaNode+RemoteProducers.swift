/// Rooms that span nodes, as one node's media plane sees them: some of a
/// room's producers are owned by another node. A transport here that
/// subscribes to one of them (a browser, the recorder, a phone's mix) gets
/// it through a pipe from that node, made on demand by the fetcher the
/// executable installed; the room's home node also takes every audio
/// producer at once (`pipeIn`), where the room's speaker is detected.
extension MediaNode {
    /// Who owns which producers of rooms here that this node does not own.
    struct RemoteProducers {
        /// Router id → producer id → the node that owns it.
        var origins: [String: [String: NodeReference]] = [:]
        var fetcher: (any NodeProducerFetcher)?
    }

    /// Installs what brings producers from other nodes (nil: nothing is fetched).
    public func setNodeProducerFetcher(_ fetcher: (any NodeProducerFetcher)?) {
        remote.withLock { $0.fetcher = fetcher }
    }

    /// Notes which node owns each of these producers of `routerID`'s room.
    public func noteRemoteProducers(_ origins: [String: NodeReference], routerID: String) {
        guard !origins.isEmpty else { return }
        remote.withLock { $0.origins[routerID, default: [:]].merge(origins) { _, new in new } }
    }

    /// Pipes these producers of `origin` into the room's home loop here
    /// (placing the room on a loop if it has none yet): the home's speaker
    /// detection hears them, and local subscribers find them there.
    public func pipeIn(_ producerIDs: [String], routerID: String, from origin: NodeReference) async {
        guard !producerIDs.isEmpty else { return }
        noteRemoteProducers(Dictionary(producerIDs.map { ($0, origin) }, uniquingKeysWith: { a, _ in a }), routerID: routerID)
        let loads = self.loads
        let home = workers[placement.withLock { $0.home(for: routerID, loads: loads) }]
        let missing = (try? await home.run { e in producerIDs.filter { e.routers[routerID]?.producers[$0] == nil } }) ?? producerIDs
        await fetchRemote(missing, routerID: routerID, into: home)
    }

    /// Whether any room here has producers on another node (if not, a
    /// subscribe never looks for them: no hop).
    var hasRemoteProducers: Bool { remote.withLock { !$0.origins.isEmpty } }

    /// Fetches those of `producerIDs` another node owns into `destination`,
    /// one request series per owning node. A node that cannot be reached
    /// is logged; the subscribe goes on without its tracks.
    func fetchRemote(_ producerIDs: [String], routerID: String, into destination: MediaWorker) async {
        let (origins, fetcher) = remote.withLock { ($0.origins[routerID] ?? [:], $0.fetcher) }
        guard let fetcher else { return }
        var byOrigin: [NodeReference: [String]] = [:]
        for id in producerIDs { if let origin = origins[id] { byOrigin[origin, default: []].append(id) } }
        guard !byOrigin.isEmpty, let endpoint = try? await destination.run({ $0.pipeEndpoint }) else { return }
        for (origin, ids) in byOrigin {
            do {
                _ = try await fetcher.pipe(ids, routerID: routerID, from: origin, to: endpoint)
            } catch {
                logger.warning("producers of another node could not be piped here",
                               metadata: ["room": "\(routerID)", "node": "\(origin.name)", "error": "\(error)"])
            }
        }
    }
}
