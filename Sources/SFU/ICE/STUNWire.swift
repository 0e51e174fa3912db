/// Big-endian reads and writes for STUN's wire format (RFC 8489 §5: network
/// byte order). A namespace rather than extensions on the buffer types, so the
/// names cannot collide with helpers elsewhere in the SFU module.
///
/// Readers do not check bounds: every caller has checked the length first.
/// (`UnsafeRawBufferPointer`'s subscript only checks in debug builds, which is
/// where the fuzz target runs.)
enum STUNWire {
    /// The magic cookie (RFC 8489 §5).
    static let magicCookie: UInt32 = 0x2112_A442
    /// The fixed header's size in bytes (RFC 8489 §5).
    static let headerSize = 20

    @inline(__always)
    static func uint16(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    @inline(__always)
    static func uint32(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        UInt32(uint16(bytes, offset)) << 16 | UInt32(uint16(bytes, offset + 2))
    }

    @inline(__always)
    static func uint64(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        UInt64(uint32(bytes, offset)) << 32 | UInt64(uint32(bytes, offset + 4))
    }

    @inline(__always)
    static func append(_ value: UInt16, to buffer: inout [UInt8]) {
        buffer.append(UInt8(truncatingIfNeeded: value >> 8))
        buffer.append(UInt8(truncatingIfNeeded: value))
    }

    @inline(__always)
    static func append(_ value: UInt32, to buffer: inout [UInt8]) {
        append(UInt16(truncatingIfNeeded: value >> 16), to: &buffer)
        append(UInt16(truncatingIfNeeded: value), to: &buffer)
    }

    @inline(__always)
    static func append(_ value: UInt64, to buffer: inout [UInt8]) {
        append(UInt32(truncatingIfNeeded: value >> 32), to: &buffer)
        append(UInt32(truncatingIfNeeded: value), to: &buffer)
    }

    /// Overwrites two bytes at `offset` (which the caller has reserved).
    @inline(__always)
    static func write(_ value: UInt16, into buffer: inout [UInt8], at offset: Int) {
        buffer[offset] = UInt8(truncatingIfNeeded: value >> 8)
        buffer[offset + 1] = UInt8(truncatingIfNeeded: value)
    }

    /// The number of bytes an attribute value of `length` occupies on the wire,
    /// padding included (RFC 8489 §14: values are padded to a multiple of four).
    @inline(__always)
    static func padded(_ length: Int) -> Int {
        (length + 3) & ~3
    }
}
