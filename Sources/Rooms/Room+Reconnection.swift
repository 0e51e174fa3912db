import Foundation
import SFU

/// Staying in the meeting through a dropped connection.
///
/// A browser's signaling socket can go (Wi-Fi hand-over, a laptop lid, a
/// server restart) without the person meaning to leave. They then stay in
/// the room as *reconnecting* for `reconnectGrace`: their tile says so, their
/// role, hand and chat are kept, and only when the grace period ends are they
/// gone ("left", reason `connection_lost`). Coming back with their resume
/// token (`resume`) puts them in their place again. Phone callers and the
/// recorder live in process and never reconnect.
extension Room {
    /// The participant's signaling went away without a `leave`. `epoch` is
    /// the connection that ended: an older socket closing after a resume
    /// changes nothing.
    public func connectionLost(_ id: String, epoch: Int) {
        guard var p = participants[id], p.connectionEpoch == epoch, !p.reconnecting else { return }
        if p.waiting {
            // Nobody let them in yet: there is no place to keep.
            participants[id] = nil
            order.removeAll { $0 == id }
            broadcastLobby()
            return
        }
        p.reconnecting = true
        participants[id] = p
        logger.info("participant reconnecting", metadata: ["participant": "\(id)", "grace": "\(reconnectGrace)"])
        broadcastUpdate(of: id)
        let grace = reconnectGrace
        Task { [weak self] in
            try? await Task.sleep(for: grace)
            await self?.reconnectExpired(id, epoch: epoch)
        }
    }

    /// The grace period ended: if they did not come back, they are gone.
    func reconnectExpired(_ id: String, epoch: Int) async {
        guard let p = participants[id], p.connectionEpoch == epoch, p.reconnecting else { return }
        departedIDs.insert(id)
        await leave(id, reason: "connection_lost")
    }

    /// A participant's role now (a co-host named during the meeting stays one across a resume).
    public func role(of id: String) -> ParticipantRole? { participants[id]?.role }

    /// Whether `id` is in this room (reconnecting or not), so a resume can
    /// take their place rather than join anew.
    public func holds(_ id: String) -> Bool { participants[id] != nil }

    /// A participant comes back on a new connection. Returns the new
    /// connection's epoch (pass it to `connectionLost` when it ends).
    ///
    /// With `keepMedia` (the browser's peer connections are alive) and the
    /// room's transports still up, media carries on untouched; otherwise the
    /// old transports close and fresh ones wait for new peer connections
    /// (`resumed` says `mediaReset`), followed by a subscribe offer.
    public func resume(_ id: String, connection: any ParticipantConnection, keepMedia: Bool) async throws(RoomError) -> Int {
        guard lifecycle == .open, !ended else { throw ended ? .ended : .closed }
        guard var p = participants[id] else { throw .notInRoom }
        let old = p.connection
        p.connection = connection
        p.connectionEpoch += 1
        let wasReconnecting = p.reconnecting
        p.reconnecting = false
        participants[id] = p
        // The old socket may still be open (its end not yet noticed): it ends
        // quietly; its epoch is no longer the participant's.
        old.close()
        logger.info("participant resumed", metadata: ["participant": "\(id)", "keepMedia": "\(keepMedia)"])
        if p.waiting {
            connection.deliver(.lobbyWaiting)
            return p.connectionEpoch
        }
        let mediaAlive = p.publishTransportID != nil && p.subscribeTransportID != nil
        let reset = !(keepMedia && mediaAlive)
        if reset {
            try await replaceTransports(of: id)
        }
        guard let current = participants[id] else { throw .notInRoom }
        connection.deliver(.resumed(state(for: current), mediaReset: reset))
        if let speaker = activeSpeaker { connection.deliver(.activeSpeaker(participantId: speaker)) }
        if wasReconnecting || reset { broadcastUpdate(of: id) }
        // A subscribe offer may have been lost with the old socket: send the
        // current one (on fresh transports it is the first).
        participants[id]?.subscribeInFlight = false
        participants[id]?.subscribeDirty = false
        await syncSubscriptions(of: id, force: !reset)
        return current.connectionEpoch
    }

    /// A browser's media path died while its signaling lives: fresh
    /// transports, and the browser is told to make new peer connections.
    func mediaLost(_ id: String, reason: String) async {
        guard let p = participants[id], !p.waiting, case .webRTC = p.media else { return }
        logger.info("participant's media lost", metadata: ["participant": "\(id)", "reason": "\(reason)"])
        if p.reconnecting {
            // They are away: their media is rebuilt when they resume.
            await dropMedia(of: id)
            return
        }
        do {
            try await replaceTransports(of: id)
        } catch {
            p.connection.deliver(.removed(reason: "media_unavailable"))
            p.connection.close()
            await leave(id, reason: "connection_lost")
            return
        }
        participants[id]?.connection.deliver(.mediaReset)
        participants[id]?.subscribeInFlight = false
        participants[id]?.subscribeDirty = false
        await syncSubscriptions(of: id)
    }

    /// Closes a participant's transports; their producers leave the room.
    func dropMedia(of id: String) async {
        guard var p = participants[id] else { return }
        let hadProducers = !p.producers.isEmpty
        for producerID in p.producers.keys { producerOwners[producerID] = nil }
        p.producers = [:]
        p.offeredTracks = []
        let old = p
        p.publishTransportID = nil
        p.subscribeTransportID = nil
        participants[id] = p
        await closeTransports(of: old)
        if hadProducers {
            broadcastUpdate(of: id)
            for other in present where other.id != id { await syncSubscriptions(of: other.id) }
        }
    }

    /// Drops a participant's media and makes fresh WebRTC transports.
    func replaceTransports(of id: String) async throws(RoomError) {
        await dropMedia(of: id)
        guard let p = participants[id] else { throw .notInRoom }
        do {
            let (publish, subscribe, site) = try await makeTransports(for: p)
            guard participants[id] != nil else {
                let target = media(at: site)
                await target.closeTransport(publish)
                await target.closeTransport(subscribe)
                throw RoomError.notInRoom
            }
            participants[id]?.publishTransportID = publish
            participants[id]?.subscribeTransportID = subscribe
            participants[id]?.site = site
        } catch let error as RoomError {
            throw error
        } catch {
            throw RoomError("media_unavailable", "The media server could not take you back: \(error)")
        }
    }

    /// The browser asks for an ICE restart of its subscribe connection
    /// (RFC 8445 §9): Parley, the offerer there, sends an offer with fresh
    /// ICE credentials; the publish side restarts with the browser's offer.
    public func restartICE(_ id: String) async throws(RoomError) {
        guard let p = participants[id], !p.waiting, p.subscribeTransportID != nil else { throw .notInRoom }
        participants[id]?.iceRestartPending = true
        if p.subscribeInFlight {
            participants[id]?.subscribeDirty = true
            return
        }
        await syncSubscriptions(of: id)
    }
}
