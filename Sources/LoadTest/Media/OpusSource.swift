/// Synthetic Opus (RFC 7587): one packet every 20 ms with the sizes a voice
/// encoder at about 32 kbit/s produces, and no encoding at all. The first
/// byte is a valid TOC (RFC 6716 §3.1: config 15, hybrid fullband, 20 ms,
/// mono, one frame); the rest is filler, as SRTP hides it anyway.
public struct OpusSource: Sendable {
    public let ssrc: UInt32
    public let payloadType: UInt8
    public let mid: String
    public var ids: HeaderExtensionIDs
    public private(set) var sequenceNumber: UInt16
    public private(set) var timestamp: UInt32
    /// Samples per 20 ms at Opus's 48 kHz RTP clock (RFC 7587 §4.1).
    public static let samplesPerFrame: UInt32 = 960
    public static let frameInterval: Duration = .milliseconds(20)
    var random: SplitMix64
    var frames = 0

    public init(ssrc: UInt32, payloadType: UInt8 = 111, mid: String, ids: HeaderExtensionIDs, seed: UInt64) {
        self.ssrc = ssrc
        self.payloadType = payloadType
        self.mid = mid
        self.ids = ids
        self.random = SplitMix64(seed: seed)
        self.sequenceNumber = UInt16(truncatingIfNeeded: random.next())
        self.timestamp = UInt32(truncatingIfNeeded: random.next())
    }

    /// The payload size of frame `n`: talk spurts of 60…160 bytes, with
    /// quieter stretches (DTX off, as browsers send) of 20…40 bytes.
    mutating func payloadSize() -> Int {
        let talking = (frames / 50) % 4 != 3  // 3 s of talk, 1 s of near silence
        let r = Int(random.next() % 100)
        return talking ? 60 + r : 20 + r / 5
    }

    /// The next 20 ms packet, ready for SRTP (see `RTPPacketBuilder`).
    /// `sendTime` is the abs-send-time clock in seconds.
    public mutating func nextPacket(sendTime: Double) -> [UInt8] {
        let size = payloadSize()
        var payload = [UInt8](repeating: 0x55, count: size)
        payload[0] = 0x78
        SendStamp.write(seconds: sendTime, into: &payload)
        var extensions: [RTPPacketBuilder.Extension] = []
        if ids.mid != 0 { extensions.append(.init(id: ids.mid, data: Array(mid.utf8))) }
        // RFC 6464: V bit and the level in -dBov; loud while talking.
        if ids.audioLevel != 0 { extensions.append(.init(id: ids.audioLevel, data: [size > 50 ? 0x80 | 30 : 90])) }
        if ids.absSendTime != 0 { extensions.append(.init(id: ids.absSendTime, data: RTPPacketBuilder.absSendTime(seconds: sendTime))) }
        let packet = RTPPacketBuilder.packet(payloadType: payloadType, marker: frames == 0, sequenceNumber: sequenceNumber,
                                             timestamp: timestamp, ssrc: ssrc, extensions: extensions, payload: payload)
        sequenceNumber &+= 1
        timestamp &+= Self.samplesPerFrame
        frames += 1
        return packet
    }
}
