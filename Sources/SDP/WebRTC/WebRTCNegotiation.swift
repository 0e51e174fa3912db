/// Offer/answer for Parley's two peer connections per browser (JSEP, RFC 8829):
/// the *publish* connection, where the browser offers send-only m-lines and
/// Parley answers, and the *subscribe* connection, where Parley offers one
/// send-only m-line per forwarded track and the browser answers.
///
/// Parley is an ICE-lite agent (RFC 8445 §2.5) and always the DTLS server:
/// answers say `a=setup:passive`, offers `a=setup:actpass` (RFC 8842 §5.2).
/// Everything is BUNDLEd on one transport with rtcp-mux (RFC 9143, RFC 5761).
public enum WebRTCNegotiation {
    /// The DTLS fingerprint hash functions Parley verifies.
    public static let supportedFingerprintAlgorithms: Set<String> = ["sha-256", "sha-384", "sha-512"]

    /// The remote transport of a section: its ICE credentials and fingerprint,
    /// falling back to the session level.
    static func remoteTransport(of description: SessionDescription, section: MediaDescription)
        throws(NegotiationError) -> (ufrag: String, password: String, fingerprint: Fingerprint) {
        guard let ufrag = description.iceUfrag(of: section), let password = description.icePassword(of: section) else {
            throw .missingICECredentials
        }
        guard isICEString(ufrag, lengths: 4...256), isICEString(password, lengths: 22...256) else {
            throw .invalidICECredentials
        }
        guard let fingerprint = description.fingerprint(of: section) else { throw .missingFingerprint }
        guard supportedFingerprintAlgorithms.contains(fingerprint.algorithm) else { throw .unsupportedFingerprintAlgorithm }
        guard Fingerprint.digestLength(of: fingerprint.algorithm) == fingerprint.bytes.count else {
            throw .malformedFingerprint
        }
        return (ufrag, password, fingerprint)
    }

    /// `ice-char = ALPHA / DIGIT / "+" / "/"` (RFC 8839 §5.4).
    static func isICEString(_ text: String, lengths: ClosedRange<Int>) -> Bool {
        lengths.contains(text.utf8.count) && text.utf8.allSatisfy { byte in
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2B, 0x2F: true
            default: false
            }
        }
    }

    /// The m= port and `c=` line for Parley's sections: the first candidate's,
    /// or the JSEP placeholders (port 9, 0.0.0.0; RFC 8829 §5.2.1) without one.
    static func defaultAddress(_ transport: TransportParameters) -> (port: UInt16, connection: Connection) {
        guard let first = transport.candidates.first else { return (9, Connection(address: "0.0.0.0")) }
        return (first.port, Connection(address: first.ip))
    }

    /// The transport attributes of one of Parley's sections, in the order
    /// browsers write them.
    static func transportAttributes(_ transport: TransportParameters, setup: String) -> [SDPAttribute] {
        [SDPAttribute("ice-ufrag", transport.iceUfrag),
         SDPAttribute("ice-pwd", transport.icePassword),
         SDPAttribute("fingerprint", transport.fingerprint.attributeValue),
         SDPAttribute("setup", setup)]
    }

    /// `a=candidate` lines and `a=end-of-candidates` (an ICE-lite agent knows
    /// all its candidates up front, RFC 8840 §4.2).
    static func candidateAttributes(_ transport: TransportParameters) -> [SDPAttribute] {
        transport.candidates.map { SDPAttribute("candidate", $0.attributeValue) } + [SDPAttribute("end-of-candidates")]
    }
}
