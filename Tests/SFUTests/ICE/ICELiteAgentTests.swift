import Testing
@testable import SFU

@Suite("ICE-lite agent")
struct ICELiteAgentTests {
    static let ufrag = "Lq8xH2vRk0aZ"
    static let password = "c3Rv+ZQ1pXy/8mWnT4kLb0Ae"
    static let remoteUfrag = "brws"
    static let browser = STUNAddress(ipv4: (198, 51, 100, 7), port: 61_234)
    static let browserV6 = STUNAddress(string: "2001:db8::42", port: 50_000)!

    /// A browser's connectivity check (RFC 8445 §7.2.2): Binding request with
    /// USERNAME, PRIORITY, ICE-CONTROLLING, optionally USE-CANDIDATE,
    /// MESSAGE-INTEGRITY and FINGERPRINT.
    static func check(username: String = "\(ufrag):\(remoteUfrag)", password: String? = password,
                      useCandidate: Bool = false, extra: [STUNAttribute] = [],
                      controlling: Bool = true, fingerprint: Bool = true,
                      id: STUNTransactionID = .random()) -> [UInt8] {
        var attributes: [STUNAttribute] = [.username(username), .priority(0x6E7F_1EFF)]
        attributes.append(controlling ? .iceControlling(0x1234_5678_9ABC_DEF0) : .iceControlled(0x1234))
        if useCandidate { attributes.append(.useCandidate) }
        attributes += extra
        return STUNMessage(method: .binding, messageClass: .request, transactionID: id, attributes: attributes)
            .serialized(integrityPassword: password.map { Array($0.utf8) }, fingerprint: fingerprint)
    }

    static func agent() -> ICELiteAgent {
        ICELiteAgent(localUfrag: ufrag, localPassword: password)
    }

    /// The response, parsed and checked: same transaction, integrity with the
    /// local password (or none), valid fingerprint.
    static func response(_ outcome: ICELiteAgent.Outcome, to request: [UInt8],
                         authenticated: Bool = true) throws -> STUNMessage {
        let bytes = try #require(outcome.response)
        let message = try bytes.withUnsafeBytes { try STUNMessage(parsing: $0) }
        let requestID = try request.withUnsafeBytes { try STUNMessage(parsing: $0) }.transactionID
        #expect(message.transactionID == requestID)
        bytes.withUnsafeBytes { raw in
            #expect(STUNMessage.verifyFingerprint(raw))
            #expect(STUNMessage.verifyIntegrity(raw, password: Array(password.utf8)) == authenticated)
        }
        #expect(message.hasMessageIntegrity == authenticated)
        return message
    }

    @Test("A valid check gets a success response with XOR-MAPPED-ADDRESS; no selection without USE-CANDIDATE")
    func validCheck() throws {
        var agent = Self.agent()
        #expect(agent.state == .new)
        let request = Self.check()
        let now = ContinuousClock.now
        let outcome = request.withUnsafeBytes { agent.handle($0, from: Self.browser, now: now) }
        let response = try Self.response(outcome, to: request)
        #expect(response.messageClass == .successResponse)
        #expect(response.method == .binding)
        #expect(response.xorMappedAddress == Self.browser)
        #expect(outcome.events == [.consentRefreshed])
        #expect(agent.selectedAddress == nil)
        #expect(agent.state == .checking)
        #expect(agent.lastConsent == now)
    }

    @Test("USE-CANDIDATE on a valid check selects the source (IPv4 and IPv6)", arguments: [browser, browserV6])
    func nomination(source: STUNAddress) throws {
        var agent = Self.agent()
        let request = Self.check(useCandidate: true)
        let outcome = request.withUnsafeBytes { agent.handle($0, from: source, now: .now) }
        let response = try Self.response(outcome, to: request)
        #expect(response.xorMappedAddress == source)
        #expect(outcome.events == [.selected(source), .consentRefreshed])
        #expect(agent.selectedAddress == source)
        #expect(agent.state == .connected)
        // The same nomination again selects nothing new.
        let again = Self.check(useCandidate: true)
        let second = again.withUnsafeBytes { agent.handle($0, from: source, now: .now) }
        #expect(second.events == [.consentRefreshed])
    }

    @Test("Wrong password: 401 without MESSAGE-INTEGRITY, no selection, no consent")
    func wrongPassword() throws {
        var agent = Self.agent()
        let request = Self.check(password: "c3Rv+ZQ1pXy/8mWnT4kLb0AE", useCandidate: true)
        let outcome = request.withUnsafeBytes { agent.handle($0, from: Self.browser, now: .now) }
        let response = try Self.response(outcome, to: request, authenticated: false)
        #expect(response.messageClass == .errorResponse)
        #expect(response.errorCode?.code == 401)
        #expect(outcome.events == [.rejected(.badIntegrity)])
        #expect(agent.selectedAddress == nil)
        #expect(agent.state == .new)
        #expect(agent.lastConsent == nil)
    }

    @Test("Wrong ufrag: 401", arguments: [
        "other:brws",  // someone else's ufrag
        "Lq8xH2vRk0a:brws",  // a prefix of ours
        "Lq8xH2vRk0aZZ:brws",  // ours plus more
        "Lq8xH2vRk0aZ",  // no colon
        "brws:Lq8xH2vRk0aZ",  // swapped
        "Lq8xH2vRk0aZ:other",  // remote ufrag known and different
    ])
    func wrongUfrag(username: String) throws {
        var agent = Self.agent()
        agent.remoteUfrag = Self.remoteUfrag
        let request = Self.check(username: username, useCandidate: true)
        let outcome = request.withUnsafeBytes { agent.handle($0, from: Self.browser, now: .now) }
        let response = try Self.response(outcome, to: request, authenticated: false)
        #expect(response.errorCode?.code == 401)
        #expect(outcome.events == [.rejected(.wrongUsername(username))])
        #expect(ICELiteAgent.Rejection.wrongUsername(username).label == "wrong_username")
        #expect(agent.selectedAddress == nil)
    }

    @Test("While the remote ufrag is unknown any remote part is accepted")
    func unknownRemoteUfrag() throws {
        var agent = Self.agent()
        let request = Self.check(username: "\(Self.ufrag):whatever", useCandidate: true)
        let outcome = request.withUnsafeBytes { agent.handle($0, from: Self.browser, now: .now) }
        #expect(try Self.response(outcome, to: request).messageClass == .successResponse)
        agent.remoteUfrag = "known"
        let later = Self.check(username: "\(Self.ufrag):whatever")
        let rejected = later.withUnsafeBytes { agent.handle($0, from: Self.browser, now: .now) }
        #expect(try Self.response(rejected, to: later, authenticated: false).errorCode?.code == 401)
    }

    @Test("No MESSAGE-INTEGRITY or no USERNAME: 400")
    func missingCredentials() throws {
        var agent = Self.agent()
        let noIntegrity = Self.check(password: nil)
        let first = noIntegrity.withUnsafeBytes { agent.handle($0, from: Self.browser, now: .now) }
        #expect(try Self.response(first, to: noIntegrity, authenticated: false).errorCode?.code == 400)
        #expect(first.events == [.rejected(.missingCredentials)])

        let noUsername = STUNMessage(method: .binding, messageClass: .request, transactionID: .random(),
                                     attributes: [.iceControlling(1), .useCandidate])
            .serialized(integrityPassword: Array(Self.password.utf8), fingerprint: true)
        let second = noUsername.withUnsafeBytes { agent.handle($0, from: Self.browser, now: .now) }
        #expect(try Self.response(second, to: noUsername, authenticated: false).errorCode?.code == 400)
        #expect(agent.selectedAddress == nil)
    }

    @Test("ICE-CONTROLLED from the browser is a role conflict: 487 with integrity")
    func roleConflict() throws {
        var agent = Self.agent()
        let request = Self.check(useCandidate: true, controlling: false)
        let outcome = request.withUnsafeBytes { agent.handle($0, from: Self.browser, now: .now) }
        let response = try Self.response(outcome, to: request)
        #expect(response.errorCode?.code == 487)
        #expect(outcome.events == [.rejected(.roleConflict)])
        #expect(agent.selectedAddress == nil)
    }

    @Test("RFC 5769's sample request (ICE-CONTROLLED) gets 487 from agent evtj")
    func rfc5769RequestConflicts() throws {
        var agent = ICELiteAgent(localUfrag: "evtj", localPassword: "VOkJxbRl1RmTxUk/WvJxBt")
        let outcome = ICETestBytes.rfc5769Request.withUnsafeBytes { agent.handle($0, from: Self.browser, now: .now) }
        let bytes = try #require(outcome.response)
        let response = try bytes.withUnsafeBytes { try STUNMessage(parsing: $0) }
        #expect(response.errorCode?.code == 487)
        #expect(response.transactionID == ICETestBytes.rfc5769TransactionID)
        bytes.withUnsafeBytes { #expect(STUNMessage.verifyIntegrity($0, password: ICETestBytes.rfc5769Password)) }
    }

    @Test("Unknown comprehension-required attribute: 420 with UNKNOWN-ATTRIBUTES; optional ones are fine")
    func unknownAttributes() throws {
        var agent = Self.agent()
        let request = Self.check(extra: [.unknown(type: 0x0F00, value: [1]), .unknown(type: 0xC057, value: [0, 0, 0, 1])])
        let outcome = request.withUnsafeBytes { agent.handle($0, from: Self.browser, now: .now) }
        let response = try Self.response(outcome, to: request)
        #expect(response.errorCode?.code == 420)
        #expect(response.attributes.contains(.unknownAttributes([0x0F00])))
        #expect(outcome.events == [.rejected(.unknownAttributes([0x0F00]))])

        let optional = Self.check(extra: [.unknown(type: 0xC057, value: [0, 0, 0, 1])])
        let accepted = optional.withUnsafeBytes { agent.handle($0, from: Self.browser, now: .now) }
        #expect(try Self.response(accepted, to: optional).messageClass == .successResponse)
    }

    @Test("A broken FINGERPRINT, responses, indications and garbage get no response")
    func silentDrops() {
        var agent = Self.agent()
        var badFingerprint = Self.check(useCandidate: true)
        badFingerprint[badFingerprint.count - 1] ^= 1
        let first = badFingerprint.withUnsafeBytes { agent.handle($0, from: Self.browser, now: .now) }
        #expect(first.response == nil)
        #expect(first.events == [.rejected(.badFingerprint)])

        let indication = STUNMessage(method: .binding, messageClass: .indication, transactionID: .random())
            .serialized(integrityPassword: nil, fingerprint: true)
        let second = indication.withUnsafeBytes { agent.handle($0, from: Self.browser, now: .now) }
        #expect(second.response == nil && second.events.isEmpty)

        let response = STUNMessage(method: .binding, messageClass: .successResponse, transactionID: .random(),
                                   attributes: [.xorMappedAddress(Self.browser)])
            .serialized(integrityPassword: Array(Self.password.utf8), fingerprint: true)
        let third = response.withUnsafeBytes { agent.handle($0, from: Self.browser, now: .now) }
        #expect(third.response == nil)
        #expect(third.events == [.rejected(.unexpectedResponse)])

        let garbage: [UInt8] = [0x00, 0x01, 0x00, 0x04, 0x21, 0x12, 0xA4, 0x42]
        let fourth = garbage.withUnsafeBytes { agent.handle($0, from: Self.browser, now: .now) }
        #expect(fourth.response == nil)
        #expect(fourth.events == [.rejected(.malformed(.tooShort(count: 8)))])
        #expect(agent.state == .new && agent.selectedAddress == nil)
    }

    @Test("A request for another method: 400")
    func otherMethod() throws {
        var agent = Self.agent()
        let allocate = STUNMessage(method: STUNMessage.Method(rawValue: 0x003), messageClass: .request,
                                   transactionID: .random(), attributes: [.username("\(Self.ufrag):x")])
            .serialized(integrityPassword: Array(Self.password.utf8), fingerprint: true)
        let outcome = allocate.withUnsafeBytes { agent.handle($0, from: Self.browser, now: .now) }
        let response = try Self.response(outcome, to: allocate, authenticated: false)
        #expect(response.errorCode?.code == 400)
        #expect(response.method.rawValue == 0x003)
        #expect(outcome.events == [.rejected(.unsupportedMethod(0x003))])
    }

    @Test("Consent: disconnected after 7.5 s, failed once after 30 s without checks")
    func consentExpiry() {
        var agent = Self.agent()
        let start = ContinuousClock.now
        let expired1 = agent.tick(now: start + .seconds(100))
        #expect(!expired1)  // never checked: stays new
        #expect(agent.state == .new)
        let request = Self.check(useCandidate: true)
        _ = request.withUnsafeBytes { agent.handle($0, from: Self.browser, now: start) }
        #expect(agent.state == .connected)
        let expired2 = agent.tick(now: start + .seconds(5))
        #expect(!expired2)
        #expect(agent.state == .connected)
        let expired3 = agent.tick(now: start + .seconds(8))
        #expect(!expired3)
        #expect(agent.state == .disconnected)
        // A check on the selected pair brings it back and restarts the clock.
        let refresh = Self.check(useCandidate: true)
        let outcome = refresh.withUnsafeBytes { agent.handle($0, from: Self.browser, now: start + .seconds(10)) }
        #expect(outcome.events == [.consentRefreshed])
        #expect(agent.state == .connected)
        let expired4 = agent.tick(now: start + .seconds(39))
        #expect(!expired4)
        #expect(agent.state == .disconnected)
        let expired5 = agent.tick(now: start + .seconds(40))
        #expect(expired5)
        #expect(agent.state == .failed)
        let expired6 = agent.tick(now: start + .seconds(41))
        #expect(!expired6)  // only once
        // A failed agent answers nothing.
        let late = Self.check(useCandidate: true)
        let after = late.withUnsafeBytes { agent.handle($0, from: Self.browser, now: start + .seconds(42)) }
        #expect(after.response == nil)
        #expect(after.events == [.rejected(.closed)])
        #expect(agent.state == .failed)
    }

    @Test("Checks from an unselected address get answers but do not keep the selected pair alive")
    func consentIsPerPair() throws {
        var agent = Self.agent()
        let start = ContinuousClock.now
        _ = Self.check(useCandidate: true).withUnsafeBytes { agent.handle($0, from: Self.browser, now: start) }
        let other = STUNAddress(ipv4: (10, 1, 2, 3), port: 9)
        for second in stride(from: 5, through: 30, by: 5) {
            let request = Self.check()
            let outcome = request.withUnsafeBytes { agent.handle($0, from: other, now: start + .seconds(second)) }
            #expect(try Self.response(outcome, to: request).xorMappedAddress == other)
            #expect(outcome.events.isEmpty)
        }
        let expired7 = agent.tick(now: start + .seconds(30))
        #expect(expired7)
        #expect(agent.selectedAddress == Self.browser)
    }

    @Test("A later nomination from a new address re-selects (network change)")
    func reselection() {
        var agent = Self.agent()
        let start = ContinuousClock.now
        _ = Self.check(useCandidate: true).withUnsafeBytes { agent.handle($0, from: Self.browser, now: start) }
        #expect(agent.selectedAddress == Self.browser)
        let moved = Self.check(useCandidate: true)
        let outcome = moved.withUnsafeBytes { agent.handle($0, from: Self.browserV6, now: start + .seconds(3)) }
        #expect(outcome.events == [.selected(Self.browserV6), .consentRefreshed])
        #expect(agent.selectedAddress == Self.browserV6)
        #expect(agent.state == .connected)
        // The old path no longer refreshes consent.
        let old = Self.check()
        let stale = old.withUnsafeBytes { agent.handle($0, from: Self.browser, now: start + .seconds(4)) }
        #expect(stale.events.isEmpty)
        #expect(agent.lastConsent == start + .seconds(3))
    }

    @Test("close() stops the agent")
    func close() {
        var agent = Self.agent()
        agent.close()
        let outcome = Self.check(useCandidate: true).withUnsafeBytes { agent.handle($0, from: Self.browser, now: .now) }
        #expect(outcome.response == nil)
        #expect(agent.state == .closed)
        let expired8 = agent.tick(now: .now + .seconds(60))
        #expect(!expired8)
    }

    @Test("Random credentials: lengths and ice-chars (RFC 8839 §5.4)")
    func credentials() {
        let iceChars = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var seen = Set<String>()
        for _ in 0..<200 {
            let (ufrag, password) = ICELiteAgent.randomCredentials()
            #expect(ufrag.count == 12)
            #expect(password.count == 24)
            #expect(ufrag.allSatisfy(iceChars.contains) && password.allSatisfy(iceChars.contains))
            seen.insert(ufrag)
        }
        #expect(seen.count == 200)
        var generator = ICETestRandom(seed: 1)
        var again = ICETestRandom(seed: 1)
        #expect(ICELiteAgent.randomCredentials(using: &generator) == ICELiteAgent.randomCredentials(using: &again))
    }

    @Test("The demultiplexing peek finds the agent's ufrag in its checks")
    func peekMatchesAgent() {
        let (ufrag, password) = ICELiteAgent.randomCredentials()
        let request = STUNMessage(method: .binding, messageClass: .request, transactionID: .random(),
                                  attributes: [.username("\(ufrag):abcd"), .iceControlling(7)])
            .serialized(integrityPassword: Array(password.utf8), fingerprint: true)
        request.withUnsafeBytes { #expect(STUNMessage.localUsernameFragment($0) == ufrag) }
    }
}
