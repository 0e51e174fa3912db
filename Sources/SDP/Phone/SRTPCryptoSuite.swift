/// The SDES crypto suites Parley accepts from phones (RFC 4568 §6.2), each
/// with a 128-bit AES key and a 112-bit salt: 30 bytes of key material.
public enum SRTPCryptoSuite: String, Sendable, Hashable, CaseIterable {
    /// AES counter mode, 80-bit HMAC-SHA1 tag (RFC 4568 §6.2.1): preferred.
    case aesCM128HMACSHA1_80 = "AES_CM_128_HMAC_SHA1_80"
    /// AES counter mode, 32-bit HMAC-SHA1 tag (RFC 4568 §6.2.2).
    case aesCM128HMACSHA1_32 = "AES_CM_128_HMAC_SHA1_32"

    /// Master key (16) plus master salt (14) bytes.
    public static let keyMaterialLength = 30

    /// Parley's preference.
    public static let preference: [SRTPCryptoSuite] = [.aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32]
}
