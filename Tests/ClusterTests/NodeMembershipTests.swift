import Foundation
import Logging
import Store
import StoreTesting
import Synchronization
import Testing
@testable import Cluster

/// The membership against a real database, SQLite and PostgreSQL alike.
@Suite struct NodeMembershipTests {
    static func node(_ name: String) -> NodeDescription {
        NodeDescription(id: UUID().uuidString.lowercased(), name: name, httpURL: "http://\(name).test:8080",
                        mediaAddress: "127.0.0.2:40000", sipAddress: "127.0.0.2:5060", version: "test",
                        capacity: 250, pipeHost: "10.0.0.2")
    }

    final class Carried: Sendable {
        let load = Mutex(NodeLoad())
        let states = Mutex<[NodeState]>([])
    }

    static func membership(_ store: Store, _ name: String, carried: Carried) async -> NodeMembership {
        let m = NodeMembership(store: store, node: node(name), interval: .seconds(2), load: { carried.load.withLock { $0 } },
                               logger: TestDatabase.logger)
        await m.observeState { state in carried.states.withLock { $0.append(state) } }
        return m
    }

    @Test("a node registers, beats its load, and is listed alive", arguments: TestDatabase.engines)
    func registersAndBeats(engine: Database.Engine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let carried = Carried()
            let m = await Self.membership(store, "alpha", carried: carried)
            let t0 = Date()
            await m.beat(now: t0)
            #expect(await m.notReady(at: t0) == nil)
            carried.load.withLock { $0 = NodeLoad(packetsForwarded: 10_000, participants: 7, rooms: 2, calls: 3, recordings: 1) }
            await m.beat(now: t0.addingTimeInterval(2))
            let rows = try await store.nodes()
            #expect(rows.count == 1)
            let row = try #require(rows.first)
            #expect(row.name == "alpha" && row.state == .ready && row.participants == 7 && row.rooms == 2 && row.calls == 3
                    && row.recordings == 1 && row.sipAddress == "127.0.0.2:5060")
            #expect(row.packetsPerSecond == 5000, "10,000 packets in 2 s")
            #expect(row.capacity == 250 && row.pipeHost == "10.0.0.2", "what others judge it by and reach its pipes at")
            #expect(carried.states.withLock { $0 } == [.ready])
            let table = NodeTable.render(rows, now: t0.addingTimeInterval(3), interval: 2)
            #expect(table.contains("alpha") && table.contains("alive") && table.contains("alpha.test:8080"))
            #expect(table.contains("CAPACITY") && table.contains(" 250 "))
            let later = NodeTable.render(rows, now: t0.addingTimeInterval(60), interval: 2)
            #expect(later.contains("silent 58 s"))
        }
    }

    @Test("an operator cordons and uncordons a node; a drain holds whatever follows", arguments: TestDatabase.engines)
    func operatorStates(engine: Database.Engine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let carried = Carried()
            let m = await Self.membership(store, "beta", carried: carried)
            let other = await Self.membership(store, "gamma", carried: Carried())
            await m.beat()
            await other.beat()
            let now = Int(Date().timeIntervalSince1970 * 1000)
            #expect(try await store.setNodeState(.cordoned, named: "beta", aliveSince: now - 6000) == 1)
            await m.beat()
            #expect(await m.state == .cordoned)
            let cordonedReadiness = await m.notReady()
            #expect(cordonedReadiness == nil)
            #expect(await other.state == .ready, "only the named node")
            #expect(try await store.setNodeState(.ready, named: "beta", aliveSince: now - 6000) == 1)
            await m.beat()
            #expect(await m.state == .ready)
            #expect(try await store.setNodeState(.draining, named: "beta", aliveSince: now - 6000) == 1)
            await m.beat()
            #expect(await m.notReady() == .draining)
            // Uncordoning a draining node does not undo the drain.
            _ = try await store.setNodeState(.ready, named: "beta", aliveSince: now - 6000)
            await m.beat()
            #expect(await m.state == .draining)
            let row = try await store.nodes().first { $0.name == "beta" }
            #expect(row?.state == .draining)
            #expect(carried.states.withLock { $0 } == [.ready, .cordoned, .ready, .draining])
            // A name nobody has changes nothing.
            #expect(try await store.setNodeState(.cordoned, named: "nobody", aliveSince: 0) == 0)
        }
    }

    @Test("a drain by signal takes effect at once and reaches the row", arguments: TestDatabase.engines)
    func drainBySignal(engine: Database.Engine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let m = await Self.membership(store, "delta", carried: Carried())
            await m.beat()
            await m.drain()
            #expect(await m.notReady() == .draining)
            let row = try await store.nodes().first
            #expect(row?.state == .draining)
        }
    }

    @Test("a clean stop removes the row; a removed row registers again; dead rows are pruned", arguments: TestDatabase.engines)
    func rowsComeAndGo(engine: Database.Engine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let m = await Self.membership(store, "epsilon", carried: Carried())
            await m.beat()
            try await store.removeNode(id: m.node.id)
            await m.beat()
            #expect(try await store.nodes().map(\.id) == [m.node.id], "back after its row was removed")
            await m.leave()
            #expect(try await store.nodes().isEmpty)
            // A node restarted at the same address: its predecessor's row goes
            // at once (it was killed; the address is taken by the new one).
            let first = await Self.membership(store, "theta", carried: Carried())
            await first.beat()
            let restarted = await Self.membership(store, "theta", carried: Carried())
            await restarted.beat()
            #expect(try await store.nodes().map(\.id) == [restarted.node.id])
            await restarted.leave()
            // A node killed long ago: its row goes when a live node beats.
            let dead = NodeRecord(id: "dead", name: "zeta", httpUrl: "", mediaAddress: "", sipAddress: "", version: "old",
                                  startedAt: 0, heartbeatAt: 1000)
            try await store.registerNode(dead)
            let live = await Self.membership(store, "eta", carried: Carried())
            await live.beat()
            #expect(try await store.nodes().map(\.name) == ["eta"])
        }
    }
}
