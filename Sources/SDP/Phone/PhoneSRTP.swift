/// The SDES-SRTP keys of a phone call (RFC 4568): one master key per
/// direction, each 16 bytes of AES key followed by 14 bytes of salt.
public struct PhoneSRTP: Sendable, Equatable {
    /// The suite both sides use.
    public var suite: SRTPCryptoSuite
    /// The `a=crypto` tag the answer accepted.
    public var tag: UInt32
    /// The phone's key: decrypts what the phone sends (libsrtp inbound policy).
    public var remoteKey: [UInt8]
    /// Parley's key: encrypts what Parley sends (libsrtp outbound policy).
    public var localKey: [UInt8]

    /// Creates the keys of a call.
    public init(suite: SRTPCryptoSuite, tag: UInt32, remoteKey: [UInt8], localKey: [UInt8]) {
        self.suite = suite
        self.tag = tag
        self.remoteKey = remoteKey
        self.localKey = localKey
    }
}
