import Store

extension RoomPlacementPolicy {
    /// Whether a room's node with this stress (its own live figures:
    /// `stress(participants:calls:cpuPermille:)`) attaches new people's
    /// media elsewhere. Decided without the database: under the threshold,
    /// which is the rule, nothing else is read.
    public func spills(homeStress: Double) -> Bool { homeStress >= spillStress }

    /// Where a new participant of a room on `home` (stress `homeStress`)
    /// should have their media: nil keeps it on the room's node, which is
    /// the rule while that stress is under `spillStress`. Past it, another
    /// ready node that is itself under `spillStress` and clearly less
    /// stressed (by `preferenceForThisNode`): the node the participant came
    /// in by (`arrivedThrough`, their front door, likely the closest) if it
    /// qualifies, else the least stressed, ties by name. Nil too when no node
    /// qualifies: the room's node takes them while the room has places.
    public func mediaSite(home: String, homeStress: Double, among nodes: [NodeRecord], recentRooms: [String: Int],
                          arrivedThrough: String?, now: Int) -> NodeRecord? {
        guard spills(homeStress: homeStress) else { return nil }
        let candidates = nodes.filter { $0.id != home && canStartRooms($0, now: now) }
            .map { (node: $0, stress: stress(of: $0, recentRooms: recentRooms[$0.id] ?? 0)) }
            .filter { $0.stress < spillStress && $0.stress + preferenceForThisNode <= homeStress }
        if let arrivedThrough, let near = candidates.first(where: { $0.node.name == arrivedThrough }) { return near.node }
        return candidates.min { ($0.stress, $0.node.name, $0.node.id) < ($1.stress, $1.node.name, $1.node.id) }?.node
    }
}
