import Foundation
import Store
import StoreTesting
import Testing
@testable import Cluster

/// Two or three nodes' placers on one real database (SQLite and PostgreSQL
/// alike) agree where each meeting's room runs.
@Suite struct RoomPlacerTests {
    static func register(_ store: Store, _ name: String, participants: Int = 0, state: NodeState = .ready,
                         beatAt: Int = Timestamp.now) async throws -> NodeRecord {
        let row = NodeRecord(id: UUID().uuidString.lowercased(), name: name, httpUrl: "http://\(name):8080",
                             mediaAddress: "\(name):40000", sipAddress: "\(name):5060", version: "test", state: state,
                             startedAt: beatAt, heartbeatAt: beatAt, participants: participants)
        try await store.registerNode(row)
        return row
    }

    static func placer(_ store: Store, _ node: NodeRecord) -> RoomPlacer {
        RoomPlacer(store: store, nodeID: node.id, policy: RoomPlacementPolicy(capacity: 100, heartbeatSeconds: 2),
                   logger: TestDatabase.logger)
    }

    @Test("a meeting goes to the least loaded node and every node then sends it there", arguments: TestDatabase.engines)
    func everyNodeAgrees(engine: Database.Engine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let alpha = try await Self.register(store, "alpha", participants: 40)
            let beta = try await Self.register(store, "beta", participants: 5)
            let onAlpha = Self.placer(store, alpha), onBeta = Self.placer(store, beta)
            #expect(try await onAlpha.place("m1") == .node(beta), "alpha is busier")
            #expect(try await onBeta.place("m1") == .here)
            #expect(try await onAlpha.place("m1") == .node(beta), "the placement holds whatever the load now")
            #expect(try await store.roomPlacement(meetingId: "m1")?.nodeId == beta.id)
            // Nearly as idle: the node asked keeps it (no relay needed).
            let gamma = try await Self.register(store, "gamma", participants: 12)
            #expect(try await Self.placer(store, gamma).place("m2") == .here)
        }
    }

    @Test("a burst of new meetings spreads: each counts as five people on its node for the first minutes", arguments: TestDatabase.engines)
    func newRoomsCount(engine: Database.Engine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let alpha = try await Self.register(store, "alpha")
            let beta = try await Self.register(store, "beta")
            let onAlpha = Self.placer(store, alpha)
            var where_: [String: Int] = [:]
            for i in 0..<6 {
                switch try await onAlpha.place("burst-\(i)") {
                case .here: where_["alpha", default: 0] += 1
                case .node(let n): where_[n.name, default: 0] += 1
                case .nowhere: Issue.record("nowhere")
                }
            }
            // Alpha keeps rooms while within 0.1 (two rooms) of beta: 0,1,2 on
            // alpha, then beta, alpha, beta.
            #expect(where_ == ["alpha": 4, "beta": 2])
            _ = beta
        }
    }

    @Test("a dead or draining node's meetings move to a live node; a cordoned node keeps its own", arguments: TestDatabase.engines)
    func failover(engine: Database.Engine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let now = Timestamp.now
            let alpha = try await Self.register(store, "alpha")
            let beta = try await Self.register(store, "beta", participants: 50)
            let onAlpha = Self.placer(store, alpha), onBeta = Self.placer(store, beta)
            #expect(try await onAlpha.place("m") == .here)
            // Cordoned: its meeting stays; new ones go elsewhere.
            #expect(try await store.setNodeState(.cordoned, named: "alpha", aliveSince: 0) == 1)
            #expect(try await onBeta.place("m") != .here)
            #expect(try await onAlpha.place("other") == .node(try #require(try await store.nodes().first { $0.name == "beta" })))
            // Alpha goes silent (its heartbeat 10 s old): beta takes the meeting.
            _ = try await store.heartbeat(nodeId: alpha.id, at: now - 10_000, cpuPermille: 0, packetsPerSecond: 0,
                                          participants: 0, rooms: 0, calls: 0, recordings: 0)
            #expect(try await onBeta.place("m") == .here)
            #expect(try await store.roomPlacement(meetingId: "m")?.nodeId == beta.id)
            // Draining: likewise.
            let gamma = try await Self.register(store, "gamma")
            let onGamma = Self.placer(store, gamma)
            #expect(try await onGamma.place("g") == .here)
            _ = try await store.setNodeState(.draining, named: "gamma", aliveSince: 0)
            #expect(try await onBeta.place("g") == .here)
        }
    }

    @Test("the holder of a meeting is read without placing it: another live node, else nobody", arguments: TestDatabase.engines)
    func holder(engine: Database.Engine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let alpha = try await Self.register(store, "alpha")
            let beta = try await Self.register(store, "beta")
            let onAlpha = Self.placer(store, alpha), onBeta = Self.placer(store, beta)
            #expect(try await onAlpha.holder(of: "m") == nil)
            #expect(try await store.roomPlacement(meetingId: "m") == nil, "reading places nothing")
            #expect(try await onBeta.place("m") == .here)
            #expect(try await onAlpha.holder(of: "m")?.name == "beta")
            #expect(try await onBeta.holder(of: "m") == nil, "it runs here")
            _ = try await store.setNodeState(.draining, named: "beta", aliveSince: 0)
            #expect(try await onAlpha.holder(of: "m") == nil, "a draining node keeps no meetings")
        }
    }

    @Test("no ready node: nowhere; a node not yet registered decides alone", arguments: TestDatabase.engines)
    func nowhere(engine: Database.Engine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let alpha = try await Self.register(store, "alpha", state: .cordoned)
            #expect(try await Self.placer(store, alpha).place("m") == .nowhere)
            let unregistered = RoomPlacer(store: store, nodeID: "not-yet", policy: RoomPlacementPolicy(capacity: 100, heartbeatSeconds: 2),
                                          logger: TestDatabase.logger)
            #expect(try await unregistered.place("m") == .here)
        }
    }

    @Test("a room that closes releases its meeting; a node that stops releases all of its own, never another's", arguments: TestDatabase.engines)
    func release(engine: Database.Engine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let alpha = try await Self.register(store, "alpha")
            let beta = try await Self.register(store, "beta", participants: 90)
            let onAlpha = Self.placer(store, alpha), onBeta = Self.placer(store, beta)
            #expect(try await onAlpha.place("a1") == .here)
            #expect(try await onAlpha.place("a2") == .here)
            _ = try await store.claimRoomPlacement(meetingId: "b1", nodeId: beta.id, at: Timestamp.now)
            await onBeta.release("a1")
            #expect(try await store.roomPlacement(meetingId: "a1")?.nodeId == alpha.id, "beta cannot release alpha's")
            await onAlpha.release("a1")
            #expect(try await store.roomPlacement(meetingId: "a1") == nil)
            await onAlpha.releaseAll()
            #expect(try await store.roomPlacement(meetingId: "a2") == nil)
            #expect(try await store.roomPlacement(meetingId: "b1")?.nodeId == beta.id)
        }
    }

    @Test("two nodes replacing a dead holder at once: one wins, both see the winner", arguments: TestDatabase.engines)
    func claimRace(engine: Database.Engine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let t = Timestamp.now
            _ = try await store.claimRoomPlacement(meetingId: "m", nodeId: "dead", at: t)
            let first = try await store.claimRoomPlacement(meetingId: "m", nodeId: "alpha", at: t, replacing: "dead")
            let second = try await store.claimRoomPlacement(meetingId: "m", nodeId: "beta", at: t, replacing: "dead")
            #expect(first.nodeId == "alpha" && second.nodeId == "alpha")
            #expect(try await store.claimRoomPlacement(meetingId: "m", nodeId: "beta", at: t).nodeId == "alpha")
            // Released between the look and the claim: the claim takes it.
            try await store.releaseRoomPlacement(meetingId: "m", nodeId: "alpha")
            #expect(try await store.claimRoomPlacement(meetingId: "m", nodeId: "beta", at: t, replacing: "alpha").nodeId == "beta")
            #expect(try await store.recentRoomPlacements(since: t - 1) == ["beta": 1])
        }
    }

    @Test("a recording's files are asked of the live node serving its directory, a draining one included", arguments: TestDatabase.engines)
    func recordingsAreFoundWhereTheyAre(engine: Database.Engine) async throws {
        try await TestDatabase.withStore(engine) { store in
            func register(_ name: String, directory: String, state: NodeState = .ready, beatAt: Int = Timestamp.now) async throws -> NodeRecord {
                var row = NodeRecord(id: UUID().uuidString.lowercased(), name: name, httpUrl: "http://\(name):8080",
                                     mediaAddress: "\(name):40000", sipAddress: "", version: "test", state: state,
                                     startedAt: beatAt, heartbeatAt: beatAt)
                row.recordingStore = directory
                try await store.registerNode(row)
                return row
            }
            let alpha = try await register("alpha", directory: "dir-a")
            let beta = try await register("beta", directory: "dir-b", state: .draining)
            _ = try await register("gamma", directory: "dir-c", beatAt: Timestamp.now - 60_000)
            let onAlpha = Self.placer(store, alpha)
            #expect(try await onAlpha.node(servingRecordings: "dir-b")?.id == beta.id)
            #expect(try await store.nodes().first { $0.id == beta.id }?.recordingStore == "dir-b", "the column round-trips")
            #expect(try await onAlpha.node(servingRecordings: "dir-c") == nil, "a dead node serves nothing")
            #expect(try await onAlpha.node(servingRecordings: "dir-a") == nil, "its own directory is not elsewhere")
            #expect(try await onAlpha.node(servingRecordings: "") == nil)
        }
    }
}
