import SFU

/// Rooms that span nodes (`MediaSites`): a participant's transports may be
/// on another node. The room stays here and decides; each media call goes
/// to the side that holds the transport or the producer, and the nodes pipe
/// tracks to each other on demand (`MediaNode+RemoteProducers`).
extension Room {
    /// The media operations for `p`'s transports: on their node.
    func media(of p: Participant) -> any RoomMedia { media(at: p.site) }

    /// The media operations on `site` (nil: this node).
    func media(at site: NodeReference?) -> any RoomMedia {
        guard let site, let sites else { return media }
        return sites.media(at: site)
    }

    /// A publish and a subscribe transport for a browser, on the node the
    /// cluster picks for them (this one when it has room); returns their
    /// ids and the other node, if one. A node that cannot make them (it died
    /// a moment ago, the network between the nodes failed) is passed over:
    /// this node takes the person rather than turn them away.
    func makeTransports(for p: Participant) async throws -> (publish: String, subscribe: String, site: NodeReference?) {
        if let site = await sites?.site(forJoinOf: info.meetingId, arrivedThrough: p.arrivedThrough) {
            do {
                let pair = try await media(at: site).createTransportPair(routerID: info.meetingId)
                remoteSites.insert(site)
                logger.info("participant's media attached to another node",
                            metadata: ["participant": "\(p.id)", "node": "\(site.name)"])
                return (pair.publish.id, pair.subscribe.id, site)
            } catch {
                logger.warning("another node could not take a participant's media; this node takes it",
                               metadata: ["participant": "\(p.id)", "node": "\(site.name)", "error": "\(error)"])
            }
        }
        let pair = try await media.createTransportPair(routerID: info.meetingId)
        return (pair.publish.id, pair.subscribe.id, nil)
    }

    /// Where each of `producerIDs` must be fetched from for a subscriber
    /// on `site` (nil: here): the node of its owner, when that is another.
    func origins(of producerIDs: [String], forSubscriberOn site: NodeReference?) -> [String: NodeReference] {
        guard let sites else { return [:] }
        var origins: [String: NodeReference] = [:]
        for id in producerIDs {
            guard let owner = producerOwners[id].flatMap({ participants[$0] }), owner.site != site else { continue }
            origins[id] = owner.site ?? sites.here
        }
        return origins
    }

    /// A remote participant published: this node learns where their
    /// tracks are, and takes their audio home at once (the room's speaker
    /// is detected here; phones here mix it).
    func producersAdded(_ added: [MediaNode.ProducerInfo], by p: Participant) {
        guard let site = p.site, !added.isEmpty else { return }
        media.noteRemoteProducers(Dictionary(added.map { ($0.id, site) }, uniquingKeysWith: { a, _ in a }),
                                  routerID: info.meetingId)
        let audio = added.filter { $0.kind == "audio" }.map(\.id)
        let media = media, routerID = info.meetingId
        if !audio.isEmpty { Task { await media.pipeIn(audio, routerID: routerID, from: site) } }
    }

    /// Pauses or resumes a producer where it is, and its copies here.
    func setPaused(_ producerID: String, of owner: Participant, paused: Bool) async {
        await media(of: owner).setPaused(producerID: producerID, routerID: info.meetingId, paused: paused)
        if owner.site != nil { await media.setPaused(producerID: producerID, routerID: info.meetingId, paused: paused) }
    }

    /// Another node no longer holds media for this room: it died or left
    /// the cluster (`reachable` false: its transports are gone, nothing is
    /// asked of it), or it drains (`reachable`: its transports here are
    /// closed there). Everyone whose media was there gets fresh transports
    /// (here or on a live node) and makes new peer connections, as after
    /// any lost media path.
    public func mediaSiteLost(_ nodeName: String, reachable: Bool = false) async {
        let affected = participants.values.filter { $0.site?.name == nodeName }.map(\.id)
        if !reachable { remoteSites = remoteSites.filter { $0.name != nodeName } }
        for id in affected {
            if !reachable {
                // Its transports died with the node; nobody can close them.
                participants[id]?.site = nil
                participants[id]?.publishTransportID = nil
                participants[id]?.subscribeTransportID = nil
            }
            await mediaLost(id, reason: reachable ? "node_draining" : "node_lost")
        }
    }
}
