import Foundation
import Gateway
import Testing

/// The shipped `Config/kamailio/parley-dispatcher.cfg`, run by Debian's
/// Kamailio on 127.0.0.4 in front of two Parley gateways: calls are spread
/// over the nodes, a node that starts no meetings (cordoned, draining)
/// answers 503 and the call moves to the other, and a stopped node is
/// skipped.
@Suite(.serialized, .enabled(if: KamailioTrunk.available)) struct KamailioDispatcherTests {
    @Test("calls spread over two nodes; a cordoned node's 503 moves the call; a stopped node is skipped")
    func dispatcher() async throws {
        let ports = [try KamailioTrunk.freeUDPPort(host: "127.0.0.1"), try KamailioTrunk.freeUDPPort(host: "127.0.0.1")]
        let one = try await GatewayFixture.start(sipPort: ports[0])
        let two = try await GatewayFixture.start(sipPort: ports[1])
        let list = FileManager.default.temporaryDirectory.appendingPathComponent("parley-nodes-\(UUID().uuidString.prefix(8)).list")
        try ports.map { "1 sip:127.0.0.1:\($0)" }.joined(separator: "\n").appending("\n").write(to: list, atomically: true, encoding: .utf8)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../..").standardized
        let kamailioPort = try KamailioTrunk.freeUDPPort(host: "127.0.0.4")
        let kamailio = try KamailioTrunk(
            configFile: root.appendingPathComponent("Config/kamailio/parley-dispatcher.cfg"),
            defines: ["LISTEN=udp:127.0.0.4:\(kamailioPort)", "NODES=\"\(list.path)\"", "PROBE_SECONDS=1", "CHILDREN=1"],
            host: "127.0.0.4", port: kamailioPort)
        defer {
            Task {
                await one.stop()
                await two.stop()
                await kamailio.stop()
                try? FileManager.default.removeItem(at: list)
            }
        }
        try await kamailio.ready()

        func call() async throws -> RawPhone {
            let phone = try RawPhone(gatewayPort: kamailioPort, user: GatewayFixture.meeting.dialInCode, host: "127.0.0.4", localHost: "127.0.0.5")
            phone.followsRoute = true
            let answer = try await phone.call(sdp: phone.offer())
            #expect(answer?.status == 200, "\(answer?.startLine ?? "no answer"):\n\(kamailio.logText.suffix(1500))")
            return phone
        }
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
}
