import SFU

extension Room {
    /// A participant's publish offer; `tracks` maps each mid to its source.
    public func publish(_ id: String, sdp: String, tracks: [String: MediaSource]) async throws(RoomError) -> String {
        guard let p = participants[id], !p.waiting, let transportID = p.publishTransportID else { throw .notInRoom }
        let result: MediaNode.PublishResult
        do {
            result = try await media(of: p).publish(transportID: transportID, offer: sdp, sources: tracks)
        } catch let error as MediaError {
            throw RoomError("bad_request", error.message)
        } catch {
            throw RoomError("bad_request", "\(error)")
        }
        guard var current = participants[id] else { throw .notInRoom }
        for removed in result.removed {
            current.producers[removed] = nil
            producerOwners[removed] = nil
        }
        for added in result.added {
            // One track per source: a new camera replaces the old one.
            if let old = current.producerID(for: added.source) {
                current.producers[old] = nil
                producerOwners[old] = nil
            }
            current.producers[added.id] = (added.source, added.kind, false)
            producerOwners[added.id] = id
        }
        participants[id] = current
        producersAdded(result.added, by: current)
        if !result.added.isEmpty || !result.removed.isEmpty {
            broadcastUpdate(of: id)
            for other in present where other.id != id { await syncSubscriptions(of: other.id) }
        }
        return result.answer
    }

    /// The browser answered our subscribe offer; send the next if more changed meanwhile.
    public func subscribeAnswer(_ id: String, sdp: String) async throws(RoomError) {
        guard let p = participants[id], let transportID = p.subscribeTransportID else { throw .notInRoom }
        do {
            try await media(of: p).applySubscribeAnswer(transportID: transportID, answer: sdp)
        } catch let error as MediaError {
            participants[id]?.subscribeInFlight = false
            throw RoomError("bad_request", error.message)
        } catch {
            participants[id]?.subscribeInFlight = false
            throw RoomError("bad_request", "\(error)")
        }
        participants[id]?.subscribeInFlight = false
        if participants[id]?.subscribeDirty == true {
            participants[id]?.subscribeDirty = false
            await syncSubscriptions(of: id)
        }
    }

    /// The browser could not apply our last subscribe offer. Nothing is
    /// retried blindly (the same offer would fail again); the next change in
    /// the room sends a fresh one.
    public func subscribeFailed(_ id: String, message: String) {
        guard participants[id] != nil else { return }
        logger.warning("a browser refused a subscribe offer", metadata: ["participant": "\(id)", "reason": "\(message.prefix(200))"])
        participants[id]?.subscribeInFlight = false
        participants[id]?.subscribeDirty = false
    }

    /// Brings a participant's subscribe connection in line with the room:
    /// everyone else's producers. One offer at a time (Docs/signaling.md).
    func syncSubscriptions(of id: String, force: Bool = false) async {
        guard let p = participants[id], !p.waiting, let transportID = p.subscribeTransportID else { return }
        if p.subscribeInFlight {
            participants[id]?.subscribeDirty = true
            return
        }
        let wanted = present.filter { $0.id != id }.flatMap { other in other.producers.keys.sorted() }
        participants[id]?.subscribeInFlight = true
        var force = force
        if p.iceRestartPending {
            // Not while an offer was out: its answer carries the old credentials.
            participants[id]?.iceRestartPending = false
            await media(of: p).restartICE(transportID: transportID)
            force = true
        }
        let result: SubscribeOffer?
        do {
            result = try await media(of: p).subscribe(routerID: info.meetingId, transportID: transportID, producerIDs: wanted,
                                                      origins: origins(of: wanted, forSubscriberOn: p.site), force: force)
        } catch {
            participants[id]?.subscribeInFlight = false
            return
        }
        guard let result, participants[id] != nil else {
            participants[id]?.subscribeInFlight = false
            if participants[id]?.subscribeDirty == true {
                participants[id]?.subscribeDirty = false
                await syncSubscriptions(of: id)
            }
            return
        }
        let tracks = result.tracks.compactMap { t -> SubscribedTrackInfo? in
            guard let owner = producerOwners[t.producerID], let source = participants[owner]?.producers[t.producerID]?.source else { return nil }
            return SubscribedTrackInfo(mid: t.mid, producerId: t.producerID, participantId: owner, source: source.rawValue)
        }
        participants[id]?.offeredTracks = tracks
        participants[id]?.connection.deliver(.subscribeOffer(sdp: result.offer, tracks: tracks))
    }

    /// The participant muted or unmuted their own track.
    public func setMuted(_ id: String, source: MediaSource, muted: Bool) async throws(RoomError) {
        guard let p = participants[id], !p.waiting else { throw .notInRoom }
        guard let producerID = p.producerID(for: source) else {
            throw RoomError("not_found", "You are not sending \(source.rawValue).")
        }
        participants[id]?.producers[producerID]?.muted = muted
        await setPaused(producerID, of: p, paused: muted)
        broadcastUpdate(of: id)
    }

    /// The size of the tile on which a participant shows a video.
    public func preferLayers(_ id: String, producerID: String, width: Int, height: Int) async throws(RoomError) {
        guard let p = participants[id], let transportID = p.subscribeTransportID else { throw .notInRoom }
        guard producerOwners[producerID] != nil else { throw RoomError("not_found", "That video is not in this meeting.") }
        await media(of: p).setPreferredSize(transportID: transportID, producerID: producerID, width: width, height: height)
    }
}
