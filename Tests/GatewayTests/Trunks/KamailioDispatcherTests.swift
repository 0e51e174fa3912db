import Cluster
import Foundation
import Gateway
import Logging
import Store
import StoreTesting
import Testing

/// The shipped `Config/kamailio/parley-dispatcher.cfg`, run by Debian's
/// Kamailio on 127.0.0.4 in front of two Parley gateways: calls are spread
/// over the nodes, a node that starts no meetings (cordoned, draining)
/// answers 503 and the call moves to the other, a stopped node is
/// skipped, and a call for a meeting the other node runs follows the
/// node's 302 there.
@Suite(.serialized, .enabled(if: KamailioTrunk.available)) struct KamailioDispatcherTests {
    @Test("calls spread over two nodes; a cordoned node's 503 moves the call; a stopped node is skipped")
    func dispatcher() async throws {
        let (one, two, kamailio, kamailioPort) = try await Self.twoGatewaysBehindKamailio()
        defer { Task { await Self.stop(one, two, kamailio) } }

        func call() async throws -> RawPhone { try await Self.call(through: kamailio, port: kamailioPort) }
        func calls(_ f: GatewayFixture) async -> Int { await f.gateway.statistics().activeCalls }

        // Node one is cordoned: each call the round-robin gives it is
        // refused with 503 and moves to node two.
        await one.rooms.setStartsRooms(false)
        var phones: [RawPhone] = []
        for _ in 0..<3 { phones.append(try await call()) }
        let (onOne, onTwo) = (await calls(one), await calls(two))
        #expect(onOne == 0 && onTwo == 3)
        let refusedByOne = await one.gateway.statistics().refusals["not_starting_meetings", default: 0]
        #expect(refusedByOne >= 1, "the round-robin never tried node one")
        #expect(kamailio.logText.contains("moves to node"))
        for phone in phones { phone.dialog.sendBye(); phone.stop() }

        // Node one back in service, node two stopped: the probes take node
        // two out, and calls go to node one.
        await one.rooms.setStartsRooms(true)
        await two.stop()
        try await Task.sleep(for: .seconds(3))
        let late = try await call()
        let lateOnOne = await calls(one)
        #expect(lateOnOne == 1)
        late.dialog.sendBye()
        late.stop()
    }

    @Test("a node that takes no new calls answers the probes 503 and leaves the rotation: its calls go to the other node unrefused")
    func probesTakeANodeOut() async throws {
        let (one, two, kamailio, kamailioPort) = try await Self.twoGatewaysBehindKamailio()
        defer { Task { await Self.stop(one, two, kamailio) } }
        // Cordoned (as ClusterService does it): INVITEs for its own meetings
        // still taken, but OPTIONS answered 503.
        one.gateway.setTakesNewCalls(false)
        await one.rooms.setStartsRooms(false)
        // Probes every second; one unanswered (here: refused) probe marks it inactive.
        try await Task.sleep(for: .seconds(3))
        var phones: [RawPhone] = []
        for _ in 0..<3 { phones.append(try await Self.call(through: kamailio, port: kamailioPort)) }
        #expect(await one.gateway.statistics().activeCalls == 0)
        #expect(await two.gateway.statistics().activeCalls == 3)
        let refusedByOne = await one.gateway.statistics().refusals["not_starting_meetings", default: 0]
        #expect(refusedByOne == 0, "the round-robin still tried node one")
        #expect(!kamailio.logText.contains("moves to node"))
        for phone in phones { phone.dialog.sendBye(); phone.stop() }
    }

    @Test("a call for a meeting another node runs gets 302 naming that node's gateway, and Kamailio takes it there")
    func callsFollowTheirMeeting() async throws {
        try await TestDatabase.withStore(.sqlite) { store in
            let (one, two, kamailio, kamailioPort) = try await Self.twoGatewaysBehindKamailio()
            defer { Task { await Self.stop(one, two, kamailio) } }
            let ports = [one.port, two.port]
            // Both nodes on one database (a real one), as `parley serve` registers them.
            let now = Timestamp.now
            let policy = RoomPlacementPolicy(capacity: 100, heartbeatSeconds: 60)
            for (index, fixture) in [one, two].enumerated() {
                let id = "node-\(index)"
                try await store.registerNode(NodeRecord(id: id, name: "node\(index)", httpUrl: "http://127.0.0.1:\(index + 1)", mediaAddress: "",
                                                        sipAddress: "127.0.0.1:\(ports[index])", version: "test",
                                                        startedAt: now, heartbeatAt: now))
                let placer = RoomPlacer(store: store, nodeID: id, policy: policy, logger: TestDatabase.logger)
                await fixture.rooms.setLocator(ClusterRoomLocator(placer: placer, logger: TestDatabase.logger))
            }
            // The meeting runs on node two (its first person came through there).
            let meeting = GatewayFixture.meeting.meetingID
            #expect(await two.rooms.locate(meeting) == .here)


            // Straight to node one: 302, Contact node two's gateway, same user.
            let direct = try one.phone()
            let moved = try await direct.call(sdp: direct.offer())
            #expect(moved?.status == 302)
            #expect(moved?.header("Contact")?.contains("sip:\(GatewayFixture.meeting.dialInCode)@127.0.0.1:\(ports[1])") == true,
                    "\(moved?.header("Contact") ?? "no Contact")")
            direct.stop()

            // Through Kamailio: whichever node the round-robin picks, every call lands on node two.
            var phones: [RawPhone] = []
            for _ in 0..<2 { phones.append(try await Self.call(through: kamailio, port: kamailioPort)) }
            #expect(await one.gateway.statistics().activeCalls == 0)
            #expect(await two.gateway.statistics().activeCalls == 2)
            #expect(kamailio.logText.contains("follows its meeting"), "the round-robin never tried node one")
            for phone in phones { phone.dialog.sendBye(); phone.stop() }
        }
    }

    /// Two gateways (nodes one and two) and the shipped dispatcher in front of them.
    static func twoGatewaysBehindKamailio() async throws -> (GatewayFixture, GatewayFixture, KamailioTrunk, Int) {
        let ports = [try KamailioTrunk.freeUDPPort(host: "127.0.0.1"), try KamailioTrunk.freeUDPPort(host: "127.0.0.1")]
        let one = try await GatewayFixture.start(sipPort: ports[0])
        let two = try await GatewayFixture.start(sipPort: ports[1])
        let (kamailio, port) = try await dispatcher(in: ports)
        return (one, two, kamailio, port)
    }

    static func stop(_ one: GatewayFixture, _ two: GatewayFixture, _ kamailio: KamailioTrunk) async {
        await one.stop()
        await two.stop()
        await kamailio.stop()
    }

    /// The shipped dispatcher configuration run by Kamailio on 127.0.0.4 in
    /// front of the gateways on `ports`; its list file goes with it.
    static func dispatcher(in ports: [Int]) async throws -> (KamailioTrunk, Int) {
        let list = FileManager.default.temporaryDirectory.appendingPathComponent("parley-nodes-\(UUID().uuidString.prefix(8)).list")
        try ports.map { "1 sip:127.0.0.1:\($0)" }.joined(separator: "\n").appending("\n").write(to: list, atomically: true, encoding: .utf8)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../..").standardized
        let port = try KamailioTrunk.freeUDPPort(host: "127.0.0.4")
        let kamailio = try KamailioTrunk(
            configFile: root.appendingPathComponent("Config/kamailio/parley-dispatcher.cfg"),
            defines: ["LISTEN=udp:127.0.0.4:\(port)", "NODES=\"\(list.path)\"", "PROBE_SECONDS=1", "CHILDREN=1"],
            host: "127.0.0.4", port: port)
        try await kamailio.ready()
        // Kamailio has read the list.
        try? FileManager.default.removeItem(at: list)
        return (kamailio, port)
    }

    /// A call to the test meeting's dial-in code through Kamailio, expected to be answered.
    static func call(through kamailio: KamailioTrunk, port: Int) async throws -> RawPhone {
        let phone = try RawPhone(gatewayPort: port, user: GatewayFixture.meeting.dialInCode, host: "127.0.0.4", localHost: "127.0.0.5")
        phone.followsRoute = true
        let answer = try await phone.call(sdp: phone.offer())
        #expect(answer?.status == 200, "\(answer?.startLine ?? "no answer"):\n\(kamailio.logText.suffix(1500))")
        return phone
    }
}
