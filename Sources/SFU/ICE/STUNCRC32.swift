/// The CRC-32 of ISO 3309 / ITU-T V.42 (the one in Ethernet, gzip and PNG), which
/// STUN's FINGERPRINT uses (RFC 8489 §14.7): reflected polynomial 0xEDB88320,
/// initial value and final XOR 0xFFFFFFFF.
enum STUNCRC32 {
    /// The byte-at-a-time lookup table, built once.
    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 {
            value = value & 1 == 1 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1
        }
        return value
    }

    /// The CRC-32 of `bytes`.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { table in
            for byte in bytes {
                crc = table[Int(UInt8(truncatingIfNeeded: crc) ^ byte)] ^ (crc >> 8)
            }
        }
        return crc ^ 0xFFFF_FFFF
    }

    /// The value of a FINGERPRINT attribute over `bytes` (RFC 8489 §14.7: the
    /// CRC-32 XOR-ed with 0x5354554e, "STUN" in ASCII, so that a CRC over some
    /// other protocol's packet is unlikely to pass).
    static func fingerprint(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        checksum(bytes) ^ 0x5354_554E
    }
}
