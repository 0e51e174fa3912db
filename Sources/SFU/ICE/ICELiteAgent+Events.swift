// The types `ICELiteAgent` reports with.
extension ICELiteAgent {
    /// Where the transport stands.
    public enum State: Hashable, Sendable {
        /// No valid check yet.
        case new
        /// Valid checks have arrived, none nominated a pair.
        case checking
        /// A pair is selected and checks on it keep arriving.
        case connected
        /// A pair is selected but no valid check arrived on it for
        /// `disconnectedTimeout` (for the user interface; media may still flow).
        case disconnected
        /// No valid check for `consentTimeout`: consent expired (RFC 7675 §5.1).
        /// Terminal; the browser must restart ICE, which makes a new agent.
        case failed
        /// Closed by `close()`. Terminal.
        case closed
    }

    /// Something the transport should act on or count.
    public enum Event: Hashable, Sendable {
        /// A valid check with USE-CANDIDATE from this address: send media
        /// there from now on (it replaces any earlier selection).
        case selected(STUNAddress)
        /// A valid check refreshed consent on the selected pair (or, before
        /// any selection, on the transport).
        case consentRefreshed
        /// The datagram was not a usable check; for logging and metrics.
        case rejected(Rejection)
    }

    /// Why a datagram was not accepted as a connectivity check.
    public enum Rejection: Hashable, Sendable {
        /// Not a well-formed STUN message. No response.
        case malformed(STUNParseError)
        /// FINGERPRINT present but wrong (RFC 8489 §7.3: not STUN). No response.
        case badFingerprint
        /// A response: a lite agent sends no requests. No response.
        case unexpectedResponse
        /// A request for a method other than Binding. 400 response.
        case unsupportedMethod(UInt16)
        /// A request without USERNAME or MESSAGE-INTEGRITY (RFC 8489 §9.1.3). 400 response.
        case missingCredentials
        /// USERNAME is not "<local ufrag>:<remote ufrag>" (RFC 8445 §7.3). 401 response.
        case wrongUsername(String)
        /// MESSAGE-INTEGRITY does not verify with the local password. 401 response.
        case badIntegrity
        /// Comprehension-required attributes the agent does not know (RFC 8489 §6.3.1.1). 420 response.
        case unknownAttributes([UInt16])
        /// ICE-CONTROLLED from the browser: both sides claim the controlled
        /// role, and a lite agent cannot switch (RFC 8445 §7.3.1.1, §6.1.1). 487 response.
        case roleConflict
        /// The agent is failed or closed. No response.
        case closed

        /// A fixed, low-cardinality name for metrics labels ("wrong_username",
        /// never the attacker-chosen username itself).
        public var label: String {
            switch self {
            case .malformed: return "malformed"
            case .badFingerprint: return "bad_fingerprint"
            case .unexpectedResponse: return "unexpected_response"
            case .unsupportedMethod: return "unsupported_method"
            case .missingCredentials: return "missing_credentials"
            case .wrongUsername: return "wrong_username"
            case .badIntegrity: return "bad_integrity"
            case .unknownAttributes: return "unknown_attributes"
            case .roleConflict: return "role_conflict"
            case .closed: return "closed"
            }
        }
    }

    /// What `handle(_:from:now:)` produced.
    public struct Outcome: Sendable {
        /// Bytes to send back to the source address, if any.
        public var response: [UInt8]?
        /// What happened, in order.
        public var events: [Event]

        /// An outcome.
        public init(response: [UInt8]? = nil, events: [Event] = []) {
            self.response = response
            self.events = events
        }
    }
}
