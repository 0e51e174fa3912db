/// The SRTP profile negotiated through DTLS's use_srtp extension.
public enum SRTPProfile: UInt16, Sendable {
    /// RFC 5764 §4.1.2: AES-128 counter mode, HMAC-SHA1 80-bit tag.
    case aes128CmSha1_80 = 0x0001
    /// RFC 7714 §14.2: AEAD AES-128-GCM, 16-byte tag.
    case aeadAes128Gcm = 0x0007

    /// Master key length in bytes.
    public var keyLength: Int { 16 }
    /// Master salt length in bytes (RFC 7714 §12 uses a 96-bit salt for GCM).
    public var saltLength: Int { self == .aeadAes128Gcm ? 12 : 14 }
}

/// Keys for one DTLS-SRTP association: what we protect with and what we
/// unprotect with, each master key followed by its salt (libsrtp's layout).
public struct SRTPKeyingMaterial: Sendable, Equatable {
    public var profile: SRTPProfile
    public var localKeyAndSalt: [UInt8]
    public var remoteKeyAndSalt: [UInt8]
}
