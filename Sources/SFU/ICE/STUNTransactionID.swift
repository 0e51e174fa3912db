/// The 96-bit transaction ID of a STUN message (RFC 8489 §5), kept in two
/// integers so it can be hashed and compared without a heap buffer.
public struct STUNTransactionID: Hashable, Sendable {
    /// Bytes 0…7, big-endian.
    @usableFromInline var high: UInt64
    /// Bytes 8…11, big-endian.
    @usableFromInline var low: UInt32

    /// A transaction ID from exactly twelve bytes; nil for any other count.
    public init?(bytes: some Collection<UInt8>) {
        var high: UInt64 = 0
        var low: UInt32 = 0
        var count = 0
        for byte in bytes {
            if count >= 12 { return nil }
            if count < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt32(byte) }
            count += 1
        }
        guard count == 12 else { return nil }
        self.high = high
        self.low = low
    }

    /// Reads the twelve bytes at `offset` (the caller has checked the length).
    init(reading bytes: UnsafeRawBufferPointer, at offset: Int) {
        high = STUNWire.uint64(bytes, offset)
        low = STUNWire.uint32(bytes, offset + 8)
    }

    /// A fresh, uniformly random transaction ID (RFC 8489 §5: "cryptographically random").
    public static func random() -> STUNTransactionID {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// A random transaction ID from the given generator.
    public static func random(using generator: inout some RandomNumberGenerator) -> STUNTransactionID {
        var id = STUNTransactionID(zero: ())
        id.high = generator.next()
        id.low = generator.next()
        return id
    }

    private init(zero: Void) {
        high = 0
        low = 0
    }

    /// The twelve bytes in wire order.
    public var bytes: [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(12)
        append(to: &result)
        return result
    }

    /// Appends the twelve bytes in wire order.
    func append(to buffer: inout [UInt8]) {
        STUNWire.append(high, to: &buffer)
        STUNWire.append(low, to: &buffer)
    }
}

extension STUNTransactionID: CustomStringConvertible {
    /// Lower-case hex, 24 digits.
    public var description: String {
        bytes.map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
        }.joined()
    }
}
