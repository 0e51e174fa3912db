import Foundation

/// A draining cluster node hands its meetings to other nodes through the
/// reconnection path: each meeting is placed on a live node first, its
/// callers are asked to call that node's gateway, then the room closes as
/// for a shutdown (no `room.ended`), so every page resumes (through the load
/// balancer, or the node that relays it) on the meeting's new node.
extension RoomRegistry {
    /// Hands every room over; returns how many moved. Rooms that no other
    /// node may take (none ready) stay, and the drain waits for them.
    public func handOverAll(callerGrace: Duration = .seconds(10)) async -> Int {
        var moved = 0
        for meetingID in Array(rooms.keys) where await handOver(meetingID, callerGrace: callerGrace) { moved += 1 }
        return moved
    }

    /// Hands one room over (see `handOverAll`); false when it stays.
    public func handOver(_ meetingID: String, callerGrace: Duration = .seconds(10)) async -> Bool {
        guard let room = rooms[meetingID], let locator else { return false }
        // This node is draining, so the placer re-places the meeting (the
        // registry's own `locate` would answer "here" for a live room).
        guard case .elsewhere(let node) = await locator.locate(meetingID) else { return false }
        let info = await room.info
        if let dialer, !node.sipAddress.isEmpty, await room.callerCount > 0 {
            let asked = await dialer.sendCallers(in: info, to: node)
            logger.info("callers asked to follow their meeting", metadata: ["meeting": "\(meetingID)", "callers": "\(asked)", "to": "\(node.name)"])
            // Their phones call the other node; each call here ends once its
            // new call is up. Whoever is left when the grace ends is cut off.
            let deadline = ContinuousClock.now + callerGrace
            while await room.callerCount > 0, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        logger.notice("meeting handed over to another node", metadata: ["meeting": "\(meetingID)", "to": "\(node.name)"])
        if rooms[meetingID] === room { rooms[meetingID] = nil }
        await room.closeForShutdown()
        return true
    }
}
