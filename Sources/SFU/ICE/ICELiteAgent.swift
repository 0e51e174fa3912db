/// The ICE-lite side of one transport (one browser peer connection): a state
/// machine without sockets, with time passed in as `ContinuousClock.Instant`.
///
/// Parley is a lite agent (RFC 8445 §2.5, §6.1.1): it has host candidates on
/// one UDP port, never sends connectivity checks, and is always controlled. The
/// browser, the full and controlling agent, sends Binding requests; the agent
/// answers each one (RFC 8445 §7.3) and selects the address of a valid check
/// that carries USE-CANDIDATE (§7.3.1.5, §8.2). Consent (RFC 7675) is judged
/// from the checks the browser keeps sending on the selected pair.
public struct ICELiteAgent: Sendable {
    /// The local username fragment (our `a=ice-ufrag`).
    public private(set) var localUfrag: String
    /// The local password (our `a=ice-pwd`); keys MESSAGE-INTEGRITY both ways.
    public private(set) var localPassword: String
    /// The credentials before an ICE restart, still accepted until the
    /// browser's first check with the new ones (RFC 8445 §9: media and
    /// consent carry on over the old pair while the restart runs).
    private(set) var previous: (ufrag: String, remoteUfrag: String?, key: [UInt8])?
    /// The browser's ufrag from its SDP. While nil, any remote part of USERNAME is accepted.
    public var remoteUfrag: String?
    /// The browser's password from its SDP. A lite agent sends no checks, so
    /// nothing here uses it; the transport keeps it with the rest of the ICE state.
    public var remotePassword: String?
    /// The address media goes to: the source of the nominated pair
    /// (RFC 8445 §7.3.1.5, §8.2; see `takesOver(_:now:)`).
    public private(set) var selectedAddress: STUNAddress?
    /// Whether the selected pair is UDP or ICE-TCP (RFC 6544). A browser may
    /// use one address for both (Firefox binds its active TCP candidates to
    /// its UDP port), so the address alone does not name a pair.
    public private(set) var selectedProtocol: PathProtocol = .udp
    /// The priority (RFC 8445 §6.1.2.3) of the selected pair; nil while no
    /// pair is selected, and after a restart until the browser nominates
    /// with the new credentials.
    public private(set) var selectedPriority: UInt64?
    /// The priorities of Parley's own candidates (the "controlled" half of a
    /// pair's priority), by protocol: the host UDP and passive TCP
    /// candidates of the SDP (`Candidate.priority`).
    public var localPriorities = LocalPriorities()

    /// The transport protocol of a candidate pair.
    public enum PathProtocol: Sendable, Equatable { case udp, tcp }
    /// The current state.
    public private(set) var state: State
    /// When the last check that refreshed consent arrived.
    public private(set) var lastConsent: ContinuousClock.Instant?
    /// How long without a valid check before consent expires (RFC 7675 §5.1: 30 s).
    public var consentTimeout: Duration = .seconds(30)
    /// How long without a valid check on the selected pair before the state
    /// shows `.disconnected`. Chrome checks the selected pair every 2.5 s;
    /// RFC 7675 §5.1 consent checks come every 4…6 s (5 s ± 20 %), so a
    /// 5 s threshold would flap with Firefox.
    public var disconnectedTimeout: Duration = .milliseconds(7_500)

    /// `localPassword` as bytes: the short-term credential key (RFC 8489 §9.1.1).
    private(set) var passwordKey: [UInt8]

    /// An agent with the credentials advertised in the local SDP.
    public init(localUfrag: String, localPassword: String) {
        self.localUfrag = localUfrag
        self.localPassword = localPassword
        self.passwordKey = Array(localPassword.utf8)
        self.state = .new
    }

    /// Advances time: consent expires when no check refreshed it for
    /// `consentTimeout` (RFC 7675 §5.1), and a selected pair shows
    /// `.disconnected` after `disconnectedTimeout`. Returns true exactly once,
    /// on the call that moves the agent to `.failed`. An agent that never saw a
    /// valid check stays `.new`: how long to wait for the first one is the
    /// transport's decision.
    public mutating func tick(now: ContinuousClock.Instant) -> Bool {
        guard let last = lastConsent else { return false }
        switch state {
        case .checking, .connected, .disconnected:
            let quiet = last.duration(to: now)
            if quiet >= consentTimeout {
                state = .failed
                return true
            }
            if state == .connected && quiet >= disconnectedTimeout {
                state = .disconnected
            }
            return false
        case .new, .failed, .closed:
            return false
        }
    }

    /// An ICE restart (RFC 8445 §9, RFC 8839 §4.4.1.1.1): new local
    /// credentials, and the browser's new ones to come from its SDP. The
    /// selected address and consent stay until a check with the new
    /// credentials nominates a pair; until then checks with the old ones are
    /// still answered, so the running session does not lose consent.
    public mutating func restart(localUfrag: String, localPassword: String) {
        previous = (self.localUfrag, remoteUfrag, passwordKey)
        self.localUfrag = localUfrag
        self.localPassword = localPassword
        self.passwordKey = Array(localPassword.utf8)
        remoteUfrag = nil
        remotePassword = nil
    }

    /// Stops the agent: later datagrams get no response.
    public mutating func close() {
        state = .closed
    }

    // MARK: - Connectivity checks (RFC 8445 §7.3, RFC 8489 §6.3, §9.1.3)

    /// Handles one datagram already known to be STUN (see
    /// `STUNMessage.looksLikeSTUN(_:)`) that arrived from `source` at `now`.
    ///
    /// - A valid Binding request gets a success response with
    ///   XOR-MAPPED-ADDRESS = `source`, MESSAGE-INTEGRITY keyed with the local
    ///   password, and FINGERPRINT (RFC 8445 §7.3.1.2, RFC 8489 §6.3.1.1); it
    ///   refreshes consent, and with USE-CANDIDATE selects `source`.
    /// - A request that fails a check gets an error response: 400 (no USERNAME
    ///   or MESSAGE-INTEGRITY, or not Binding), 401 (wrong ufrag or integrity),
    ///   420 (unknown comprehension-required attributes) or 487 (role conflict).
    ///   400 and 401 carry no MESSAGE-INTEGRITY (the request was not
    ///   authenticated); 420 and 487 do. All carry FINGERPRINT.
    /// - Garbage, responses, indications (keepalives, RFC 8445 §11) and
    ///   anything after `.failed` or `.closed` get no response.
    public mutating func handle(_ bytes: UnsafeRawBufferPointer, from source: STUNAddress,
                                over path: PathProtocol = .udp, now: ContinuousClock.Instant) -> Outcome {
        guard state != .failed && state != .closed else {
            return Outcome(events: [.rejected(.closed)])
        }
        let message: STUNMessage
        do {
            message = try STUNMessage(parsing: bytes)
        } catch {
            return Outcome(events: [.rejected(.malformed(error))])
        }
        // RFC 8489 §7.3: a message whose FINGERPRINT fails is not STUN at all.
        if message.hasFingerprint && !STUNMessage.verifyFingerprint(bytes) {
            return Outcome(events: [.rejected(.badFingerprint)])
        }
        switch message.messageClass {
        case .request:
            break
        case .indication:
            // Binding indications are keepalives (RFC 8445 §11); they are not
            // authenticated, so they neither answer nor refresh consent.
            return Outcome()
        case .successResponse, .errorResponse:
            return Outcome(events: [.rejected(.unexpectedResponse)])
        }
        guard message.method == .binding else {
            return reject(message, .unsupportedMethod(message.method.rawValue), code: 400, authenticated: false)
        }

        // RFC 8489 §9.1.3: short-term credential checks, in this order.
        guard let username = message.username, message.hasMessageIntegrity else {
            return reject(message, .missingCredentials, code: 400, authenticated: false)
        }
        // During an ICE restart a check may still use the old credentials.
        let key: [UInt8]
        if Self.username(username, matches: localUfrag, remote: remoteUfrag) {
            key = passwordKey
        } else if let previous, Self.username(username, matches: previous.ufrag, remote: previous.remoteUfrag) {
            key = previous.key
        } else {
            return reject(message, .wrongUsername(username), code: 401, authenticated: false)
        }
        guard STUNMessage.verifyIntegrity(bytes, password: key) else {
            return reject(message, .badIntegrity, code: 401, authenticated: false)
        }
        let usesNewCredentials = key == passwordKey

        // RFC 8489 §6.3.1.1: unknown comprehension-required attributes.
        let unknown = message.unknownComprehensionRequiredTypes
        if !unknown.isEmpty {
            return reject(message, .unknownAttributes(unknown), code: 420, authenticated: true,
                          extra: [.unknownAttributes(unknown)])
        }
        // RFC 8445 §7.3.1.1: a lite agent is always controlled (§6.1.1), so a
        // browser that also claims the controlled role is a conflict the lite
        // agent cannot resolve by switching; 487 tells the browser to switch.
        if message.iceControlled != nil {
            return reject(message, .roleConflict, code: 487, authenticated: true)
        }

        var outcome = Outcome()
        // RFC 8445 §7.3.1.5 / §8.2: a lite agent selects the pair of a valid
        // check with USE-CANDIDATE; which later nominations replace it is
        // `takesOver(_:now:)`. The restart is done once the browser nominates
        // with the new credentials, and that nomination always selects.
        let restartNomination = usesNewCredentials && message.hasUseCandidate && previous != nil
        if restartNomination { previous = nil }
        let onSelectedPair = selectedAddress == source && selectedProtocol == path
        if message.hasUseCandidate {
            let priority = pairPriority(remote: message.priority, over: path)
            if onSelectedPair {
                if restartNomination { selectedPriority = priority }
            } else if restartNomination || takesOver(priority, now: now) {
                selectedAddress = source
                selectedProtocol = path
                selectedPriority = priority
                outcome.events.append(.selected(source))
            }
        }
        // Consent is per pair (RFC 7675 §5.1): once a pair is selected, only
        // checks on it keep it alive.
        if selectedAddress == nil || (selectedAddress == source && selectedProtocol == path) {
            lastConsent = now
            outcome.events.append(.consentRefreshed)
            state = selectedAddress == nil ? .checking : .connected
        }

        let response = STUNMessage(method: .binding, messageClass: .successResponse,
                                   transactionID: message.transactionID,
                                   attributes: [.xorMappedAddress(source)])
        outcome.response = response.serialized(integrityPassword: key, fingerprint: true)
        return outcome
    }

    /// RFC 8445 §7.3: USERNAME must be "<local ufrag>:<remote ufrag>"; while the
    /// remote ufrag is unknown (the check can beat the browser's SDP answer),
    /// any remote part is accepted. Compared byte for byte: `String ==` would
    /// accept canonically equivalent but different bytes.
    func usernameIsValid(_ username: String) -> Bool {
        Self.username(username, matches: localUfrag, remote: remoteUfrag)
    }

    static func username(_ username: String, matches local: String, remote: String?) -> Bool {
        let utf8 = username.utf8
        guard let colon = utf8.firstIndex(of: UInt8(ascii: ":")) else { return false }
        guard utf8[..<colon].elementsEqual(local.utf8) else { return false }
        guard let remote else { return true }
        return utf8[utf8.index(after: colon)...].elementsEqual(remote.utf8)
    }

    /// An error response to `request` with `code` (RFC 8489 §6.3.1.1), and the rejection event.
    private func reject(_ request: STUNMessage, _ reason: Rejection, code: UInt16, authenticated: Bool,
                        extra: [STUNAttribute] = []) -> Outcome {
        let phrase: String
        switch code {
        case 400: phrase = "Bad Request"
        case 401: phrase = "Unauthenticated"
        case 420: phrase = "Unknown Attribute"
        case 487: phrase = "Role Conflict"
        default: phrase = ""
        }
        let response = STUNMessage(method: request.method, messageClass: .errorResponse,
                                   transactionID: request.transactionID,
                                   attributes: [.errorCode(code: code, reason: phrase)] + extra)
        return Outcome(response: response.serialized(integrityPassword: authenticated ? passwordKey : nil,
                                                     fingerprint: true),
                       events: [.rejected(reason)])
    }
}
