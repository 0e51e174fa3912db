import Foundation
import Gateway
import Testing

/// The real sofia-sip UA over loopback, driven by a raw SIP client.
@Suite(.serialized)
struct SIPUserAgentTests {
    @Test func inviteRingAnswerAckBye() async throws {
        let h = try await SIPTestHarness()
        let client = try RawSIPClient(serverPort: h.port)
        var dialog = RawSIPDialog(client: client)
        dialog.sendInvite(sdp: testOffer)

        let incoming = try await h.incomingCall()
        let (call, info) = try #require(incoming)
        #expect(info.requestURIUser == "room123")
        #expect(info.requestURIHost == "127.0.0.1")
        #expect(info.fromUser == "alice")
        #expect(info.fromURI == "sip:alice@127.0.0.1")
        #expect(info.fromDisplayName == "Alice Caller")
        #expect(info.toUser == "room123")
        #expect(info.remoteAddress == "127.0.0.1")
        #expect(info.remotePort == client.port)
        #expect(info.transport == "udp")
        #expect(info.callID == dialog.callID)
        #expect(info.sdp == testOffer)
        #expect(info.userAgent == "RawTest/1.0")
        #expect(call.callID == dialog.callID)

        let trying = try await client.receive { $0.status == 100 }
        #expect(trying != nil)
        h.agent.respond(call, status: 180, phrase: "Ringing")
        let ringing = try await client.receive { $0.status == 180 }
        #expect(ringing != nil)
        h.agent.respond(call, status: 200, phrase: "OK", sdp: testAnswer)
        let ok = try #require(try await client.receive { $0.status == 200 && $0.cseqMethod == "INVITE" })
        #expect(ok.body == testAnswer)
        #expect(ok.header("Content-Type") == "application/sdp")
        dialog.toTag = ok.toTag
        #expect(dialog.toTag != nil)

        dialog.sendAck()
        let ack = try await h.waitFor { if case let .acknowledged(id, sdp) = $0, id == call { sdp ?? "" } else { nil } }
        #expect(ack == "")

        dialog.sendBye()
        let byeOK = try await client.receive { $0.status == 200 && $0.cseqMethod == "BYE" }
        #expect(byeOK != nil)
        let reason = try await h.waitFor { if case let .ended(id, reason) = $0, id == call { reason } else { nil } }
        #expect(reason == "remote BYE")
        await h.shutdown()
    }

    @Test func offerlessInviteGetsOurOfferAndAckCarriesAnswer() async throws {
        let h = try await SIPTestHarness()
        let client = try RawSIPClient(serverPort: h.port)
        var dialog = RawSIPDialog(client: client)
        dialog.sendInvite(sdp: nil)
        let (call, info) = try #require(try await h.incomingCall())
        #expect(info.sdp == nil)
        h.agent.respond(call, status: 200, phrase: "OK", sdp: testAnswer)
        let ok = try #require(try await client.receive { $0.status == 200 })
        #expect(ok.body == testAnswer)
        dialog.toTag = ok.toTag
        dialog.sendAck(sdp: testOffer)
        let sdp = try await h.waitFor { if case let .acknowledged(id, sdp) = $0, id == call { sdp } else { nil } }
        #expect(sdp == testOffer)
        try await hangUpAndAnswerBye(h, client, call)
        await h.shutdown()
    }

    @Test func cancelBeforeAnswer() async throws {
        let h = try await SIPTestHarness()
        let client = try RawSIPClient(serverPort: h.port)
        let dialog = RawSIPDialog(client: client)
        dialog.sendInvite(sdp: testOffer)
        let (call, _) = try #require(try await h.incomingCall())
        h.agent.respond(call, status: 180, phrase: "Ringing")
        _ = try await client.receive { $0.status == 180 }
        dialog.sendCancel()
        let cancelOK = try await client.receive { $0.status == 200 && $0.cseqMethod == "CANCEL" }
        #expect(cancelOK != nil)
        let terminated = try await client.receive { $0.status == 487 && $0.cseqMethod == "INVITE" }
        #expect(terminated != nil)
        dialog.sendErrorAck()
        let cancelled = try await h.waitFor { if case let .cancelled(id) = $0, id == call { true } else { nil } }
        #expect(cancelled == true)
        await h.shutdown()
    }

    @Test func optionsAnsweredWithAllow() async throws {
        let h = try await SIPTestHarness()
        let client = try RawSIPClient(serverPort: h.port)
        let dialog = RawSIPDialog(client: client)
        client.send(dialog.request("OPTIONS", branch: RawSIPDialog.branch(), cseq: 1))
        let ok = try #require(try await client.receive { $0.cseqMethod == "OPTIONS" })
        #expect(ok.status == 200)
        #expect(ok.header("Allow")?.contains("INVITE") == true)
        #expect(ok.header("Accept")?.contains("application/sdp") == true)
        await h.shutdown()
    }

    /// A cordoned or draining node answers a dispatcher's OPTIONS probe 503
    /// (with Retry-After), so new calls go elsewhere; OPTIONS inside a call
    /// it carries still get 200.
    @Test func optionsAnswer503WhileTakingNoNewCalls() async throws {
        let h = try await SIPTestHarness()
        let client = try RawSIPClient(serverPort: h.port)
        func probe(_ cseq: Int) async throws -> RawSIPMessage {
            client.send(RawSIPDialog(client: client).request("OPTIONS", branch: RawSIPDialog.branch(), cseq: cseq))
            return try #require(try await client.receive { $0.cseqMethod == "OPTIONS" })
        }
        let (call, answered) = try await answeredCall(h, client)
        var dialog = answered
        h.agent.setTakesNewCalls(false)
        let refused = try await probe(1)
        #expect(refused.status == 503)
        #expect(refused.header("Retry-After") == "30")
        dialog.cseq += 1
        client.send(dialog.request("OPTIONS", branch: RawSIPDialog.branch(), cseq: dialog.cseq))
        #expect(try await client.receive { $0.cseqMethod == "OPTIONS" }?.status == 200, "in a call: 200")
        h.agent.setTakesNewCalls(true)
        let back = try await probe(2)
        #expect(back.status == 200)
        #expect(back.header("Allow")?.contains("INVITE") == true)
        try await hangUpAndAnswerBye(h, client, call)
        await h.shutdown()
    }

    @Test func optionsOverTCP() async throws {
        let h = try await SIPTestHarness()
        let client = try RawSIPClient(serverPort: h.port, tcp: true)
        let dialog = RawSIPDialog(client: client)
        client.send(dialog.request("OPTIONS", branch: RawSIPDialog.branch(), cseq: 1))
        let ok = try #require(try await client.receive { $0.cseqMethod == "OPTIONS" })
        #expect(ok.status == 200)
        await h.shutdown()
    }

    @Test func inviteOverTCPReportsTransport() async throws {
        let h = try await SIPTestHarness()
        let client = try RawSIPClient(serverPort: h.port, tcp: true)
        let dialog = RawSIPDialog(client: client)
        dialog.sendInvite(sdp: testOffer)
        let (call, info) = try #require(try await h.incomingCall())
        #expect(info.transport == "tcp")
        #expect(info.remotePort == client.port)
        h.agent.respond(call, status: 486, phrase: "Busy Here")
        let busy = try await client.receive { $0.status == 486 }
        #expect(busy != nil)
        dialog.sendErrorAck()
        await h.shutdown()
    }

    @Test func garbageAndMalformedMessagesDoNotStopTheAgent() async throws {
        let h = try await SIPTestHarness()
        let client = try RawSIPClient(serverPort: h.port)
        client.sendBytes([0x00, 0xff, 0x13, 0x37, 0x0d, 0x0a])
        client.send("HELLO WORLD\r\n\r\n")
        client.send("INVITE sip:x@127.0.0.1 SIP/2.0\r\nVia: garbage\r\nCSeq: banana\r\n\r\n")
        client.send("INVITE sip:x@127.0.0.1 SIP/2.0\r\nContent-Length: 99999\r\n\r\nv=0")
        client.sendBytes(Array(repeating: 0x41, count: 3000))
        let dialog = RawSIPDialog(client: client)
        client.send(dialog.request("OPTIONS", branch: RawSIPDialog.branch(), cseq: 1))
        let ok = try await client.receive { $0.cseqMethod == "OPTIONS" }
        #expect(ok?.status == 200)
        #expect(h.events.isEmpty)
        await h.shutdown()
    }

    @Test func unknownMethodRejected() async throws {
        let h = try await SIPTestHarness()
        let client = try RawSIPClient(serverPort: h.port)
        let dialog = RawSIPDialog(client: client)
        client.send(dialog.request("FROBNICATE", branch: RawSIPDialog.branch(), cseq: 1))
        let answer = try #require(try await client.receive { $0.cseqMethod == "FROBNICATE" })
        #expect(answer.status == 405 || answer.status == 501)
        await h.shutdown()
    }

    @Test func rejectWith503RetryAfter() async throws {
        let h = try await SIPTestHarness()
        let client = try RawSIPClient(serverPort: h.port)
        let dialog = RawSIPDialog(client: client)
        dialog.sendInvite(sdp: testOffer)
        let (call, _) = try #require(try await h.incomingCall())
        h.agent.respond(call, status: 503, phrase: "Service Unavailable", headers: ["Retry-After": "30"])
        let answer = try #require(try await client.receive { $0.cseqMethod == "INVITE" && ($0.status ?? 0) >= 200 })
        #expect(answer.status == 503)
        #expect(answer.header("Retry-After")?.hasPrefix("30") == true)
        dialog.sendErrorAck()
        let ended = try await h.waitFor { if case let .ended(id, _) = $0, id == call { true } else { nil } }
        #expect(ended == true)
        await h.shutdown()
    }

    @Test func hangUpSendsBye() async throws {
        let h = try await SIPTestHarness()
        let client = try RawSIPClient(serverPort: h.port)
        let (call, _) = try await answeredCall(h, client)
        h.agent.hangUp(call)
        let bye = try #require(try await client.receive { $0.method == "BYE" })
        client.send(rawResponse(to: bye, status: 200, phrase: "OK"))
        let reason = try await h.waitFor { if case let .ended(id, reason) = $0, id == call { reason } else { nil } }
        #expect(reason == "local BYE")
        await h.shutdown()
    }

    @Test func reinviteReported() async throws {
        let h = try await SIPTestHarness()
        let client = try RawSIPClient(serverPort: h.port)
        var (call, dialog) = try await answeredCall(h, client)

        let hold = testOffer.replacingOccurrences(of: "a=sendrecv", with: "a=sendonly")
            .replacingOccurrences(of: "o=alice 1 1", with: "o=alice 1 2")
        dialog.sendReinvite(sdp: hold)
        let sdp = try await h.waitFor { if case let .reinvite(id, sdp) = $0, id == call { sdp } else { nil } }
        #expect(sdp == hold)
        let held = testAnswer.replacingOccurrences(of: "a=sendrecv", with: "a=recvonly")
            .replacingOccurrences(of: "o=parley 2 2", with: "o=parley 2 3")
        h.agent.respond(call, status: 200, phrase: "OK", sdp: held)
        let reOK = try #require(try await client.receive { $0.status == 200 && $0.header("CSeq") == "2 INVITE" })
        #expect(reOK.body == held)
        dialog.sendAck()
        try await hangUpAndAnswerBye(h, client, call)
        await h.shutdown()
    }

    @Test func sessionTimerNegotiated() async throws {
        let h = try await SIPTestHarness()
        let client = try RawSIPClient(serverPort: h.port)
        var dialog = RawSIPDialog(client: client)
        // RFC 4028 §6: an interval below our Min-SE is refused with 422 and Min-SE.
        client.send(dialog.request("INVITE", branch: dialog.inviteBranch, cseq: 1, body: testOffer,
                                   extra: ["Supported: timer", "Session-Expires: 30"]))
        let tooSmall = try #require(try await client.receive { ($0.status ?? 0) >= 200 })
        #expect(tooSmall.status == 422)
        #expect(tooSmall.header("Min-SE").flatMap { Int($0.prefix { $0.isNumber }) } ?? 0 >= 90)
        dialog.sendErrorAck()

        dialog.cseq = 2
        dialog.inviteBranch = RawSIPDialog.branch()
        client.send(dialog.request("INVITE", branch: dialog.inviteBranch, cseq: 2, body: testOffer,
                                   extra: ["Supported: timer", "Session-Expires: 600;refresher=uac"]))
        let (call, _) = try #require(try await h.incomingCall())
        h.agent.respond(call, status: 200, phrase: "OK", sdp: testAnswer)
        let ok = try #require(try await client.receive { $0.status == 200 })
        let expires = try #require(ok.header("Session-Expires") ?? ok.header("x"))
        #expect(expires.hasPrefix("600"))
        #expect(expires.contains("refresher=uac"))
        dialog.toTag = ok.toTag
        dialog.sendAck()
        _ = try await h.waitFor { if case .acknowledged = $0 { true } else { nil } }
        try await hangUpAndAnswerBye(h, client, call)
        await h.shutdown()
    }

    /// nua reports "answered" as a later event; a hang-up asked for before it
    /// arrives must still end the call with BYE (RFC 3261 §15), never a 480
    /// to an INVITE already answered.
    @Test func hangingUpRightAfterAnsweringSendsBye() async throws {
        let h = try await SIPTestHarness()
        let client = try RawSIPClient(serverPort: h.port)
        var dialog = RawSIPDialog(client: client)
        dialog.sendInvite(sdp: testOffer)
        let (call, _) = try #require(try await h.incomingCall())
        h.agent.respond(call, status: 200, phrase: "OK", sdp: testAnswer)
        h.agent.hangUp(call)
        let ok = try #require(try await client.receive { ($0.status ?? 0) >= 200 })
        #expect(ok.status == 200)
        dialog.toTag = ok.toTag
        dialog.sendAck()
        let bye = try #require(try await client.receive { $0.method == "BYE" })
        client.send(rawResponse(to: bye, status: 200, phrase: "OK"))
        _ = try await h.waitFor { if case let .ended(id, _) = $0, id == call { true } else { nil } }
        await h.shutdown()
    }

    @Test func infoInDialogReported() async throws {
        let h = try await SIPTestHarness()
        let client = try RawSIPClient(serverPort: h.port)
        var (call, dialog) = try await answeredCall(h, client)
        dialog.cseq += 1
        let body = "Signal=5\r\nDuration=160\r\n"
        let info = dialog.request("INFO", branch: RawSIPDialog.branch(), cseq: dialog.cseq, body: body)
            .replacingOccurrences(of: "Content-Type: application/sdp", with: "Content-Type: application/dtmf-relay")
        client.send(info)
        let infoOK = try await client.receive { $0.cseqMethod == "INFO" }
        #expect(infoOK?.status == 200)
        let event = try await h.waitFor {
            if case let .info(id, type, text) = $0, id == call { (type, text) } else { nil }
        }
        #expect(event?.0 == "application/dtmf-relay")
        #expect(event?.1 == body)
        try await hangUpAndAnswerBye(h, client, call)
        await h.shutdown()
    }

    /// A call from `client` that the agent answered with 200 and the client acknowledged.
    private func answeredCall(_ h: SIPTestHarness, _ client: RawSIPClient) async throws -> (SIPCallID, RawSIPDialog) {
        var dialog = RawSIPDialog(client: client)
        dialog.sendInvite(sdp: testOffer)
        let (call, _) = try #require(try await h.incomingCall())
        h.agent.respond(call, status: 200, phrase: "OK", sdp: testAnswer)
        let ok = try #require(try await client.receive { $0.status == 200 })
        dialog.toTag = ok.toTag
        dialog.sendAck()
        _ = try await h.waitFor { if case .acknowledged = $0 { true } else { nil } }
        return (call, dialog)
    }

    /// Ends a call cleanly so stop() need not wait for an unanswered BYE to time out.
    private func hangUpAndAnswerBye(_ h: SIPTestHarness, _ client: RawSIPClient, _ call: SIPCallID) async throws {
        h.agent.hangUp(call)
        let bye = try #require(try await client.receive { $0.method == "BYE" })
        client.send(rawResponse(to: bye, status: 200, phrase: "OK"))
        _ = try await h.waitFor { if case let .ended(id, _) = $0, id == call { true } else { nil } }
    }

    @Test func startFailsWhenPortIsTaken() async throws {
        let h = try await SIPTestHarness()
        let second = SIPUserAgent(
            configuration: SIPUserAgentConfiguration(host: "127.0.0.1", port: h.port), logger: .init(label: "test"))
        await #expect(throws: SIPUserAgentError.self) { try await second.start() }
        await second.stop()
        var ended = false
        for await _ in second.events {}
        ended = true
        #expect(ended)
        await h.shutdown()
    }

    @Test func stopIsIdempotentAndStartTwiceFails() async throws {
        let h = try await SIPTestHarness()
        #expect(h.port > 0)
        await #expect(throws: SIPUserAgentError.alreadyStarted) { try await h.agent.start() }
        await h.shutdown()
        await h.agent.stop()
    }
}
