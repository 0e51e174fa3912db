import Foundation
import Gateway
import Rooms
import Testing

/// Two trunks played by real Kamailio instances on their own loopback
/// addresses, both registrars Parley registers at: a carrier (127.0.0.2)
/// whose calls are recognised by their source address, and a PBX
/// (127.0.0.3) whose calls must answer Parley's digest challenge. The far phones are raw SIP
/// sockets on 127.0.0.5.
@Suite(.serialized, .enabled(if: KamailioTrunk.available)) struct TrunkKamailioTests {
    static let phones = "127.0.0.5"

    struct Setup {
        let gateway: GatewayFixture
        let carrier: KamailioTrunk
        let pbx: KamailioTrunk
        /// Where each trunk sends the calls Parley places.
        let carrierCallee: RawSIPClient
        let pbxCallee: RawSIPClient

        func stop() async {
            await gateway.stop()
            await carrier.stop()
            await pbx.stop()
        }
    }

    static func start() async throws -> Setup {
        let parleyPort = try KamailioTrunk.freeUDPPort(host: "127.0.0.1")
        let carrierPort = try KamailioTrunk.freeUDPPort(host: "127.0.0.2")
        let pbxPort = try KamailioTrunk.freeUDPPort(host: "127.0.0.3")
        let carrierCallee = try RawSIPClient(serverPort: carrierPort, localHost: phones, serverHost: "127.0.0.2")
        let pbxCallee = try RawSIPClient(serverPort: pbxPort, localHost: phones, serverHost: "127.0.0.3")
        // The carrier: Parley registers (gw-carrier); Parley's dial-out must
        // authenticate as gw-carrier; calls to the DID go to the registered contact.
        let carrier = try KamailioTrunk(
            host: "127.0.0.2", port: carrierPort, realm: "carrier.test", registrar: ("gw-carrier", "carrier-secret"), credentials: nil,
            routing: """
                if ($si == "127.0.0.1") {
                    if (!pv_proxy_authenticate("carrier.test", "carrier-secret", "0")) { proxy_challenge("carrier.test", "0"); exit; }
                    if ($au != "gw-carrier") { sl_send_reply("403", "Wrong user"); exit; }
                    consume_credentials();
                    $du = "sip:\(phones):\(carrierCallee.port)";
                    t_relay();
                    exit;
                }
                if (!lookup("location", "sip:gw-carrier@127.0.0.2")) { sl_send_reply("404", "Parley is not registered"); exit; }
                t_relay();
                exit;
            """)
        // The PBX: Parley's dial-out authenticates as gw-pbx; its desk
        // phones' calls go to Parley and answer Parley's challenge as pbx-in.
        let pbx = try KamailioTrunk(
            host: "127.0.0.3", port: pbxPort, realm: "pbx.test", registrar: ("gw-pbx", "pbx-secret"), credentials: "pbx-in:parley.test:pbx-in-secret",
            routing: """
                if ($si == "127.0.0.1") {
                    if (!pv_proxy_authenticate("pbx.test", "pbx-secret", "0")) { proxy_challenge("pbx.test", "0"); exit; }
                    if ($au != "gw-pbx") { sl_send_reply("403", "Wrong user"); exit; }
                    consume_credentials();
                    $du = "sip:\(phones):\(pbxCallee.port)";
                    t_relay();
                    exit;
                }
                $du = "sip:127.0.0.1:\(parleyPort)";
                t_on_failure("ANSWER_CHALLENGE");
                t_relay();
                exit;
            """)
        try await carrier.ready()
        try await pbx.ready()
        let trunks = [
            TrunkConfiguration(name: "carrier", uri: "sip:127.0.0.2:\(carrierPort)", username: "gw-carrier", password: "carrier-secret",
                               register: true, registerSeconds: 600, callerID: "+15550100", dialOut: [NumberPattern("+1*")],
                               numbers: [NumberPattern("+1 555 0100")], allow: [AddressBlock("127.0.0.2")!]),
            TrunkConfiguration(name: "pbx", uri: "sip:127.0.0.3:\(pbxPort)", username: "gw-pbx", password: "pbx-secret",
                               register: true, callerID: "+493012340", dialOut: [NumberPattern("+49*")], numbers: [NumberPattern("+49 30 1234 0")],
                               inbound: SIPCredentials(username: "pbx-in", password: "pbx-in-secret")),
        ]
        // Each trunk's number rings into the test meeting, as an operator's dialplan would have it.
        let dialplan = try Dialplan(parsing: """
            did is +15550100      => join \(GatewayFixture.meeting.dialInCode)
            did is +493012340     => join \(GatewayFixture.meeting.dialInCode)
            user ~ ([0-9]{6,12})  => join $1
            any                   => prompt
            """)
        let gateway = try await GatewayFixture.start(dialplan: dialplan, sipPort: parleyPort, trunks: trunks, directCalls: false,
                                                     authRealm: "parley.test")
        return Setup(gateway: gateway, carrier: carrier, pbx: pbx, carrierCallee: carrierCallee, pbxCallee: pbxCallee)
    }

    static let room = RoomInfo(meetingId: GatewayFixture.meeting.meetingID, code: GatewayFixture.meeting.code,
                               title: GatewayFixture.meeting.title, locked: false, lobbyEnabled: false)

    /// Dials `number` from the meeting and returns the INVITE `callee` got
    /// from its trunk (answered 486, so nothing more happens).
    static func dial(_ number: String, from s: Setup, expectingAt callee: RawSIPClient) async throws -> RawSIPMessage? {
        try await s.gateway.gateway.call(number, into: room) { _ in }
        guard let invite = try await callee.receive(timeout: .seconds(5), where: { $0.method == "INVITE" }) else { return nil }
        callee.send(rawResponse(to: invite, status: 486, phrase: "Busy Here", toTag: "callee"))
        return invite
    }

    @Test("Parley registers at each trunk and dials each number through the trunk that serves it, with that trunk's credentials and caller id")
    func dialOutPicksTheTrunk() async throws {
        let s = try await Self.start()
        defer { Task { await s.stop() } }
        // One registration per trunk, each with its own credentials.
        var registrations: [String: Bool] = [:]
        for _ in 0..<100 where registrations.count < 2 {
            registrations = await s.gateway.gateway.statistics().trunkRegistrations
            if registrations.count < 2 { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(registrations == ["carrier": true, "pbx": true],
                "\(registrations)\n\(s.carrier.logText.suffix(1000))\n\(s.pbx.logText.suffix(1000))")

        let american = try await Self.dial("+1 212 555 0199", from: s, expectingAt: s.carrierCallee)
        #expect(american?.startLine.contains("+12125550199@") == true, "\(american?.startLine ?? "no INVITE through the carrier")")
        #expect(american?.header("From")?.contains("+15550100") == true, "the carrier's caller id: \(american?.header("From") ?? "-")")

        let german = try await Self.dial("+49 30 555 1234", from: s, expectingAt: s.pbxCallee)
        #expect(german?.startLine.contains("+49305551234@") == true, "\(german?.startLine ?? "no INVITE through the PBX:\n\(s.pbx.logText.suffix(2000))")")
        #expect(german?.header("From")?.contains("+493012340") == true, "the PBX's caller id: \(german?.header("From") ?? "-")")
        // Each went only where it belonged.
        #expect(s.carrierCallee.receiveNow() == nil || s.carrierCallee.receiveNow()?.method != "INVITE")

        // A number no trunk dials is refused before any SIP is sent.
        await #expect(throws: RoomError.self) { try await s.gateway.gateway.call("+44 20 7946 0000", into: Self.room) { _ in } }
    }

    @Test("calls to a trunk's numbers come in through it: by its address (carrier) or by answering Parley's challenge (PBX); strangers get 403 or 401")
    func inboundPerTrunk() async throws {
        let s = try await Self.start()
        defer { Task { await s.stop() } }
        for _ in 0..<100 where await s.gateway.gateway.statistics().trunkRegistrations["carrier"] != true {
            try await Task.sleep(for: .milliseconds(50))
        }

        // Someone calls the carrier's number: the carrier relays to Parley's registered contact.
        let viaCarrier = try RawPhone(gatewayPort: s.carrier.port, user: "+15550100", host: "127.0.0.2", localHost: Self.phones)
        viaCarrier.followsRoute = true
        let carried = try await viaCarrier.call(sdp: viaCarrier.offer())
        #expect(carried?.status == 200, "\(carried?.startLine ?? "no answer"):\n\(s.carrier.logText.suffix(2000))")

        // A desk phone on the PBX calls the PBX's number for Parley: Parley
        // challenges, Kamailio answers with the PBX's credentials.
        let viaPBX = try RawPhone(gatewayPort: s.pbx.port, user: "+493012340", host: "127.0.0.3", localHost: Self.phones)
        viaPBX.followsRoute = true
        let bridged = try await viaPBX.call(sdp: viaPBX.offer())
        #expect(bridged?.status == 200, "\(bridged?.startLine ?? "no answer"):\n\(s.pbx.logText.suffix(2000))")
        #expect(s.pbx.logText.contains("answering with uac_auth"), "Parley did not challenge the PBX's call")

        var calls = await s.gateway.gateway.statistics()
        #expect(calls.activeCalls == 2)

        // A host sees which trunk each caller came through.
        var trunks: Set<String> = []
        for _ in 0..<50 where trunks.count < 2 {
            let host = HeaderRoutingTests.Watcher()
            let (room, hostID) = try await s.gateway.rooms.join(Self.room, JoinRequest(displayName: "Hana", userId: "u-h", role: .host),
                                                                connection: host)
            trunks = Set(host.joined.withLock { $0?.participants.compactMap { $0.attributes?["Trunk"] } ?? [] })
            await room.leave(hostID)
            if trunks.count < 2 { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(trunks == ["carrier", "pbx"])

        // The same numbers straight from a stranger's address.
        let stranger = try RawPhone(gatewayPort: s.gateway.port, user: "+15550100", localHost: Self.phones)
        #expect(try await stranger.call(sdp: stranger.offer())?.status == 403)
        let guesser = try RawPhone(gatewayPort: s.gateway.port, user: "+493012340", localHost: Self.phones)
        let challenge = try await guesser.call(sdp: guesser.offer())
        #expect(challenge?.status == 401 && challenge?.header("WWW-Authenticate")?.contains("realm=\"parley.test\"") == true)
        // One challenge per algorithm, MD5 first (RFC 8760 §2.4); Kamailio above answered the first.
        let offered = challenge?.headers.filter { $0.name.lowercased() == "www-authenticate" }.map(\.value) ?? []
        #expect(offered.count == 2 && offered.first?.contains("algorithm=MD5") == true && offered.last?.contains("algorithm=SHA-256") == true,
                "\(offered)")
        // Direct calls are off: a meeting code straight from a stranger is challenged too.
        let direct = try RawPhone(gatewayPort: s.gateway.port, user: GatewayFixture.meeting.dialInCode, localHost: Self.phones)
        #expect(try await direct.call(sdp: direct.offer())?.status == 401)

        calls = await s.gateway.gateway.statistics()
        #expect(calls.activeCalls == 2 && calls.refusals["forbidden"] == 1, "\(calls.refusals)")

        // Hanging up through the proxies ends both calls.
        viaCarrier.dialog.sendBye()
        viaPBX.dialog.sendBye()
        var ended = false
        for _ in 0..<100 where !ended {
            ended = await s.gateway.gateway.statistics().activeCalls == 0
            if !ended { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(ended, "BYE through the trunks did not end the calls")
        viaCarrier.stop()
        viaPBX.stop()
    }
}
