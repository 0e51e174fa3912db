import Store

/// Which node should run a meeting's room, decided from the node rows alone
/// (a pure value, tested without a database).
///
/// A node's *stress* is the larger of its CPU share between `cpuFloor` and
/// `cpuCeiling` (below the floor CPU says nothing: a start-up or a sign-in
/// burst is noise, not load) and
/// the people and calls it carries against `capacity`. Rooms placed in the
/// last `rampUpMilliseconds` count `newRoomWeight` people more, as Jicofo
/// pads a bridge for joins still arriving and Scalelite counts a new meeting
/// as several: otherwise a burst of new meetings would all land on the node
/// that looked idle at its last heartbeat. The least stressed node that is
/// ready and alive wins, unless this node is nearly as little stressed: it
/// then keeps the room and needs no relay.
public struct RoomPlacementPolicy: Sendable, Equatable {
    /// People and calls a node carries at full stress (`cluster.node_capacity`).
    public var capacity: Int
    /// A node whose heartbeat is older than this is gone (milliseconds).
    public var aliveWithinMilliseconds: Int
    /// The CPU share (of all the node's cores) that counts as full stress.
    public var cpuCeiling = 0.8
    /// The CPU share below which CPU adds no stress.
    public var cpuFloor = 0.3
    /// How many people a room placed in the ramp-up window counts as.
    public var newRoomWeight = 5
    public var rampUpMilliseconds = 120_000

    public init(capacity: Int, aliveWithinMilliseconds: Int) {
        self.capacity = max(1, capacity)
        self.aliveWithinMilliseconds = aliveWithinMilliseconds
    }

    /// Three missed heartbeats and a second of slack.
    public init(capacity: Int, heartbeatSeconds: Int) {
        self.init(capacity: capacity, aliveWithinMilliseconds: (3 * heartbeatSeconds + 1) * 1000)
    }

    public func isAlive(_ node: NodeRecord, now: Int) -> Bool {
        now - node.heartbeatAt <= aliveWithinMilliseconds
    }

    /// May start a room: alive and ready (not cordoned, not draining).
    public func canStartRooms(_ node: NodeRecord, now: Int) -> Bool {
        node.state == .ready && isAlive(node, now: now)
    }

    /// Keeps the rooms placed on it: alive and not draining (a cordoned node
    /// carries on with the meetings it has).
    public func keepsRooms(_ node: NodeRecord, now: Int) -> Bool {
        node.state != .draining && isAlive(node, now: now)
    }

    /// The node's stress, 1 at full load, against the capacity it states
    /// (nodes of a cluster need not be the same size), or this node's own
    /// for a row that states none.
    public func stress(of node: NodeRecord, recentRooms: Int) -> Double {
        stress(participants: node.participants, calls: node.calls, cpuPermille: node.cpuPermille, recentRooms: recentRooms,
               capacity: node.capacity > 0 ? node.capacity : capacity)
    }

    /// The same from the figures themselves (this node's own, live).
    public func stress(participants: Int, calls: Int, cpuPermille: Int, recentRooms: Int = 0, capacity: Int? = nil) -> Double {
        let cpu = max(0, Double(cpuPermille) / 1000 - cpuFloor) / (cpuCeiling - cpuFloor)
        let people = Double(participants + calls + recentRooms * newRoomWeight) / Double(max(1, capacity ?? self.capacity))
        return max(cpu, people)
    }

    /// How much more stressed than the least stressed node this node may be
    /// and still take a new room itself (no relay then): a few percent of
    /// CPU noise must not send a meeting away from the node its first person
    /// came through.
    public var preferenceForThisNode = 0.1

    /// From this stress on, a room's node attaches new participants' media
    /// to a less stressed node (`mediaSite`): the room spans nodes.
    public var spillStress = 0.9

    /// The node for a new room: the least stressed of those that may start
    /// rooms (`recentRooms`: rooms placed on each node id in the ramp-up
    /// window), unless `preferred` (this node) may start rooms and is within
    /// `preferenceForThisNode` of it; ties go by name. Nil when no node may
    /// start a room.
    public func choose(among nodes: [NodeRecord], recentRooms: [String: Int], preferring preferred: String,
                       now: Int) -> NodeRecord? {
        let candidates = nodes.filter { canStartRooms($0, now: now) }
            .map { (node: $0, stress: stress(of: $0, recentRooms: recentRooms[$0.id] ?? 0)) }
        guard let least = candidates.min(by: { ($0.stress, $0.node.name, $0.node.id) < ($1.stress, $1.node.name, $1.node.id) })
        else { return nil }
        if let this = candidates.first(where: { $0.node.id == preferred }),
           this.stress <= least.stress + preferenceForThisNode + 1e-9 {
            return this.node
        }
        return least.node
    }
}
