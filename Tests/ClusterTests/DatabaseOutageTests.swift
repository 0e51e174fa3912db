import Foundation
import Logging
import NIOPosix
import Store
import StoreTesting
import Testing
@testable import Cluster

/// PostgreSQL goes away under a node and comes back: the node says it is
/// not ready while it is gone and ready again after, by itself, with its
/// one row intact.
@Suite(.serialized, .enabled(if: ThrowawayPostgres.required)) struct DatabaseOutageTests {
    @Test("a node loses PostgreSQL: not ready while it is away, ready again when it is back, one row throughout")
    func outage() async throws {
        let postgres = try await ThrowawayPostgres(port: ThrowawayPostgres.freePort())
        let database = try await Database.open(url: postgres.url, sqlitePath: "", logger: TestDatabase.logger,
                                               eventLoopGroup: MultiThreadedEventLoopGroup.singleton, threadPool: .singleton)
        let store = Store(database: database)
        let node = NodeDescription(id: UUID().uuidString.lowercased(), name: "outage", httpURL: "http://127.0.0.2:8080",
                                   mediaAddress: "127.0.0.2:40000", sipAddress: "", version: "test")
        let membership = NodeMembership(store: store, node: node, interval: .seconds(1), load: { NodeLoad(participants: 4) },
                                        logger: TestDatabase.logger)
        await membership.beat()
        #expect(await membership.notReady() == nil)

        try await postgres.stop()
        let cut = ContinuousClock.now
        await membership.beat()
        #expect(await membership.notReady() == .databaseUnreachable)
        #expect(ContinuousClock.now - cut < .seconds(15), "a heartbeat must not hang while the database is away")

        try await postgres.start()
        var back = false
        for _ in 0..<20 where !back {
            await membership.beat()
            back = await membership.notReady() == nil
            if !back { try await Task.sleep(for: .milliseconds(250)) }
        }
        #expect(back, "the node did not become ready again once PostgreSQL was back")
        let rows = try await store.nodes()
        #expect(rows.map(\.id) == [node.id] && rows.first?.participants == 4)
        await database.close()
        await postgres.remove()
    }
}
