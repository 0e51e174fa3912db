/// Reads bits and Exp-Golomb codes (ITU-T H.264 §9.1) from a NAL unit's RBSP:
/// the bytes after the NAL header with emulation prevention bytes (00 00 03,
/// §7.4.1) removed. Running past the end throws; nothing traps.
struct H264BitReader {
    private let bytes: [UInt8]
    private var position = 0 // in bits

    /// The RBSP of `nal` (a whole NAL unit, header byte first).
    init(nal: [UInt8]) {
        var rbsp: [UInt8] = []
        rbsp.reserveCapacity(nal.count)
        var zeros = 0
        for byte in nal.dropFirst() {
            if zeros >= 2, byte == 0x03 {
                zeros = 0
                continue
            }
            zeros = byte == 0 ? zeros + 1 : 0
            rbsp.append(byte)
        }
        bytes = rbsp
    }

    mutating func bit() throws(DepacketizerError) -> UInt32 {
        let index = position >> 3
        guard index < bytes.count else { throw .incomplete }
        let value = UInt32(bytes[index] >> (7 - UInt8(position & 7))) & 1
        position += 1
        return value
    }

    mutating func bits(_ count: Int) throws(DepacketizerError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<count {
            value = value << 1 | (try bit())
        }
        return value
    }

    mutating func flag() throws(DepacketizerError) -> Bool {
        try bit() == 1
    }

    /// ue(v): leading zeros, a one, then as many bits (§9.1). Codes over 32 bits are malformed.
    mutating func unsignedExpGolomb() throws(DepacketizerError) -> UInt32 {
        var zeros = 0
        while try bit() == 0 {
            zeros += 1
            guard zeros < 32 else { throw .malformed }
        }
        return (UInt32(1) << UInt32(zeros)) - 1 + (try bits(zeros))
    }

    /// se(v): ue(v) k mapped to (−1)^(k+1) ⌈k ÷ 2⌉ (§9.1.1).
    mutating func signedExpGolomb() throws(DepacketizerError) -> Int32 {
        let code = try unsignedExpGolomb()
        let magnitude = Int32(truncatingIfNeeded: (UInt64(code) + 1) / 2)
        return code & 1 == 1 ? magnitude : -magnitude
    }
}
