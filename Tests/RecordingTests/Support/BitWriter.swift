/// Writes bits and Exp-Golomb codes, for SPS fixtures.
struct BitWriter {
    private(set) var bytes: [UInt8] = []
    private var used = 8

    mutating func write(_ value: UInt32, _ count: Int) {
        for shift in stride(from: count - 1, through: 0, by: -1) {
            if used == 8 {
                bytes.append(0)
                used = 0
            }
            bytes[bytes.count - 1] |= UInt8((value >> UInt32(shift)) & 1) << UInt8(7 - used)
            used += 1
        }
    }

    mutating func ue(_ value: UInt32) {
        let code = value + 1
        let length = 32 - code.leadingZeroBitCount
        write(0, length - 1)
        write(code, length)
    }

    mutating func se(_ value: Int32) {
        ue(value > 0 ? UInt32(2 * value - 1) : UInt32(-2 * value))
    }
}

/// Bytes from hex text.
func hex(_ text: String) -> [UInt8] {
    let digits = Array(text)
    return stride(from: 0, to: digits.count - 1, by: 2).compactMap { UInt8(String(digits[$0...$0 + 1]), radix: 16) }
}
