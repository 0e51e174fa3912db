import SFU

/// The full ICE agent of a simulated browser, in the controlling role
/// (RFC 8445): a state machine without sockets, with time passed in.
///
/// It is written apart from the server's `ICELiteAgent` on purpose: a second
/// implementation of the protocol finds what one implementation tested against
/// itself cannot. Only the STUN wire format (`STUNMessage`) is shared.
///
/// The agent has one local host candidate (the socket it is driven from) and
/// pairs it with each remote candidate from the peer's SDP. It paces checks
/// (Ta, RFC 8445 §14.2), retransmits them (RFC 8489 §6.2.1), nominates
/// aggressively (USE-CANDIDATE on every check, RFC 5245 §8.1.1.2, which
/// browsers still do against lite peers) or regularly (a second check with
/// USE-CANDIDATE on the first valid pair, RFC 8445 §8.1.1), resolves role
/// conflicts with the tie-breaker (§7.2.5.1, §7.3.1.1), answers the peer's
/// checks, and keeps consent fresh on the selected pair (RFC 7675).
public struct ICEControllingAgent: Sendable {
    /// How the controlling agent nominates (RFC 8445 §8.1.1).
    public enum Nomination: Sendable, Equatable {
        /// USE-CANDIDATE on the first check of every pair: the first pair to
        /// succeed is selected (RFC 5245 §8.1.1.2; what Chromium does).
        case aggressive
        /// Checks without USE-CANDIDATE first; then a check with it on the
        /// first valid pair (RFC 8445 §8.1.1).
        case regular
    }

    /// The agent's role (RFC 8445 §6.1.1). It starts controlling; a 487 or the
    /// peer's checks can switch it (§7.2.5.1, §7.3.1.1).
    public enum Role: Sendable, Equatable { case controlling, controlled }

    /// The connectivity state (RFC 8445 §6.1.3, RFC 7675).
    public enum State: Sendable, Equatable { case new, checking, connected, failed, closed }

    /// A datagram to send.
    public struct Transmit: Sendable, Equatable {
        public var bytes: [UInt8]
        public var destination: STUNAddress
    }

    /// What handling a datagram or the passing of time produced.
    public enum Event: Sendable, Equatable {
        /// A pair was nominated: media goes to this address from now on.
        case selected(STUNAddress)
        /// The role switched after a conflict (RFC 8445 §7.2.5.1, §7.3.1.1).
        case roleChanged(Role)
        /// No consent response for `consentTimeout` on the selected pair (RFC 7675 §5.1).
        case consentExpired
        /// Every pair failed before one was selected (RFC 8445 §8.1.2).
        case failed
    }

    /// The result of handling one datagram.
    public struct Outcome: Sendable {
        /// The answer to a check from the peer, if it sent one.
        public var response: [UInt8]?
        public var events: [Event] = []
    }

    /// The local credentials (our `a=ice-ufrag`, `a=ice-pwd`).
    public let localUfrag: String
    public let localPassword: String
    /// The peer's credentials from its SDP; checks carry
    /// "remoteUfrag:localUfrag" and are signed with the peer's password
    /// (RFC 8445 §7.2.2).
    public let remoteUfrag: String
    public let remotePassword: String
    /// The tie-breaker sent in ICE-CONTROLLING / ICE-CONTROLLED (RFC 8445 §16.1).
    public let tieBreaker: UInt64
    public let nomination: Nomination
    public internal(set) var role: Role = .controlling
    public internal(set) var state: State = .new
    /// The nominated remote address.
    public internal(set) var selected: STUNAddress?

    /// Ta, the pacing of new checks (RFC 8445 §14.2: 50 ms by default).
    public var pacing: Duration = .milliseconds(50)
    /// The first retransmission timeout of a check; it doubles on each
    /// retransmission (RFC 8489 §6.2.1). Browsers start near 250 ms.
    public var initialRTO: Duration = .milliseconds(250)
    /// Transmissions of one check before the pair fails (RFC 8489 §6.2.1: Rc = 7).
    public var maximumTransmissions = 7
    /// The mean interval of consent checks (RFC 7675 §5.1: 5 s, randomised ±20 %).
    public var consentInterval: Duration = .seconds(5)
    /// Consent expires after this long without a response (RFC 7675 §5.1: 30 s).
    public var consentTimeout: Duration = .seconds(30)

    /// The PRIORITY of our checks: a peer-reflexive candidate's priority
    /// (RFC 8445 §7.1.1, type preference 110, §5.1.2.2).
    public let checkPriority: UInt32 = (110 << 24) | (65535 << 8) | (256 - 1)

    var pairs: [CandidatePair] = []
    var transactions: [STUNTransactionID: Transaction] = [:]
    var lastCheckAt: ContinuousClock.Instant?
    var lastConsentAt: ContinuousClock.Instant?
    var nextConsentAt: ContinuousClock.Instant?
    var random: SplitMix64

    /// An agent for one peer connection. `seed` makes transaction ids, the
    /// tie-breaker and the consent jitter reproducible in tests.
    public init(localUfrag: String, localPassword: String, remoteUfrag: String, remotePassword: String,
                nomination: Nomination = .aggressive, seed: UInt64 = UInt64.random(in: .min ... .max)) {
        self.localUfrag = localUfrag
        self.localPassword = localPassword
        self.remoteUfrag = remoteUfrag
        self.remotePassword = remotePassword
        self.nomination = nomination
        self.random = SplitMix64(seed: seed)
        self.tieBreaker = random.next()
    }

    /// Adds a remote candidate from the peer's SDP (RFC 8445 §6.1.2): a pair
    /// with our one host candidate, ordered by the peer's priority (with one
    /// local candidate the pair priority of §6.1.2.3 orders pairs the same way).
    public mutating func addRemoteCandidate(_ address: STUNAddress, priority: UInt32) {
        guard state != .closed, !pairs.contains(where: { $0.remote == address }) else { return }
        pairs.append(CandidatePair(remote: address, remotePriority: priority))
        pairs.sort { $0.remotePriority > $1.remotePriority }
        if state == .new { state = .checking }
    }

    /// Stops the agent: nothing more is sent or answered.
    public mutating func close() {
        state = .closed
        transactions.removeAll()
    }

    /// The datagrams due at `now` (new checks paced by Ta, retransmissions,
    /// consent checks) and the events of timeouts.
    public mutating func poll(now: ContinuousClock.Instant) -> (transmits: [Transmit], events: [Event]) {
        var transmits: [Transmit] = []
        var events: [Event] = []
        guard state == .checking || state == .connected else { return ([], []) }
        retransmit(now: now, into: &transmits)
        if state == .checking {
            startNextCheck(now: now, into: &transmits)
            if pairs.count > 0, pairs.allSatisfy({ $0.state == .failed }) {
                state = .failed
                events.append(.failed)
            }
        }
        if state == .connected, let selected {
            if let last = lastConsentAt, last.duration(to: now) >= consentTimeout {
                state = .failed
                transactions.removeAll()
                events.append(.consentExpired)
            } else if let next = nextConsentAt, now >= next {
                // RFC 7675 §5.1: a Binding request on the selected pair, at
                // randomised intervals so that agents do not synchronise.
                transmits.append(send(to: selected, purpose: .consent, useCandidate: false, now: now))
                scheduleConsent(after: now)
            }
        }
        return (transmits, events)
    }
}
