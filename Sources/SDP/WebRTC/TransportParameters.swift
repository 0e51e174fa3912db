/// Parley's side of one peer connection's transport: its ICE credentials, its
/// DTLS certificate fingerprint and its host candidates.
public struct TransportParameters: Sendable, Equatable {
    /// Parley's `a=ice-ufrag` for this peer connection (RFC 8839 §5.4).
    public var iceUfrag: String
    /// Parley's `a=ice-pwd`.
    public var icePassword: String
    /// The fingerprint of Parley's DTLS certificate.
    public var fingerprint: Fingerprint
    /// Host candidates, most preferred first; the first one also gives the m=
    /// port and `c=` address.
    public var candidates: [Candidate]

    /// Creates transport parameters.
    public init(iceUfrag: String, icePassword: String, fingerprint: Fingerprint, candidates: [Candidate]) {
        self.iceUfrag = iceUfrag
        self.icePassword = icePassword
        self.fingerprint = fingerprint
        self.candidates = candidates
    }
}
