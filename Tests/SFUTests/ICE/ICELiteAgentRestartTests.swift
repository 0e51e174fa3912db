import Testing
@testable import SFU

/// ICE restart (RFC 8445 §9) on the lite side: new credentials, the old ones
/// answered until the browser nominates with the new ones, the old pair kept
/// for media meanwhile.
@Suite("ICE-lite agent: restart")
struct ICELiteAgentRestartTests {
    typealias T = ICELiteAgentTests
    static let newUfrag = "Nw7yK3sQp1bZ"
    static let newPassword = "N3wP+ZQ1pXy/8mWnT4kLb0Ae"
    static let moved = STUNAddress(ipv4: (203, 0, 113, 9), port: 40_001)

    func connected() -> ICELiteAgent {
        var agent = T.agent()
        agent.remoteUfrag = T.remoteUfrag
        let nominate = T.check(useCandidate: true)
        _ = nominate.withUnsafeBytes { agent.handle($0, from: T.browser, now: .now) }
        return agent
    }

    func isSuccess(_ outcome: ICELiteAgent.Outcome) throws -> Bool {
        let bytes = try #require(outcome.response)
        return try bytes.withUnsafeBytes { try STUNMessage(parsing: $0) }.messageClass == .successResponse
    }

    @Test("after a restart the old pair keeps media and consent until the browser nominates with the new credentials")
    func oldCredentialsServeUntilTheNewPairIsNominated() throws {
        var agent = connected()
        #expect(agent.selectedAddress == T.browser)
        agent.restart(localUfrag: Self.newUfrag, localPassword: Self.newPassword)
        #expect(agent.localUfrag == Self.newUfrag)
        #expect(agent.remoteUfrag == nil)
        // Consent checks on the old pair, old credentials: still answered, consent kept.
        let old = T.check()
        let oldOutcome = old.withUnsafeBytes { agent.handle($0, from: T.browser, now: .now) }
        #expect(try isSuccess(oldOutcome))
        #expect(oldOutcome.events.contains(.consentRefreshed))
        #expect(agent.selectedAddress == T.browser)
        // The browser's new network: a nomination with the new credentials moves media there.
        agent.remoteUfrag = "nwbr"
        let fresh = T.check(username: "\(Self.newUfrag):nwbr", password: Self.newPassword, useCandidate: true)
        let freshOutcome = fresh.withUnsafeBytes { agent.handle($0, from: Self.moved, now: .now) }
        #expect(try isSuccess(freshOutcome))
        #expect(freshOutcome.events.contains(.selected(Self.moved)))
        #expect(agent.selectedAddress == Self.moved)
        #expect(agent.state == .connected)
        // The restart is over: the old credentials are refused (RFC 8445 §9).
        let stale = T.check()
        let staleOutcome = stale.withUnsafeBytes { agent.handle($0, from: T.browser, now: .now) }
        #expect(try !isSuccess(staleOutcome))
        #expect(staleOutcome.events.contains { if case .rejected(.wrongUsername) = $0 { true } else { false } })
    }

    @Test("a response to an old-credential check is keyed with the old password, a new one with the new")
    func responsesAreKeyedWithTheCredentialsOfTheCheck() throws {
        var agent = connected()
        agent.restart(localUfrag: Self.newUfrag, localPassword: Self.newPassword)
        let old = T.check()
        let oldResponse = try #require(old.withUnsafeBytes { agent.handle($0, from: T.browser, now: .now) }.response)
        oldResponse.withUnsafeBytes { #expect(STUNMessage.verifyIntegrity($0, password: Array(T.password.utf8))) }
        let fresh = T.check(username: "\(Self.newUfrag):nwbr", password: Self.newPassword)
        let freshResponse = try #require(fresh.withUnsafeBytes { agent.handle($0, from: T.browser, now: .now) }.response)
        freshResponse.withUnsafeBytes { #expect(STUNMessage.verifyIntegrity($0, password: Array(Self.newPassword.utf8))) }
    }

    @Test("a check with the new ufrag but the old password fails integrity")
    func mixedCredentialsAreRefused() throws {
        var agent = connected()
        agent.restart(localUfrag: Self.newUfrag, localPassword: Self.newPassword)
        let mixed = T.check(username: "\(Self.newUfrag):nwbr", password: T.password, useCandidate: true)
        let outcome = mixed.withUnsafeBytes { agent.handle($0, from: Self.moved, now: .now) }
        #expect(try !isSuccess(outcome))
        #expect(agent.selectedAddress == T.browser)
    }
}

/// A browser may check from one address over UDP and ICE-TCP (Firefox binds
/// its active TCP candidates to its UDP port): a pair is its address and protocol.
@Suite("ICE-lite agent: UDP and TCP pairs from one address")
struct ICELiteAgentProtocolTests {
    typealias T = ICELiteAgentTests

    @Test("a UDP nomination after a TCP one from the same address selects the UDP pair")
    func sameAddressOtherProtocolIsAnotherPair() {
        var agent = T.agent()
        let nominate = T.check(useCandidate: true)
        let tcp = nominate.withUnsafeBytes { agent.handle($0, from: T.browser, over: .tcp, now: .now) }
        #expect(tcp.events.contains(.selected(T.browser)))
        #expect(agent.selectedProtocol == .tcp)
        let udp = nominate.withUnsafeBytes { agent.handle($0, from: T.browser, over: .udp, now: .now) }
        #expect(udp.events.contains(.selected(T.browser)), "the UDP pair was taken for the TCP one")
        #expect(agent.selectedProtocol == .udp)
        // Consent now comes from the UDP pair only.
        let tcpCheck = T.check().withUnsafeBytes { agent.handle($0, from: T.browser, over: .tcp, now: .now) }
        #expect(!tcpCheck.events.contains(.consentRefreshed))
        let udpCheck = T.check().withUnsafeBytes { agent.handle($0, from: T.browser, over: .udp, now: .now) }
        #expect(udpCheck.events.contains(.consentRefreshed))
    }
}

/// Which of several nominated pairs carries media (RFC 8445 §8.1.1, §6.1.2.3).
@Suite("ICE-lite agent: choosing among nominations")
struct ICELiteAgentNominationTests {
    typealias T = ICELiteAgentTests
    /// PRIORITY values as Firefox sends them for a peer-reflexive UDP and an
    /// active TCP candidate (type preference 110 and lower TCP preferences).
    static let udpPriority: UInt32 = 0x6E7F_1EFF
    static let tcpPriority: UInt32 = 0x5A7F_1EFF

    static func nomination(priority: UInt32) -> [UInt8] {
        STUNMessage(method: .binding, messageClass: .request, transactionID: .random(), attributes: [
            .username("\(T.ufrag):\(T.remoteUfrag)"), .priority(priority), .iceControlling(7), .useCandidate,
        ]).serialized(integrityPassword: Array(T.password.utf8), fingerprint: true)
    }

    @Test("RFC 8445 §6.1.2.3: the pair priority formula, and UDP outranks TCP")
    func formula() {
        let agent = T.agent()
        let g: UInt64 = 0x6E7F_1EFF, d: UInt64 = 2_130_706_431
        #expect(agent.pairPriority(remote: UInt32(g), over: .udp) == (min(g, d) << 32) + 2 * max(g, d) + (g > d ? 1 : 0))
        #expect(agent.pairPriority(remote: Self.udpPriority, over: .udp) > agent.pairPriority(remote: Self.tcpPriority, over: .tcp))
        #expect(agent.pairPriority(remote: nil, over: .udp) < agent.pairPriority(remote: 1, over: .udp))
    }

    @Test("Firefox's aggressive TCP nomination after its UDP one leaves the UDP pair selected")
    func aggressiveNominationKeepsTheBestPair() throws {
        var agent = T.agent()
        let start = ContinuousClock.now
        let udp = Self.nomination(priority: Self.udpPriority).withUnsafeBytes {
            agent.handle($0, from: T.browser, over: .udp, now: start)
        }
        #expect(udp.events.contains(.selected(T.browser)))
        let tcpRequest = Self.nomination(priority: Self.tcpPriority)
        let tcp = tcpRequest.withUnsafeBytes {
            agent.handle($0, from: T.browser, over: .tcp, now: start + .milliseconds(40))
        }
        #expect(!tcp.events.contains(.selected(T.browser)), "a lower-priority nomination took the path")
        #expect(try T.response(tcp, to: tcpRequest).messageClass == .successResponse, "the TCP check still succeeds")
        #expect(agent.selectedProtocol == .udp)
    }

    @Test("a lower-priority nomination takes over once the selected pair has been quiet for 7.5 s")
    func lowerPriorityAfterTheSelectedPairWentQuiet() {
        var agent = T.agent()
        let start = ContinuousClock.now
        _ = Self.nomination(priority: Self.udpPriority).withUnsafeBytes { agent.handle($0, from: T.browser, now: start) }
        let early = Self.nomination(priority: Self.tcpPriority).withUnsafeBytes {
            agent.handle($0, from: ICELiteAgentRestartTests.moved, now: start + .seconds(7))
        }
        #expect(!early.events.contains(.selected(ICELiteAgentRestartTests.moved)))
        let late = Self.nomination(priority: Self.tcpPriority).withUnsafeBytes {
            agent.handle($0, from: ICELiteAgentRestartTests.moved, now: start + .seconds(8))
        }
        #expect(late.events.contains(.selected(ICELiteAgentRestartTests.moved)))
        #expect(agent.selectedAddress == ICELiteAgentRestartTests.moved)
    }

    @Test("after an ICE restart the first nomination with the new credentials selects, whatever its priority")
    func restartNominationSelects() {
        var agent = T.agent()
        agent.remoteUfrag = T.remoteUfrag
        let start = ContinuousClock.now
        _ = Self.nomination(priority: Self.udpPriority).withUnsafeBytes { agent.handle($0, from: T.browser, now: start) }
        agent.restart(localUfrag: ICELiteAgentRestartTests.newUfrag, localPassword: ICELiteAgentRestartTests.newPassword)
        agent.remoteUfrag = "brw2"
        let request = STUNMessage(method: .binding, messageClass: .request, transactionID: .random(), attributes: [
            .username("\(ICELiteAgentRestartTests.newUfrag):brw2"), .priority(Self.tcpPriority), .iceControlling(7), .useCandidate,
        ]).serialized(integrityPassword: Array(ICELiteAgentRestartTests.newPassword.utf8), fingerprint: true)
        let outcome = request.withUnsafeBytes {
            agent.handle($0, from: ICELiteAgentRestartTests.moved, over: .tcp, now: start + .seconds(1))
        }
        #expect(outcome.events.contains(.selected(ICELiteAgentRestartTests.moved)))
        #expect(agent.selectedProtocol == .tcp)
    }
}
