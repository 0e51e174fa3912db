import SDP
import SFU

/// The server's side of one peer connection as its SDP states it: ICE
/// credentials, DTLS fingerprint (RFC 8122 §5) and UDP host candidates.
public struct RemoteTransport: Sendable, Equatable {
    public var ufrag: String
    public var password: String
    public var fingerprint: Fingerprint
    public var candidates: [Candidate]
    public var isLite: Bool
    /// The peer's `a=setup` (RFC 8842 §5): "active" makes us the DTLS server.
    public var setup: String?

    public struct Candidate: Sendable, Equatable {
        public var address: STUNAddress
        public var priority: UInt32
    }

    /// Why a description cannot be used.
    public enum Problem: Error, Equatable {
        case noMedia, missingCredentials, missingFingerprint, noUDPCandidate
    }

    /// Reads the transport of the first m-line of the BUNDLE group (RFC 9143
    /// §7: every bundled m-line shares it), session-level values as fallback.
    public init(_ description: SessionDescription) throws(Problem) {
        let tag = description.bundleMids.first.flatMap { description.media(mid: $0) }
        guard let section = tag ?? description.media.first(where: { !$0.isRejected }) else { throw .noMedia }
        guard let ufrag = description.iceUfrag(of: section), let password = description.icePassword(of: section) else {
            throw .missingCredentials
        }
        guard let fingerprint = description.fingerprint(of: section) else { throw .missingFingerprint }
        let candidates = section.candidates.compactMap(Self.parseCandidate)
        guard !candidates.isEmpty else { throw .noUDPCandidate }
        self.ufrag = ufrag
        self.password = password
        self.fingerprint = fingerprint
        self.candidates = candidates
        self.isLite = description.isICELite
        self.setup = description.setup(of: section)
    }

    /// A UDP candidate from an `a=candidate` value (RFC 8839 §5.1):
    /// "foundation component transport priority address port typ type …".
    /// Other transports (ICE-TCP) and components are skipped.
    static func parseCandidate(_ value: String) -> Candidate? {
        let fields = value.split(separator: " ")
        guard fields.count >= 8, fields[1] == "1", fields[2].lowercased() == "udp",
              let priority = UInt32(fields[3]), let port = UInt16(fields[5]),
              let address = STUNAddress(string: fields[4], port: port) else { return nil }
        return Candidate(address: address, priority: priority)
    }
}
