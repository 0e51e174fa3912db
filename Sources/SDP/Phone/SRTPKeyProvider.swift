/// Where Parley's SDES master keys come from.
///
/// `.system` draws 30 bytes from `SystemRandomNumberGenerator` (getrandom(2)
/// on Linux, a CSPRNG). Tests use `.fixed`; a re-INVITE can pass the key the
/// call already uses so the SRTP context need not change.
public struct SRTPKeyProvider: Sendable {
    /// Returns `SRTPCryptoSuite.keyMaterialLength` bytes.
    public let makeKey: @Sendable () -> [UInt8]

    /// A provider that calls `makeKey` for every key.
    public init(_ makeKey: @escaping @Sendable () -> [UInt8]) {
        self.makeKey = makeKey
    }

    /// Fresh random keys from the system generator.
    public static let system = SRTPKeyProvider {
        var generator = SystemRandomNumberGenerator()
        return (0..<SRTPCryptoSuite.keyMaterialLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// Always the same key (tests; keeping a key across a re-INVITE).
    public static func fixed(_ key: [UInt8]) -> SRTPKeyProvider {
        SRTPKeyProvider { key }
    }
}
