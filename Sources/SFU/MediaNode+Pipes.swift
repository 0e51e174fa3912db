/// Rooms that span loops. A producer is piped from its own loop to another
/// loop of the room when a transport there subscribes to it, and every audio
/// producer is piped to the room's home loop at once, where the room's
/// active speaker is detected. Each step hops onto one loop; the packets
/// then flow without the node's help (`MediaEngine+Pipes.swift`).
extension MediaNode {
    /// Brings to `transportID`'s loop those of `producerIDs` its router
    /// lacks: from the room's other loops, then from other nodes.
    func pipeMissing(_ producerIDs: [String], into destination: MediaWorker, transportID: String) async throws {
        // While no room spans loops or nodes there is nothing to pipe: no hop at all.
        let spansLoops = workers.count > 1 && placement.withLock({ $0.loopsByRouter.values.contains { $0.count > 1 } })
        let spansNodes = hasRemoteProducers
        guard !producerIDs.isEmpty, spansLoops || spansNodes else { return }
        let (routerID, missing) = try await destination.run { e -> (String, [String]) in
            guard let router = e.transports[transportID]?.router ?? e.localTransports[transportID]?.router else {
                throw MediaError.unknownTransport
            }
            return (router.id, producerIDs.filter { router.producers[$0] == nil })
        }
        if spansLoops { await pipe(missing, routerID: routerID, into: destination) }
        if spansNodes { await fetchRemote(missing, routerID: routerID, into: destination) }
    }

    /// Pipes a new audio producer made on a loop other than its room's home
    /// to the home, so the home's speaker detection hears everyone.
    func pipeAudioHome(_ added: [ProducerInfo], routerID: String, from origin: MediaWorker) async {
        guard workers.count > 1, let home = homeWorker(ofRouter: routerID), home.index != origin.index else { return }
        let audio = added.filter { $0.kind == "audio" }.map(\.id)
        await pipe(audio, routerID: routerID, into: home)
    }

    /// Pipes `producerIDs` of a room into `destination` from whichever of
    /// the room's other loops owns each. In three steps, so that no packet
    /// reaches the far side before its copy is there: the owner describes
    /// the producers, the far side makes copies, then the owner starts the
    /// pipes (and asks for a keyframe for the new subscribers).
    func pipe(_ producerIDs: [String], routerID: String, into destination: MediaWorker) async {
        guard !producerIDs.isEmpty else { return }
        let isHome = homeWorker(ofRouter: routerID)?.index == destination.index
        var missing = producerIDs
        for origin in workers(ofRouter: routerID) where origin.index != destination.index && !missing.isEmpty {
            let wanted = missing
            let described = (try? await origin.run { e in e.describe(routerID: routerID, producerIDs: wanted) }) ?? []
            guard !described.isEmpty else { continue }
            let originEngine = origin.engine, destinationEngine = destination.engine
            let originIndex = origin.index, destinationIndex = destination.index
            _ = try? await destination.run { e in
                e.acceptPipes(described, routerID: routerID, fromLoop: originIndex, engine: originEngine, isHome: isHome)
            }
            let ids = described.map(\.id)
            let gone = (try? await origin.run { e in
                e.openPipes(routerID: routerID, producerIDs: ids, toLoop: destinationIndex, engine: destinationEngine)
            }) ?? ids
            if !gone.isEmpty {
                // Closed while the copies were made: drop them again.
                _ = try? await destination.run { e in e.dropCopies(routerID: routerID, producerIDs: gone) }
            }
            missing.removeAll { ids.contains($0) }
        }
    }
}
