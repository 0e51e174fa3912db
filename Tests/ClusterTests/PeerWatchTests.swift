import Store
import Testing
@testable import Cluster

/// What a node acts on when the others change, without a database.
@Suite struct PeerWatchTests {
    static func node(_ name: String, state: NodeState = .ready, media: String = "127.0.0.9:40000", pipeHost: String = "",
                     id: String? = nil) -> NodeRecord {
        NodeRecord(id: id ?? "id-\(name)", name: name, httpUrl: "http://\(name):8080", mediaAddress: media, sipAddress: "",
                   version: "test", state: state, startedAt: 0, heartbeatAt: 0, pipeHost: pipeHost)
    }

    @Test("the first look only learns; a node that goes is gone once, with the host its pipes were on")
    func gone() {
        var watch = PeerWatch()
        #expect(watch.update(live: [Self.node("alpha"), Self.node("beta", pipeHost: "10.1.0.3")]).isEmpty)
        #expect(watch.update(live: [Self.node("alpha"), Self.node("beta", pipeHost: "10.1.0.3")]).isEmpty)
        #expect(watch.update(live: [Self.node("alpha")]) == [.gone(name: "beta", pipeHost: "10.1.0.3")])
        #expect(watch.update(live: [Self.node("alpha")]).isEmpty)
    }

    @Test("a node that states no pipe host (an older row): its media address's host, IPv6 too")
    func pipeHostFromMediaAddress() {
        #expect(PeerWatch.pipeHost(of: Self.node("a", media: "127.0.0.3:40000")) == "127.0.0.3")
        #expect(PeerWatch.pipeHost(of: Self.node("a", media: "[fd00::3]:40000")) == "fd00::3")
        #expect(PeerWatch.pipeHost(of: Self.node("a", media: "127.0.0.3:40000", pipeHost: "10.0.0.3")) == "10.0.0.3")
    }

    @Test("a node that starts draining is reported once; one that restarts under its name (a new id) lost what it held")
    func drainingAndRestart() {
        var watch = PeerWatch()
        _ = watch.update(live: [Self.node("beta")])
        #expect(watch.update(live: [Self.node("beta", state: .draining)]) == [.draining(name: "beta")])
        #expect(watch.update(live: [Self.node("beta", state: .draining)]).isEmpty)
        #expect(watch.update(live: [Self.node("beta", id: "id-beta-2")]) == [.restarted(name: "beta")])
        #expect(watch.update(live: [Self.node("beta", id: "id-beta-2")]).isEmpty)
        // Several at once, in name order.
        _ = watch.update(live: [Self.node("beta"), Self.node("gamma"), Self.node("delta")])
        #expect(watch.update(live: [Self.node("delta", state: .draining)]) == [
            .gone(name: "beta", pipeHost: "127.0.0.9"), .draining(name: "delta"), .gone(name: "gamma", pipeHost: "127.0.0.9"),
        ])
    }
}
