/// One `a=crypto` line (RFC 4568 §9.1):
/// `<tag> <crypto-suite> inline:<base64 key||salt>[|<lifetime>][|<MKI>:<length>] [<session params>]`.
///
/// Only what Parley can use is accepted: one key (no `;`-separated key
/// list), no MKI, and no session parameters, because RFC 4568 §6.3.7 has an
/// answerer ignore a line whose parameters it does not support. The lifetime
/// is accepted and dropped: libsrtp's default rekey limit (2^48 packets) is
/// far beyond any call.
public struct SDESCrypto: Sendable, Equatable {
    /// The tag, 1…999999999 (RFC 4568 §9.1): the answer repeats the offer's.
    public var tag: UInt32
    /// The suite.
    public var suite: SRTPCryptoSuite
    /// Master key followed by master salt, 30 bytes.
    public var keyMaterial: [UInt8]

    /// Creates a line.
    public init(tag: UInt32, suite: SRTPCryptoSuite, keyMaterial: [UInt8]) {
        self.tag = tag
        self.suite = suite
        self.keyMaterial = keyMaterial
    }

    /// Parses the text after `a=crypto:`; nil when it is malformed or uses
    /// anything Parley does not support (an unknown suite, MKI, several keys,
    /// session parameters, a key of the wrong length).
    public init?(attributeValue: String) {
        let fields = SDPSyntax.fields(attributeValue)
        guard fields.count == 3,
              let tag = SDPSyntax.decimal(fields[0], as: UInt32.self), tag >= 1, tag <= 999_999_999,
              let suite = SRTPCryptoSuite(rawValue: String(fields[1])) else { return nil }
        let keyParams = fields[2]
        guard !keyParams.utf8.contains(0x3B), keyParams.hasPrefix("inline:") else { return nil }
        let parts = keyParams.dropFirst("inline:".count).utf8
            .split(separator: 0x7C, omittingEmptySubsequences: false).map { Substring($0) }
        // key||salt, then an optional lifetime; a part with a colon is an MKI.
        guard parts.count == 1 || parts.count == 2 else { return nil }
        if parts.count == 2 {
            guard SDESCrypto.isLifetime(parts[1]) else { return nil }
        }
        guard let key = Base64.decode(parts[0]), key.count == SRTPCryptoSuite.keyMaterialLength else { return nil }
        self.init(tag: tag, suite: suite, keyMaterial: key)
    }

    /// `<decimal>` or `2^<decimal>` (RFC 4568 §9.1 `lifetime`).
    static func isLifetime(_ text: Substring) -> Bool {
        if text.hasPrefix("2^") { return SDPSyntax.decimal(text.dropFirst(2), as: UInt8.self) != nil }
        return SDPSyntax.decimal(text, as: UInt64.self) != nil
    }

    /// The text after `a=crypto:`.
    public var attributeValue: String {
        "\(tag) \(suite.rawValue) inline:\(Base64.encode(keyMaterial))"
    }
}
