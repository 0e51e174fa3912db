import SQLKit

extension Store {
    /// Adds this node's row at start. A row with the same HTTP address (not
    /// port 0) is this node's predecessor on that address, killed before it
    /// could remove itself: it goes, so its meetings are placed afresh at
    /// once instead of after its heartbeat has gone stale. Returns how many
    /// such rows were removed.
    @discardableResult
    public func registerNode(_ node: NodeRecord) async throws -> Int {
        try await database.transaction { db in
            var replaced = 0
            if !node.httpUrl.hasSuffix(":0") {
                struct Row: Decodable { var id: String }
                let ids = try await db.select().column("id").from("nodes").where("http_url", .equal, node.httpUrl)
                    .where("id", .notEqual, node.id).records(Row.self).map(\.id)
                if !ids.isEmpty {
                    try await db.delete(from: "nodes").where("id", .in, ids).run()
                    replaced = ids.count
                }
            }
            try await db.insert(into: "nodes").record(node).run()
            return replaced
        }
    }

    /// Writes the node's heartbeat and load and returns the state its row
    /// holds (an operator may have changed it); nil when the row is gone
    /// (removed by `parley node forget`, or pruned as dead).
    public func heartbeat(nodeId: String, at time: Int, cpuPermille: Int, packetsPerSecond: Int, participants: Int, rooms: Int,
                          calls: Int, recordings: Int) async throws -> NodeState? {
        try await database.transaction { db in
            try await db.update("nodes")
                .set("heartbeat_at", to: time).set("cpu_permille", to: cpuPermille).set("packets_per_second", to: packetsPerSecond)
                .set("participants", to: participants).set("rooms", to: rooms).set("calls", to: calls)
                .set("recordings", to: recordings)
                .where("id", .equal, nodeId).run()
            struct Row: Decodable { var state: NodeState }
            return try await db.select().column("state").from("nodes").where("id", .equal, nodeId).record(Row.self)?.state
        }
    }

    /// Every node row, by name then start time.
    public func nodes() async throws -> [NodeRecord] {
        try await database.read { db in
            try await db.select().column("*").from("nodes").orderBy("name").orderBy("started_at").records(NodeRecord.self)
        }
    }

    /// Sets the state of the nodes named `name` (or whose id is `name`)
    /// that beat after `aliveSince`; returns how many it changed.
    public func setNodeState(_ state: NodeState, named name: String, aliveSince: Int) async throws -> Int {
        try await database.transaction { db in
            struct Row: Decodable { var id: String }
            let ids = try await db.select().column("id").from("nodes")
                .where { $0.where("name", .equal, name).orWhere("id", .equal, name) }
                .where("heartbeat_at", .greaterThanOrEqual, aliveSince).records(Row.self).map(\.id)
            guard !ids.isEmpty else { return 0 }
            try await db.update("nodes").set("state", to: state).where("id", .in, ids).run()
            return ids.count
        }
    }

    /// Removes a node's row (it stopped cleanly).
    public func removeNode(id: String) async throws {
        try await database.transaction { db in
            try await db.delete(from: "nodes").where("id", .equal, id).run()
        }
    }

    /// Removes the rows of nodes that have not beaten since `before` (killed
    /// long ago): the table holds live nodes and recently dead ones only.
    @discardableResult
    public func pruneNodes(heartbeatBefore before: Int) async throws -> Int {
        try await database.transaction { db in
            struct Row: Decodable { var id: String }
            let ids = try await db.select().column("id").from("nodes").where("heartbeat_at", .lessThan, before).records(Row.self).map(\.id)
            guard !ids.isEmpty else { return 0 }
            try await db.delete(from: "nodes").where("id", .in, ids).run()
            return ids.count
        }
    }
}
