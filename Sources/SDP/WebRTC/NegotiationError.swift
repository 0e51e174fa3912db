/// Why an offer or answer cannot be used.
public enum NegotiationError: Error, Equatable, Sendable {
    /// No `a=ice-ufrag`/`a=ice-pwd` on the bundled m-line or the session.
    case missingICECredentials
    /// The ufrag is not 4-256 or the password not 22-256 ice-chars (RFC 8839 §5.4).
    case invalidICECredentials
    /// No `a=fingerprint` on the bundled m-line or the session.
    case missingFingerprint
    /// A hash function other than sha-256, sha-384 or sha-512.
    case unsupportedFingerprintAlgorithm
    /// The digest length does not match the hash function.
    case malformedFingerprint
    /// The peer's `a=setup` would make Parley the DTLS client (Parley is always
    /// the server: it answers `passive` and expects `active` answers).
    case incompatibleSetup(String)
    /// No `a=group:BUNDLE` (Parley needs every m-line on one transport).
    case noBundle
    /// No m-line can be used (or, for a subscribe offer, there are no slots:
    /// browsers reject an offer without m-lines).
    case noUsableMedia
    /// The m-line at this 0-based index has no `a=mid` (Unified Plan needs one).
    case missingMid(Int)
    /// Two slots share a mid.
    case duplicateMid(String)
    /// A slot's fields cannot be written as SDP (the reason says which).
    case invalidSlot(String)
    /// The answer does not fit the offer (the reason says how).
    case badAnswer(String)
}
