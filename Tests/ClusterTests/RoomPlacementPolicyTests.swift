import Store
import Testing
@testable import Cluster

/// Which node a new room goes to, from the node rows alone.
@Suite struct RoomPlacementPolicyTests {
    static let now = 1_000_000_000

    static func node(_ name: String, state: NodeState = .ready, beatAgo: Int = 0, cpu: Int = 0,
                     participants: Int = 0, calls: Int = 0, capacity: Int = 0) -> NodeRecord {
        NodeRecord(id: "id-\(name)", name: name, httpUrl: "http://\(name):8080", mediaAddress: "", sipAddress: "",
                   version: "test", state: state, startedAt: 0, heartbeatAt: now - beatAgo, cpuPermille: cpu,
                   participants: participants, calls: calls, capacity: capacity)
    }

    let policy = RoomPlacementPolicy(capacity: 100, heartbeatSeconds: 2)

    @Test("three missed heartbeats and a second of slack and a node is gone")
    func aliveWindow() {
        #expect(policy.aliveWithinMilliseconds == 7000)
        #expect(policy.isAlive(Self.node("a", beatAgo: 7000), now: Self.now))
        #expect(!policy.isAlive(Self.node("a", beatAgo: 7001), now: Self.now))
    }

    @Test("only ready, alive nodes start rooms; a cordoned node keeps its own, a draining one does not")
    func states() {
        let n = Self.now
        #expect(policy.canStartRooms(Self.node("a"), now: n))
        #expect(!policy.canStartRooms(Self.node("a", state: .cordoned), now: n))
        #expect(policy.keepsRooms(Self.node("a", state: .cordoned), now: n))
        #expect(!policy.keepsRooms(Self.node("a", state: .draining), now: n))
        #expect(!policy.keepsRooms(Self.node("a", beatAgo: 60_000), now: n))
    }

    @Test("stress is the larger of CPU between 30 and 80 % and people and calls against the capacity; new rooms count five people")
    func stress() {
        #expect(policy.stress(of: Self.node("a", participants: 30, calls: 20), recentRooms: 0) == 0.5)
        #expect(abs(policy.stress(of: Self.node("a", cpu: 550, participants: 10), recentRooms: 0) - 0.5) < 1e-9)
        #expect(policy.stress(of: Self.node("a", cpu: 250, participants: 10), recentRooms: 0) == 0.1, "CPU under 30 % is noise")
        #expect(policy.stress(of: Self.node("a", cpu: 900), recentRooms: 0) > 1)
        #expect(policy.stress(of: Self.node("a", participants: 10), recentRooms: 2) == 0.2)
    }

    @Test("each node is judged against the capacity it states; a row that states none, against the reader's")
    func perNodeCapacity() {
        // This node's capacity is 100; beta says 400, gamma says nothing.
        #expect(policy.stress(of: Self.node("beta", participants: 200, capacity: 400), recentRooms: 0) == 0.5)
        #expect(policy.stress(of: Self.node("gamma", participants: 50), recentRooms: 0) == 0.5)
        #expect(policy.stress(of: Self.node("small", participants: 15, capacity: 20), recentRooms: 1) == 1)
        // The bigger node holding more people is the less stressed.
        let chosen = policy.choose(among: [Self.node("big", participants: 150, capacity: 400), Self.node("small", participants: 15, capacity: 20)],
                                   recentRooms: [:], preferring: "", now: Self.now)
        #expect(chosen?.name == "big")
    }

    @Test("the least stressed node that may start rooms wins, unless this node is within 0.1 of it; ties go by name")
    func choose() {
        let busy = Self.node("alpha", participants: 50)
        let idle = Self.node("beta", participants: 10)
        let cordoned = Self.node("gamma", state: .cordoned)
        let dead = Self.node("delta", beatAgo: 60_000)
        let n = Self.now
        #expect(policy.choose(among: [busy, idle, cordoned, dead], recentRooms: [:], preferring: busy.id, now: n) == idle)
        // Rooms placed on beta a moment ago: 10 + 6 × 5 = 40 people, within 0.1 of alpha's 50.
        #expect(policy.choose(among: [busy, idle], recentRooms: [idle.id: 5], preferring: busy.id, now: n) == idle)
        #expect(policy.choose(among: [busy, idle], recentRooms: [idle.id: 6], preferring: busy.id, now: n) == busy)
        // Asked of a third node: the least stressed, by name on a tie.
        let twin = Self.node("aaron", participants: 10)
        #expect(policy.choose(among: [idle, twin, busy], recentRooms: [:], preferring: busy.id, now: n) == twin)
        #expect(policy.choose(among: [cordoned, dead], recentRooms: [:], preferring: cordoned.id, now: n) == nil)
        // CPU noise does not send a meeting away from the node asked; load does.
        let noisy = Self.node("zeta", cpu: 280)
        let quiet = Self.node("eta", cpu: 0)
        #expect(policy.choose(among: [noisy, quiet], recentRooms: [:], preferring: noisy.id, now: n) == noisy)
        #expect(policy.choose(among: [Self.node("zeta", cpu: 400), quiet], recentRooms: [:], preferring: "id-zeta", now: n) == quiet)
        // A cordoned node asked sends the room to a ready one however idle it is itself.
        #expect(policy.choose(among: [Self.node("gamma", state: .cordoned), busy], recentRooms: [:], preferring: "id-gamma", now: n) == busy)
    }
}
