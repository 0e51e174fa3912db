/// A transport address independent of any socket library: an IPv4 or IPv6
/// address and a UDP port.
///
/// The address is kept in two integers rather than an array, so that a value
/// can key the per-packet demultiplexing dictionary (remote address → transport)
/// without allocating or hashing a heap buffer.
public struct STUNAddress: Hashable, Sendable {
    /// The address family, with the code STUN uses for it (RFC 8489 §14.1).
    public enum Family: UInt8, Hashable, Sendable {
        case v4 = 0x01
        case v6 = 0x02
    }

    /// The address family.
    public private(set) var family: Family
    /// The port, in host byte order.
    public var port: UInt16
    /// IPv6: the first eight address bytes, big-endian. IPv4: zero.
    @usableFromInline var high: UInt64
    /// IPv6: the last eight address bytes, big-endian. IPv4: the four address
    /// bytes, big-endian, in the low 32 bits.
    @usableFromInline var low: UInt64

    /// An IPv4 address from its four bytes in written order (`1.2.3.4` is `(1, 2, 3, 4)`).
    public init(ipv4 bytes: (UInt8, UInt8, UInt8, UInt8), port: UInt16) {
        self.family = .v4
        self.port = port
        self.high = 0
        self.low = UInt64(bytes.0) << 24 | UInt64(bytes.1) << 16 | UInt64(bytes.2) << 8 | UInt64(bytes.3)
    }

    /// An IPv4 address from its value as a big-endian (network order) number,
    /// e.g. `0x7F00_0001` for 127.0.0.1.
    public init(ipv4 value: UInt32, port: UInt16) {
        self.family = .v4
        self.port = port
        self.high = 0
        self.low = UInt64(value)
    }

    /// An IPv6 address from its sixteen bytes split into two big-endian halves,
    /// e.g. `(0, 1)` for `::1`.
    public init(ipv6 halves: (high: UInt64, low: UInt64), port: UInt16) {
        self.family = .v6
        self.port = port
        self.high = halves.high
        self.low = halves.low
    }

    /// An address from its raw bytes in network order: 4 bytes for IPv4, 16 for
    /// IPv6 (for instance `withUnsafeBytes(of: sockaddr_in6.sin6_addr)`); nil
    /// for any other length.
    public init?(ip bytes: some Collection<UInt8>, port: UInt16) {
        var high: UInt64 = 0
        var low: UInt64 = 0
        var count = 0
        for byte in bytes {
            if count >= 16 { return nil }
            if count < 8 {
                high = high << 8 | UInt64(byte)
            } else {
                low = low << 8 | UInt64(byte)
            }
            count += 1
        }
        switch count {
        case 4:
            self.init(ipv4: UInt32(truncatingIfNeeded: high), port: port)
        case 16:
            self.init(ipv6: (high, low), port: port)
        default:
            return nil
        }
    }

    /// Parses a textual address: dotted-quad IPv4 (`192.0.2.1`) or IPv6
    /// (`2001:db8::1`, `::ffff:192.0.2.1`; RFC 4291 §2.2), without brackets or
    /// port. An IPv6 zone index (`fe80::1%eth0`, RFC 4007 §11, as socket
    /// libraries print link-local addresses) is accepted and dropped. Nil when
    /// the text is not an address.
    public init?(string: some StringProtocol, port: UInt16) {
        let utf8 = Array(string.utf8)
        var host = utf8[...]
        if let percent = utf8.firstIndex(of: UInt8(ascii: "%")) {
            guard percent + 1 < utf8.count else { return nil }
            host = utf8[..<percent]
        }
        if host.count == utf8.count, let v4 = Self.parseIPv4(host) {
            self.init(ipv4: v4, port: port)
        } else if let v6 = Self.parseIPv6(host) {
            self.init(ipv6: v6, port: port)
        } else {
            return nil
        }
    }

    /// The address bytes in network order: 4 for IPv4, 16 for IPv6.
    public var ip: [UInt8] {
        switch family {
        case .v4:
            return (0..<4).map { UInt8(truncatingIfNeeded: low >> (24 - 8 * $0)) }
        case .v6:
            return (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
                + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
        }
    }

    /// The IPv4 address as a big-endian number, or nil for IPv6.
    public var ipv4Value: UInt32? {
        family == .v4 ? UInt32(truncatingIfNeeded: low) : nil
    }

    /// The IPv6 address as two big-endian halves, or nil for IPv4.
    public var ipv6Value: (high: UInt64, low: UInt64)? {
        family == .v6 ? (high, low) : nil
    }
}

extension STUNAddress: CustomStringConvertible {
    /// `192.0.2.1:3478` or `[2001:db8::1]:3478` (RFC 5952 §4 canonical text).
    public var description: String {
        switch family {
        case .v4:
            return "\(hostDescription):\(port)"
        case .v6:
            return "[\(hostDescription)]:\(port)"
        }
    }

    /// The address without the port: `192.0.2.1` or `2001:db8::1`.
    public var hostDescription: String {
        switch family {
        case .v4:
            return (0..<4).map { String(UInt8(truncatingIfNeeded: low >> (24 - 8 * $0))) }
                .joined(separator: ".")
        case .v6:
            let groups: [UInt16] = (0..<8).map { index in
                let half = index < 4 ? high : low
                return UInt16(truncatingIfNeeded: half >> (48 - 16 * (index % 4)))
            }
            // RFC 5952 §4.2: "::" replaces the longest run of two or more zero
            // groups, the first such run on a tie.
            var bestStart = -1
            var bestLength = 1
            var index = 0
            while index < 8 {
                guard groups[index] == 0 else { index += 1; continue }
                var end = index
                while end < 8 && groups[end] == 0 { end += 1 }
                if end - index > bestLength {
                    bestStart = index
                    bestLength = end - index
                }
                index = end
            }
            func text(_ range: Range<Int>) -> String {
                groups[range].map { String($0, radix: 16) }.joined(separator: ":")
            }
            guard bestStart >= 0 else { return text(0..<8) }
            return text(0..<bestStart) + "::" + text((bestStart + bestLength)..<8)
        }
    }
}

extension STUNAddress {
    /// Dotted-quad IPv4: exactly four decimal parts 0…255, no leading zeros
    /// (which some stacks read as octal).
    static func parseIPv4(_ text: ArraySlice<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        var parts = 0
        var part: UInt32 = 0
        var digits = 0
        var leadingZero = false
        for byte in text {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, parts < 3 else { return nil }
                value = value << 8 | part
                parts += 1
                part = 0
                digits = 0
                leadingZero = false
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                if leadingZero { return nil }
                if digits == 0 && byte == UInt8(ascii: "0") { leadingZero = true }
                part = part * 10 + UInt32(byte - UInt8(ascii: "0"))
                digits += 1
                guard part <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, parts == 3 else { return nil }
        return value << 8 | part
    }

    /// IPv6 text (RFC 4291 §2.2): eight groups of 1…4 hex digits, at most one
    /// "::", optionally ending in a dotted-quad IPv4 address worth two groups.
    static func parseIPv6(_ text: ArraySlice<UInt8>) -> (high: UInt64, low: UInt64)? {
        guard !text.isEmpty, text.count <= 45 else { return nil }
        var head: [UInt16] = []  // groups before "::" (or all, without "::")
        var tail: [UInt16] = []  // groups after "::"
        var sawDoubleColon = false
        var index = text.startIndex
        if text[index] == UInt8(ascii: ":") {
            // Only "::" may start an address.
            guard text.count >= 2, text[index + 1] == UInt8(ascii: ":") else { return nil }
            sawDoubleColon = true
            index += 2
        }
        while index < text.endIndex {
            // One group, or the IPv4 tail.
            var end = index
            while end < text.endIndex && text[end] != UInt8(ascii: ":") { end += 1 }
            let field = text[index..<end]
            let groupCount = head.count + tail.count
            if end == text.endIndex, field.contains(UInt8(ascii: ".")) {
                guard let v4 = parseIPv4(field), groupCount <= 6 else { return nil }
                let pair = [UInt16(truncatingIfNeeded: v4 >> 16), UInt16(truncatingIfNeeded: v4)]
                if sawDoubleColon { tail += pair } else { head += pair }
                index = end
                break
            }
            guard (1...4).contains(field.count), groupCount < 8 else { return nil }
            var group: UInt16 = 0
            for byte in field {
                guard let digit = hexValue(byte) else { return nil }
                group = group << 4 | UInt16(digit)
            }
            if sawDoubleColon { tail.append(group) } else { head.append(group) }
            index = end
            guard index < text.endIndex else { break }
            // At a colon: either a separator or the start of "::".
            index += 1
            if index < text.endIndex && text[index] == UInt8(ascii: ":") {
                guard !sawDoubleColon else { return nil }
                sawDoubleColon = true
                index += 1
            } else if index == text.endIndex {
                return nil  // trailing single colon
            }
        }
        let total = head.count + tail.count
        if sawDoubleColon {
            guard total <= 7 else { return nil }
        } else {
            guard total == 8 else { return nil }
        }
        let groups = head + [UInt16](repeating: 0, count: 8 - total) + tail
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (position, group) in groups.enumerated() {
            if position < 4 { high = high << 16 | UInt64(group) } else { low = low << 16 | UInt64(group) }
        }
        return (high, low)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
