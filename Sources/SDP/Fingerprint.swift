/// A certificate fingerprint, `a=fingerprint:<hash-func> <XX:XX:…>` (RFC 8122 §5).
public struct Fingerprint: Sendable, Hashable {
    /// The hash function name, lower-cased (`sha-256`).
    public var algorithm: String
    /// The digest.
    public var bytes: [UInt8]

    /// Creates a fingerprint from a digest.
    public init(algorithm: String, bytes: [UInt8]) {
        self.algorithm = SDPSyntax.asciiLowercased(algorithm)
        self.bytes = bytes
    }

    /// Parses `XX:XX:…` (either case) for an algorithm; nil unless every part is
    /// two hex digits.
    public init?(algorithm: String, value: String) {
        guard SDPSyntax.isToken(algorithm), let bytes = Fingerprint.decodeHex(value) else { return nil }
        self.init(algorithm: algorithm, bytes: bytes)
    }

    /// Parses the value of an `a=fingerprint` attribute: `sha-256 AB:CD:…`.
    public init?(attributeValue: String) {
        let fields = SDPSyntax.fields(attributeValue)
        guard fields.count == 2 else { return nil }
        self.init(algorithm: String(fields[0]), value: String(fields[1]))
    }

    /// The digest as upper-case hex pairs separated by colons (RFC 8122 §5
    /// writes upper case; comparison should go through `bytes`).
    public var value: String {
        let digits: [UInt8] = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 3)
        for (i, byte) in bytes.enumerated() {
            if i > 0 { out.append(0x3A) }
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The value of an `a=fingerprint` attribute.
    public var attributeValue: String { "\(algorithm) \(value)" }

    /// The digest length a known hash function produces, or nil for an unknown
    /// one (RFC 8122 §5 names the functions of RFC 3279's registry).
    public static func digestLength(of algorithm: String) -> Int? {
        switch SDPSyntax.asciiLowercased(algorithm) {
        case "sha-1": 20
        case "sha-224": 28
        case "sha-256": 32
        case "sha-384": 48
        case "sha-512": 64
        case "md5": 16
        default: nil
        }
    }

    /// At most 64 bytes (SHA-512); anything longer is not a fingerprint.
    static func decodeHex(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        var high: UInt8? = nil
        var digitsInPart = 0
        for byte in text.utf8 {
            if byte == 0x3A {
                guard digitsInPart == 2 else { return nil }
                digitsInPart = 0
                continue
            }
            guard let nibble = hexValue(byte), digitsInPart < 2 else { return nil }
            digitsInPart += 1
            if let h = high {
                bytes.append(h << 4 | nibble)
                high = nil
                guard bytes.count <= 64 else { return nil }
            } else {
                high = nibble
            }
        }
        guard digitsInPart == 2, high == nil, !bytes.isEmpty else { return nil }
        return bytes
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
