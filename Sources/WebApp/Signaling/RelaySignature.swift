import Crypto
import Foundation

/// The `Parley-Relayed-By` header that marks a request one node sends to
/// another (a relayed signaling socket, a forwarded leave or recording):
/// the sending node's name, the time, and an HMAC-SHA256 of both with the
/// method and path, keyed from the cluster's shared secret.
///
/// A node trusts the mark only when the HMAC holds and the time is within
/// a minute of its own: a browser that sends the header itself (to make a
/// node answer for a meeting it does not run) is treated as a browser.
struct RelaySignature: Sendable {
    /// How far the sender's clock and ours may differ, and how long a signed
    /// header stays good (nodes of a cluster keep their clocks in step).
    static let window = 60

    /// The HMAC key (bytes: SymmetricKey is not Sendable).
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// `secret`: the server secret every node of the cluster shares (the
    /// join-token key); the relay key is derived from it, never the same.
    init(secret: Data) {
        keyBytes = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: secret),
                                          info: Data("parley relayed-by v1".utf8), outputByteCount: 32)
            .withUnsafeBytes { Array($0) }
    }

    /// The header value for a request from `node` (its name) for `method` and `path`.
    func value(node: String, method: String, path: String, now: Int = Int(Date().timeIntervalSince1970)) -> String {
        let name = Self.cleaned(node)
        return "\(name);\(now);\(mac(name, now, method, path))"
    }

    /// The sending node's name when `value` is a good signature of this
    /// request, else nil.
    func verify(_ value: String, method: String, path: String, now: Int = Int(Date().timeIntervalSince1970)) -> String? {
        let parts = value.split(separator: ";", omittingEmptySubsequences: false)
        guard parts.count == 3, let time = Int(parts[1]), abs(now - time) <= Self.window,
              let given = Data(hex: String(parts[2])) else { return nil }
        let name = String(parts[0])
        let authenticated = HMAC<SHA256>.isValidAuthenticationCode(
            given, authenticating: Data("\(name)\n\(time)\n\(method)\n\(path)".utf8), using: key)
        return authenticated ? name : nil
    }

    private func mac(_ name: String, _ time: Int, _ method: String, _ path: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data("\(name)\n\(time)\n\(method)\n\(path)".utf8), using: key)
            .map { String(format: "%02x", $0) }.joined()
    }

    /// A node name without the separator (names come from configuration).
    private static func cleaned(_ name: String) -> String {
        String(name.filter { $0 != ";" && !$0.isNewline }.prefix(100))
    }
}

extension Data {
    /// Bytes from lower- or upper-case hex; nil for anything else.
    init?(hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for i in stride(from: 0, to: digits.count, by: 2) {
            guard let high = Self.nibble(digits[i]), let low = Self.nibble(digits[i + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        self.init(bytes)
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 0x61 + 10
        case 0x41...0x46: c - 0x41 + 10
        default: nil
        }
    }
}
