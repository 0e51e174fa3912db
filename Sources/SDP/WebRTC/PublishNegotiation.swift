/// The result of answering a publish offer.
public struct PublishNegotiation: Sendable {
    /// The answer to send to the browser.
    public var answer: SessionDescription
    /// The m-lines Parley receives on (answered `recvonly`), in m-line order.
    /// Inactive and rejected m-lines have no track.
    public var tracks: [PublishedTrack]
    /// The browser's ICE username fragment (checked against STUN USERNAME).
    public var remoteUfrag: String
    /// The browser's ICE password.
    public var remotePassword: String
    /// The fingerprint the browser's DTLS certificate must have.
    public var remoteFingerprint: Fingerprint

    /// Creates a negotiation result.
    public init(answer: SessionDescription, tracks: [PublishedTrack], remoteUfrag: String, remotePassword: String,
                remoteFingerprint: Fingerprint) {
        self.answer = answer
        self.tracks = tracks
        self.remoteUfrag = remoteUfrag
        self.remotePassword = remotePassword
        self.remoteFingerprint = remoteFingerprint
    }
}
