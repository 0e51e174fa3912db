// Local ICE credentials (RFC 8445 §5.3, RFC 8839 §5.4).
extension ICELiteAgent {
    /// Fresh local credentials from `SystemRandomNumberGenerator`: a 12-character
    /// ufrag (72 bits) and a 24-character password (144 bits) of ice-chars
    /// (RFC 8839 §5.4: at least 4 and 22 characters; ice-char is ALPHA / DIGIT
    /// / "+" / "/"). Twelve characters keep the ufrag a small, inline `String`.
    public static func randomCredentials() -> (ufrag: String, password: String) {
        var generator = SystemRandomNumberGenerator()
        return randomCredentials(using: &generator)
    }

    /// Credentials from the given generator (tests use a seeded one).
    public static func randomCredentials(using generator: inout some RandomNumberGenerator) -> (ufrag: String, password: String) {
        (randomICEChars(12, using: &generator), randomICEChars(24, using: &generator))
    }

    /// 64 ice-chars, so six random bits pick one without bias.
    private static let iceChars = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static func randomICEChars(_ count: Int, using generator: inout some RandomNumberGenerator) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        for _ in 0..<count {
            bytes.append(iceChars[Int((generator.next() as UInt8) & 63)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
