import SFU
import Testing
@testable import LoadTest

/// The controlling agent without sockets, against hand-made responses and
/// against the server's own ICE-lite agent (two implementations, one wire).
@Suite("ICE controlling agent")
struct ICEControllingAgentTests {
    static let localUfrag = "cLnt"
    static let localPassword = "clientpassword0123456789"
    static let serverUfrag = "Lq8xH2vRk0aZ"
    static let serverPassword = "c3Rv+ZQ1pXy/8mWnT4kLb0Ae"
    static let server = STUNAddress(ipv4: (127, 0, 0, 1), port: 40_000)
    static let other = STUNAddress(ipv4: (127, 0, 0, 2), port: 40_000)
    static let client = STUNAddress(ipv4: (127, 0, 0, 1), port: 50_000)

    static func agent(_ nomination: ICEControllingAgent.Nomination = .aggressive) -> ICEControllingAgent {
        var agent = ICEControllingAgent(localUfrag: localUfrag, localPassword: localPassword, remoteUfrag: serverUfrag,
                                        remotePassword: serverPassword, nomination: nomination, seed: 42)
        agent.addRemoteCandidate(other, priority: 100)
        agent.addRemoteCandidate(server, priority: 2_130_706_431)
        return agent
    }

    static func parse(_ bytes: [UInt8]) throws -> STUNMessage {
        try bytes.withUnsafeBytes { try STUNMessage(parsing: $0) }
    }

    /// A success response from the server to `request`, signed with its password.
    static func success(to request: [UInt8], password: String = serverPassword) throws -> [UInt8] {
        let id = try parse(request).transactionID
        return STUNMessage(method: .binding, messageClass: .successResponse, transactionID: id,
                           attributes: [.xorMappedAddress(client)])
            .serialized(integrityPassword: Array(password.utf8), fingerprint: true)
    }

    @Test("The first check goes to the best candidate: USERNAME, PRIORITY, ICE-CONTROLLING, USE-CANDIDATE, integrity, fingerprint")
    func firstCheck() throws {
        var agent = Self.agent()
        #expect(agent.state == .checking)
        let (transmits, events) = agent.poll(now: .now)
        #expect(events.isEmpty)
        let check = try #require(transmits.first)
        #expect(transmits.count == 1)
        #expect(check.destination == Self.server)
        let message = try Self.parse(check.bytes)
        #expect(message.messageClass == .request)
        #expect(message.username == "\(Self.serverUfrag):\(Self.localUfrag)")
        #expect(message.priority == agent.checkPriority)
        #expect(message.iceControlling == agent.tieBreaker)
        #expect(message.hasUseCandidate)
        check.bytes.withUnsafeBytes { raw in
            #expect(STUNMessage.verifyIntegrity(raw, password: Array(Self.serverPassword.utf8)))
            #expect(STUNMessage.verifyFingerprint(raw))
        }
    }

    @Test("Against Parley's ICE-lite agent: the check is answered and the pair is selected on both sides")
    func againstLiteAgent() throws {
        var client = Self.agent()
        var lite = ICELiteAgent(localUfrag: Self.serverUfrag, localPassword: Self.serverPassword)
        lite.remoteUfrag = Self.localUfrag
        let now = ContinuousClock.now
        let check = try #require(client.poll(now: now).transmits.first)
        let served = check.bytes.withUnsafeBytes { lite.handle($0, from: Self.client, now: now) }
        #expect(served.events.contains(.selected(Self.client)))
        let response = try #require(served.response)
        let outcome = response.withUnsafeBytes { client.handle($0, from: Self.server, now: now) }
        #expect(outcome.events == [.selected(Self.server)])
        #expect(client.state == .connected)
        #expect(client.selected == Self.server)
        #expect(lite.state == .connected)
    }

    @Test("Unanswered checks are retransmitted with a doubling timeout; after Rc sends every pair fails")
    func retransmissionAndFailure() throws {
        var agent = Self.agent()
        let start = ContinuousClock.now
        var sends: [Duration] = []
        var failed = false
        var t = Duration.zero
        while t < .seconds(60) && !failed {
            let (transmits, events) = agent.poll(now: start + t)
            for transmit in transmits where transmit.destination == Self.server { sends.append(t) }
            failed = events.contains(.failed)
            t += .milliseconds(10)
        }
        #expect(failed)
        #expect(agent.state == .failed)
        #expect(sends.count == 7)
        // 250 ms, then 500, 1000, … between sends (RFC 8489 §6.2.1).
        let gaps = zip(sends.dropFirst(), sends).map { $0 - $1 }
        #expect(gaps.first! >= .milliseconds(250) && gaps.first! < .milliseconds(270))
        #expect(gaps[1] >= .milliseconds(500) && gaps[1] < .milliseconds(520))
    }

    @Test("Checks are paced by Ta: the second pair is checked 50 ms after the first")
    func pacing() throws {
        var agent = Self.agent()
        let start = ContinuousClock.now
        let first = agent.poll(now: start).transmits.map(\.destination)
        let early = agent.poll(now: start + .milliseconds(20)).transmits
        let second = agent.poll(now: start + .milliseconds(50)).transmits.map(\.destination)
        #expect(first == [Self.server])
        #expect(early.isEmpty)
        #expect(second == [Self.other])
    }

    @Test("A response with the wrong integrity is ignored; the check carries on")
    func badIntegrity() throws {
        var agent = Self.agent()
        let now = ContinuousClock.now
        let check = try #require(agent.poll(now: now).transmits.first)
        let forged = try Self.success(to: check.bytes, password: "not-the-server-password-at-all")
        let outcome = forged.withUnsafeBytes { agent.handle($0, from: Self.server, now: now) }
        #expect(outcome.events.isEmpty)
        #expect(agent.selected == nil)
        let real = try Self.success(to: check.bytes)
        #expect(real.withUnsafeBytes { agent.handle($0, from: Self.server, now: now) }.events == [.selected(Self.server)])
    }

    @Test("A response from another address fails the pair (RFC 8445 §7.2.5.2.1)")
    func asymmetricResponse() throws {
        var agent = Self.agent()
        let now = ContinuousClock.now
        let check = try #require(agent.poll(now: now).transmits.first)
        let response = try Self.success(to: check.bytes)
        #expect(response.withUnsafeBytes { agent.handle($0, from: Self.other, now: now) }.events.isEmpty)
        #expect(agent.selected == nil)
        #expect(agent.pairs.first { $0.remote == Self.server }?.state == .failed)
    }

    @Test("Regular nomination: a plain check first, then USE-CANDIDATE on the valid pair")
    func regularNomination() throws {
        var agent = Self.agent(.regular)
        let start = ContinuousClock.now
        let first = try #require(agent.poll(now: start).transmits.first)
        #expect(!(try Self.parse(first.bytes)).hasUseCandidate)
        let ok = try Self.success(to: first.bytes)
        #expect(ok.withUnsafeBytes { agent.handle($0, from: Self.server, now: start) }.events.isEmpty)
        let nominate = try #require(agent.poll(now: start + .milliseconds(50)).transmits.first)
        #expect(nominate.destination == Self.server)
        #expect(try Self.parse(nominate.bytes).hasUseCandidate)
        let done = try Self.success(to: nominate.bytes)
        #expect(done.withUnsafeBytes { agent.handle($0, from: Self.server, now: start) }.events == [.selected(Self.server)])
    }

    @Test("487 Role Conflict switches the role and checks the pair again as controlled (RFC 8445 §7.2.5.1)")
    func roleConflict() throws {
        var agent = Self.agent()
        let start = ContinuousClock.now
        let check = try #require(agent.poll(now: start).transmits.first)
        let conflict = STUNMessage(method: .binding, messageClass: .errorResponse, transactionID: try Self.parse(check.bytes).transactionID,
                                   attributes: [.errorCode(code: 487, reason: "Role Conflict")])
            .serialized(integrityPassword: Array(Self.serverPassword.utf8), fingerprint: true)
        #expect(conflict.withUnsafeBytes { agent.handle($0, from: Self.server, now: start) }.events == [.roleChanged(.controlled)])
        let again = try #require(agent.poll(now: start + .milliseconds(50)).transmits.first)
        let message = try Self.parse(again.bytes)
        #expect(message.iceControlled == agent.tieBreaker)
        #expect(!message.hasUseCandidate)
    }

    @Test("A peer's check is answered; a controlling peer with a smaller tie-breaker gets 487")
    func answersChecks() throws {
        var agent = Self.agent()
        let now = ContinuousClock.now
        func check(controlling tieBreaker: UInt64) -> [UInt8] {
            STUNMessage(method: .binding, messageClass: .request, transactionID: .random(),
                        attributes: [.username("\(Self.localUfrag):\(Self.serverUfrag)"), .priority(1),
                                     .iceControlling(tieBreaker)])
                .serialized(integrityPassword: Array(Self.localPassword.utf8), fingerprint: true)
        }
        let smaller = agent.tieBreaker == 0 ? 0 : agent.tieBreaker - 1
        let answer = check(controlling: smaller).withUnsafeBytes { agent.handle($0, from: Self.server, now: now) }
        let error = try Self.parse(try #require(answer.response))
        #expect(error.errorCode?.code == 487)
        #expect(agent.role == .controlling)
        let unauthenticated = STUNMessage(method: .binding, messageClass: .request, transactionID: .random(),
                                          attributes: [.username("\(Self.localUfrag):\(Self.serverUfrag)")])
            .serialized(integrityPassword: Array("wrong-password-wrong-pw".utf8), fingerprint: true)
        let refused = unauthenticated.withUnsafeBytes { agent.handle($0, from: Self.server, now: now) }
        #expect(try Self.parse(try #require(refused.response)).errorCode?.code == 401)
    }

    @Test("Consent: checks every 4-6 s on the selected pair; 30 s without a response expires it (RFC 7675 §5.1)")
    func consent() throws {
        var agent = Self.agent()
        let start = ContinuousClock.now
        let check = try #require(agent.poll(now: start).transmits.first)
        _ = try Self.success(to: check.bytes).withUnsafeBytes { agent.handle($0, from: Self.server, now: start) }
        var consentChecks: [Duration] = []
        var expiredAt: Duration?
        var t = Duration.milliseconds(10)
        while t < .seconds(40) && expiredAt == nil {
            let (transmits, events) = agent.poll(now: start + t)
            for transmit in transmits {
                let message = try Self.parse(transmit.bytes)
                if message.messageClass == .request && !message.hasUseCandidate && message.priority != nil,
                   transmit.destination == Self.server, !consentChecks.contains(where: { t - $0 < .milliseconds(100) }) {
                    consentChecks.append(t)
                }
                // Answer the first consent check only.
                if consentChecks.count == 1 && message.messageClass == .request && t < .seconds(7) {
                    _ = try Self.success(to: transmit.bytes).withUnsafeBytes { agent.handle($0, from: Self.server, now: start + t) }
                }
            }
            if events.contains(.consentExpired) { expiredAt = t }
            t += .milliseconds(10)
        }
        let first = try #require(consentChecks.first)
        #expect(first >= .seconds(4) && first <= .seconds(6))
        let expired = try #require(expiredAt)
        // 30 s after the last answered consent check.
        #expect(expired >= first + .seconds(30) - .milliseconds(20) && expired <= first + .seconds(30) + .milliseconds(20))
        #expect(agent.state == .failed)
    }
}
