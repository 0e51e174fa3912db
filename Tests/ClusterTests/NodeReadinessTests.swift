import Foundation
import Store
import Testing
@testable import Cluster

@Suite struct NodeReadinessTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("starting, ready, database away, back: readiness follows the heartbeats")
    func heartbeats() {
        var r = NodeReadiness(tolerance: 6)
        #expect(r.notReady(at: t0) == .starting)
        r.heartbeatSucceeded(at: t0, state: .ready)
        #expect(r.notReady(at: t0.addingTimeInterval(5)) == nil)
        // No heartbeat got through for longer than the tolerance (the beats hang).
        #expect(r.notReady(at: t0.addingTimeInterval(7)) == .databaseUnreachable)
        r.heartbeatFailed()
        #expect(r.notReady(at: t0.addingTimeInterval(1)) == .databaseUnreachable)
        r.heartbeatSucceeded(at: t0.addingTimeInterval(20), state: .ready)
        #expect(r.notReady(at: t0.addingTimeInterval(21)) == nil)
    }

    @Test("cordoned is ready and starts no rooms; draining is neither, and stays so")
    func states() {
        var r = NodeReadiness(tolerance: 6)
        r.heartbeatSucceeded(at: t0, state: .cordoned)
        #expect(r.notReady(at: t0) == nil && !r.takesNewRooms)
        r.heartbeatSucceeded(at: t0, state: .ready)
        #expect(r.takesNewRooms)
        r.drain()
        #expect(r.notReady(at: t0) == .draining && !r.takesNewRooms)
        // A draining node that also lost the database says draining: that is what decides.
        r.heartbeatFailed()
        #expect(r.notReady(at: t0) == .draining)
    }
}
