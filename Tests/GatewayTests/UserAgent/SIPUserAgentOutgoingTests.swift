import Foundation
import Gateway
import Testing

/// Dial-out and registration against a raw SIP peer playing callee / registrar.
@Suite(.serialized)
struct SIPUserAgentOutgoingTests {
    @Test func dialOutRingsAndAnswers() async throws {
        let h = try await SIPTestHarness()
        let phone = try RawSIPClient(serverPort: h.port)
        let call = h.agent.invite(to: "sip:bob@127.0.0.1:\(phone.port)", from: "sip:parley@127.0.0.1",
                                  displayName: "Parley \"Room\"", sdp: testOffer)
        let invite = try #require(try await phone.receive { $0.method == "INVITE" })
        #expect(invite.body == testOffer)
        #expect(invite.header("Call-ID") == call.callID)
        #expect(invite.header("From")?.contains("\"Parley \\\"Room\\\"\"") == true)
        phone.send(rawResponse(to: invite, status: 180, phrase: "Ringing", toTag: "bob1"))
        let progress = try await h.waitFor { if case let .outgoingProgress(id, status, _) = $0, id == call { status } else { nil } }
        #expect(progress == 180)
        phone.send(rawResponse(to: invite, status: 200, phrase: "OK", toTag: "bob1",
                               extra: ["Contact: <sip:bob@127.0.0.1:\(phone.port)>"], body: testAnswer))
        let answer = try await h.waitFor { if case let .outgoingAnswered(id, sdp) = $0, id == call { sdp } else { nil } }
        #expect(answer == testAnswer)
        let ack = try await phone.receive { $0.method == "ACK" }
        #expect(ack != nil)

        h.agent.hangUp(call)
        let bye = try #require(try await phone.receive { $0.method == "BYE" })
        phone.send(rawResponse(to: bye, status: 200, phrase: "OK"))
        let ended = try await h.waitFor { if case let .ended(id, reason) = $0, id == call { reason } else { nil } }
        #expect(ended == "local BYE")
        await h.shutdown()
    }

    @Test func dialOutBusyFails() async throws {
        let h = try await SIPTestHarness()
        let phone = try RawSIPClient(serverPort: h.port)
        let call = h.agent.invite(to: "sip:bob@127.0.0.1:\(phone.port)", from: "sip:parley@127.0.0.1", sdp: testOffer)
        let invite = try #require(try await phone.receive { $0.method == "INVITE" })
        phone.send(rawResponse(to: invite, status: 486, phrase: "Busy Here", toTag: "b2"))
        let failed = try await h.waitFor { if case let .outgoingFailed(id, status, _) = $0, id == call { status } else { nil } }
        #expect(failed == 486)
        let ack = try await phone.receive { $0.method == "ACK" }
        #expect(ack != nil)
        // Exactly one terminal event per call.
        try await Task.sleep(for: .milliseconds(100))
        #expect(!h.events.contains { if case let .ended(id, _) = $0 { id == call } else { false } })
        await h.shutdown()
    }

    @Test func dialOutCancelledByHangUp() async throws {
        let h = try await SIPTestHarness()
        let phone = try RawSIPClient(serverPort: h.port)
        let call = h.agent.invite(to: "sip:bob@127.0.0.1:\(phone.port)", from: "sip:parley@127.0.0.1", sdp: testOffer)
        let invite = try #require(try await phone.receive { $0.method == "INVITE" })
        phone.send(rawResponse(to: invite, status: 180, phrase: "Ringing", toTag: "b3"))
        _ = try await h.waitFor { if case .outgoingProgress = $0 { true } else { nil } }
        h.agent.hangUp(call)
        let cancel = try #require(try await phone.receive { $0.method == "CANCEL" })
        phone.send(rawResponse(to: cancel, status: 200, phrase: "OK", toTag: "b3"))
        phone.send(rawResponse(to: invite, status: 487, phrase: "Request Terminated", toTag: "b3"))
        let failed = try await h.waitFor { if case let .outgoingFailed(id, status, _) = $0, id == call { status } else { nil } }
        #expect(failed == 487)
        await h.shutdown()
    }

    @Test func registerAnswersDigestChallenge() async throws {
        let h = try await SIPTestHarness()
        let registrar = try RawSIPClient(serverPort: h.port)
        h.agent.register(registrar: "sip:127.0.0.1:\(registrar.port)", user: "gw", password: "secret", expires: 600)
        let first = try #require(try await registrar.receive { $0.method == "REGISTER" })
        #expect(first.header("To")?.contains("sip:gw@127.0.0.1") == true)
        registrar.send(rawResponse(to: first, status: 401, phrase: "Unauthorized", toTag: "r1", extra: [
            "WWW-Authenticate: Digest realm=\"parley.test\", nonce=\"abc123\", algorithm=MD5, qop=\"auth\"",
        ]))
        let second = try #require(try await registrar.receive { $0.method == "REGISTER" })
        let authorization = try #require(second.header("Authorization"))
        #expect(authorization.contains("username=\"gw\""))
        #expect(authorization.contains("realm=\"parley.test\""))
        #expect(authorization.contains("response="))
        let contact = second.header("Contact") ?? second.header("m") ?? ""
        registrar.send(rawResponse(to: second, status: 200, phrase: "OK", toTag: "r1", extra: [
            "Contact: \(contact);expires=300",
        ]))
        let expires = try await h.waitFor { if case let .registered(_, expires) = $0 { expires } else { nil } }
        #expect(expires == 300)

        // Unregister answered, so stop() has nothing left to wait for.
        h.agent.unregister()
        let removal = try #require(try await registrar.receive { $0.method == "REGISTER" })
        #expect(removal.header("Expires") == "0" || (removal.header("Contact") ?? "").contains("expires=0"))
        registrar.send(rawResponse(to: removal, status: 200, phrase: "OK", toTag: "r1"))
        try await Task.sleep(for: .milliseconds(50))
        await h.shutdown()
    }

    @Test func registerRejectedReportsFailure() async throws {
        let h = try await SIPTestHarness()
        let registrar = try RawSIPClient(serverPort: h.port)
        h.agent.register(registrar: "sip:127.0.0.1:\(registrar.port)", user: "gw", password: "x", expires: 600)
        let request = try #require(try await registrar.receive { $0.method == "REGISTER" })
        registrar.send(rawResponse(to: request, status: 403, phrase: "Forbidden", toTag: "r2"))
        let failure = try await h.waitFor { if case let .registrationFailed(_, status, _) = $0 { status } else { nil } }
        #expect(failure == 403)
        await h.shutdown()
    }
}
