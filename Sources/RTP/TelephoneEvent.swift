/// A telephone-event payload (RFC 4733 §2.3): DTMF digits and other named
/// telephone events carried as RTP.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// |     event     |E|R| volume    |          duration             |
/// ```
public struct TelephoneEvent: Sendable, Equatable {
    /// The payload size.
    public static let length = 4

    /// Event code (RFC 4733 §3.2: 0-9 digits, 10 `*`, 11 `#`, 12-15 A-D).
    public var event: UInt8
    /// E bit: the last packets of the event (sent three times, §2.5.1.4).
    public var end: Bool
    /// Power level in -dBm0, 0...63 (§2.3.4; 6 bits on the wire).
    public var volume: UInt8
    /// Duration so far in timestamp units (§2.3.5).
    public var duration: UInt16

    public init(event: UInt8, end: Bool, volume: UInt8, duration: UInt16) {
        self.event = event
        self.end = end
        self.volume = min(volume, 63)
        self.duration = duration
    }

    /// Parses the first 4 bytes of the payload; the R bit is ignored (§2.3.3).
    public init(parsing payload: UnsafeRawBufferPointer) throws(RTPParseError) {
        guard payload.count >= Self.length else { throw .tooShort }
        event = payload[0]
        end = payload[1] & 0x80 != 0
        volume = payload[1] & 0x3F
        duration = payload.bigEndianUInt16(at: 2)
    }

    /// Appends the 4-byte payload (R bit zero).
    public func append(to bytes: inout [UInt8]) {
        bytes.append(event)
        bytes.append((end ? 0x80 : 0) | volume & 0x3F)
        bytes.appendBigEndian(duration)
    }

    /// The DTMF key for events 0...15 (RFC 4733 §3.2), else nil.
    public var dtmfKey: Character? {
        guard event < 16 else { return nil }
        return Self.dtmfKeys[Int(event)]
    }

    /// The event code of a DTMF key (`0`-`9`, `*`, `#`, `A`-`D`, case-insensitive).
    public static func event(forDTMFKey key: Character) -> UInt8? {
        let upper = Character(key.uppercased())
        return dtmfKeys.firstIndex(of: upper).map { UInt8($0) }
    }

    private static let dtmfKeys: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
                                                "*", "#", "A", "B", "C", "D"]
}
