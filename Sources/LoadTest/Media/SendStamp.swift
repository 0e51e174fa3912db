/// A send time at the end of every synthetic payload: "LT" and 48 bits of
/// microseconds on the generator's clock. SFUs forward payloads untouched,
/// so a receiver in this process reads a one-way delay from it even where
/// the SFU does not forward the abs-send-time header extension.
public enum SendStamp {
    public static let length = 8
    static let magic: (UInt8, UInt8) = (0x4C, 0x54)

    /// Overwrites the last 8 bytes of `payload` (which must have them to spare).
    public static func write(seconds: Double, into payload: inout [UInt8]) {
        guard payload.count >= length + 1 else { return }
        let micros = UInt64(max(0, seconds * 1_000_000)) & 0xFFFF_FFFF_FFFF
        let start = payload.count - length
        payload[start] = magic.0
        payload[start + 1] = magic.1
        for i in 0..<6 { payload[start + 2 + i] = UInt8(truncatingIfNeeded: micros >> (40 - 8 * UInt64(i))) }
    }

    /// The send time in seconds, if the payload ends in a stamp.
    public static func read(_ payload: UnsafeRawBufferPointer) -> Double? {
        guard payload.count >= length + 1 else { return nil }
        let start = payload.count - length
        guard payload[start] == magic.0, payload[start + 1] == magic.1 else { return nil }
        var micros: UInt64 = 0
        for i in 0..<6 { micros = micros << 8 | UInt64(payload[start + 2 + i]) }
        return Double(micros) / 1_000_000
    }
}
