extension Room {
    /// The host hands the host role to someone signed in who is present: they
    /// become the host and the former host a co-host (who usually leaves
    /// next: the client sends `leave` after this). Phone callers and guests
    /// cannot be made host (they cannot sign in to manage the meeting).
    public func transferHost(by id: String, to target: String) throws(RoomError) {
        guard let p = participants[id], !p.waiting else { throw .notInRoom }
        guard p.role == .host else { throw RoomError("forbidden", "Only the host can hand the host role to someone else.") }
        guard target != id, let t = participants[target], !t.waiting, t.role != .recorder else { throw .noSuchParticipant }
        guard t.userId != nil, t.role != .phone, t.role != .guest else {
            throw RoomError("bad_request", "Only someone signed in can become the host.")
        }
        participants[target]?.role = .host
        participants[id]?.role = .cohost
        logger.info("host role handed over", metadata: ["from": "\(id)", "to": "\(target)"])
        broadcastUpdate(of: target)
        broadcastUpdate(of: id)
        // The new host now runs the lobby: show them who waits.
        if !t.role.isModerator {
            participants[target]?.connection.deliver(.lobbyUpdated(lobbyEntries))
            showAttributes(to: target)
        }
    }
}
