import Store
import Testing
@testable import Cluster

/// Where a new participant's media goes when the room's node is full (rooms that span nodes).
@Suite struct RoomPlacementPolicyMediaSiteTests {
    typealias Nodes = RoomPlacementPolicyTests
    let policy = RoomPlacementPolicy(capacity: 100, heartbeatSeconds: 2)

    /// The choice for a room on `home` (its stress from its row) among `others`.
    func site(_ home: NodeRecord, _ others: [NodeRecord], arrivedThrough: String? = nil, recentRooms: [String: Int] = [:],
              policy: RoomPlacementPolicy? = nil) -> String? {
        let policy = policy ?? self.policy
        return policy.mediaSite(home: home.id, homeStress: policy.stress(of: home, recentRooms: 0), among: [home] + others,
                                recentRooms: recentRooms, arrivedThrough: arrivedThrough, now: Nodes.now)?.name
    }

    @Test("under the spill threshold the room's node keeps everyone's media")
    func underThreshold() {
        #expect(site(Nodes.node("alpha", participants: 89), [Nodes.node("beta")], arrivedThrough: "beta") == nil)
    }

    @Test("past it: the node they came in by if it qualifies, else the least stressed; ties by name")
    func pastThreshold() {
        let home = Nodes.node("alpha", participants: 95)
        let beta = Nodes.node("beta", participants: 40), gamma = Nodes.node("gamma", participants: 10)
        #expect(site(home, [beta, gamma], arrivedThrough: "beta") == "beta")
        #expect(site(home, [beta, gamma]) == "gamma")
        #expect(site(home, [beta, gamma], arrivedThrough: "alpha") == "gamma")
        #expect(site(home, [beta, gamma, Nodes.node("aardvark", participants: 10)]) == "aardvark")
        // New rooms count there too: gamma just took seven (45 > 40).
        #expect(site(home, [beta, gamma], recentRooms: [gamma.id: 7]) == "beta")
    }

    @Test("only ready, alive nodes under the threshold and clearly less stressed qualify; none: the room's node")
    func qualifying() {
        let home = Nodes.node("alpha", participants: 95)
        let others = [Nodes.node("b", state: .cordoned), Nodes.node("c", state: .draining), Nodes.node("d", beatAgo: 60_000),
                      Nodes.node("e", participants: 90), Nodes.node("f", participants: 88)]
        #expect(site(home, others, arrivedThrough: "b") == nil)
        // CPU counts: a node with few people but a busy CPU does not qualify.
        #expect(site(home, [Nodes.node("g", cpu: 780)]) == nil)
        // The room's node is never its own other node.
        #expect(site(home, [], arrivedThrough: "alpha") == nil)
    }

    @Test("the room's node's own live figures decide whether it spills: people and calls, or CPU")
    func ownFigures() {
        #expect(!policy.spills(homeStress: policy.stress(participants: 60, calls: 29, cpuPermille: 0)))
        #expect(policy.spills(homeStress: policy.stress(participants: 60, calls: 30, cpuPermille: 0)))
        #expect(policy.spills(homeStress: policy.stress(participants: 1, calls: 0, cpuPermille: 760)), "76 % CPU is 0.92")
    }

    /// `bench-spanning` with 40 people: alpha (capacity 12) had judged beta
    /// (capacity 300) full at 13 people, so only 13 had their media moved.
    @Test("a bigger node takes spilled media long after the room's node would itself be full")
    func otherNodesCapacity() {
        let small = RoomPlacementPolicy(capacity: 12, heartbeatSeconds: 2)
        let home = Nodes.node("alpha", participants: 12, capacity: 12)
        #expect(site(home, [Nodes.node("beta", participants: 13, capacity: 300)], policy: small) == "beta")
        #expect(site(home, [Nodes.node("beta", participants: 269, capacity: 300)], policy: small) == "beta")
        #expect(site(home, [Nodes.node("beta", participants: 270, capacity: 300)], policy: small) == nil, "0.9 of 300")
        // A row from before nodes stated their capacity: the reader's own.
        #expect(site(home, [Nodes.node("beta", participants: 13)], policy: small) == nil)
    }

    @Test("the threshold is a setting")
    func threshold() {
        var strict = policy
        strict.spillStress = 0.5
        #expect(site(Nodes.node("alpha", participants: 50), [Nodes.node("beta")], policy: strict) == "beta")
        #expect(site(Nodes.node("alpha", participants: 49), [Nodes.node("beta")], policy: strict) == nil)
    }
}
