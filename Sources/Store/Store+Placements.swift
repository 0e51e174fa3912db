import SQLKit

extension Store {
    /// Where a meeting's room runs, if some node claimed it.
    public func roomPlacement(meetingId: String) async throws -> RoomPlacementRecord? {
        try await database.read { db in
            try await db.select().column("*").from("room_placements").where("meeting_id", .equal, meetingId)
                .record(RoomPlacementRecord.self)
        }
    }

    /// Claims a meeting's room for `nodeId` and returns the placement that
    /// holds afterwards: ours, or the one another node claimed first. With
    /// `replacing`, the claim succeeds only while the row still names that
    /// node (it died or drained), so two nodes that both saw it dead cannot
    /// both take the meeting.
    public func claimRoomPlacement(meetingId: String, nodeId: String, at time: Int,
                                   replacing previous: String? = nil) async throws -> RoomPlacementRecord {
        try await database.transaction { db in
            if let previous {
                try await db.update("room_placements").set("node_id", to: nodeId).set("placed_at", to: time)
                    .where("meeting_id", .equal, meetingId).where("node_id", .equal, previous).run()
            }
            // A no-op when a row exists (ours now, or another node's); it
            // takes the meeting when there is none (never placed, or released
            // since we looked).
            try await db.insert(into: "room_placements")
                .record(RoomPlacementRecord(meetingId: meetingId, nodeId: nodeId, placedAt: time))
                .ignoringConflicts(with: ["meeting_id"]).run()
            let held = try await db.select().column("*").from("room_placements").where("meeting_id", .equal, meetingId)
                .record(RoomPlacementRecord.self)
            // Only a release in between could leave nothing: the claim stands.
            return held ?? RoomPlacementRecord(meetingId: meetingId, nodeId: nodeId, placedAt: time)
        }
    }

    /// The room closed on `nodeId`: the meeting is free to start anywhere.
    /// A row another node has claimed since is left alone.
    public func releaseRoomPlacement(meetingId: String, nodeId: String) async throws {
        try await database.transaction { db in
            try await db.delete(from: "room_placements").where("meeting_id", .equal, meetingId)
                .where("node_id", .equal, nodeId).run()
        }
    }

    /// Every placement a node holds is released (it stopped cleanly).
    public func releaseRoomPlacements(nodeId: String) async throws {
        try await database.transaction { db in
            try await db.delete(from: "room_placements").where("node_id", .equal, nodeId).run()
        }
    }

    /// Rooms placed since `time`, counted by node: rooms still filling up,
    /// which placement counts as extra load on their node.
    public func recentRoomPlacements(since time: Int) async throws -> [String: Int] {
        struct Row: Decodable { var nodeId: String }
        let rows = try await database.read { db in
            try await db.select().column("node_id").from("room_placements").where("placed_at", .greaterThanOrEqual, time)
                .records(Row.self)
        }
        return rows.reduce(into: [:]) { $0[$1.nodeId, default: 0] += 1 }
    }
}
