/// What a browser's answer to a subscribe offer says.
public struct SubscribeAnswer: Sendable, Equatable {
    /// The browser's ICE username fragment.
    public var remoteUfrag: String
    /// The browser's ICE password.
    public var remotePassword: String
    /// The fingerprint the browser's DTLS certificate must have.
    public var remoteFingerprint: Fingerprint
    /// Mids the browser accepted (non-zero port), active or inactive.
    public var acceptedMids: Set<String>
    /// Accepted mids of active slots that the browser answered `recvonly`:
    /// the consumers to start sending on.
    public var receivingMids: Set<String>

    /// Creates an answer summary.
    public init(remoteUfrag: String, remotePassword: String, remoteFingerprint: Fingerprint,
                acceptedMids: Set<String>, receivingMids: Set<String>) {
        self.remoteUfrag = remoteUfrag
        self.remotePassword = remotePassword
        self.remoteFingerprint = remoteFingerprint
        self.acceptedMids = acceptedMids
        self.receivingMids = receivingMids
    }
}
