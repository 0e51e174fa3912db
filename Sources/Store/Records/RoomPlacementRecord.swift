/// Which node runs a meeting's room, in a cluster (`room_placements`).
public struct RoomPlacementRecord: Codable, Sendable, Equatable {
    public var meetingId: String
    /// The `nodes.id` of the node that claimed it.
    public var nodeId: String
    /// Milliseconds since 1970, when the node claimed it.
    public var placedAt: Int

    public init(meetingId: String, nodeId: String, placedAt: Int) {
        self.meetingId = meetingId
        self.nodeId = nodeId
        self.placedAt = placedAt
    }
}
