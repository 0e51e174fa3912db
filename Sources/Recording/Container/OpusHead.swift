/// The Opus identification header (RFC 7845 §5.1), which Matroska carries as
/// the A_OPUS track's CodecPrivate.
public struct OpusHead: Sendable, Equatable {
    /// Output channels (1 or 2 for mapping family 0).
    public var channelCount: UInt8
    /// Samples at 48 kHz to drop at the start of decoding (the encoder's lookahead).
    public var preSkip: UInt16
    /// The original input rate, informational only (RFC 7845 §5.1 field 5).
    public var inputSampleRate: UInt32
    /// Gain to apply on output, Q7.8 dB.
    public var outputGain: Int16

    /// libopus' usual 3.25 ms lookahead plus 3.25 ms, as browsers' encoders report it.
    public static let defaultPreSkip: UInt16 = 312

    public init(channelCount: UInt8 = 2, preSkip: UInt16 = OpusHead.defaultPreSkip,
                inputSampleRate: UInt32 = 48000, outputGain: Int16 = 0) {
        self.channelCount = channelCount
        self.preSkip = preSkip
        self.inputSampleRate = inputSampleRate
        self.outputGain = outputGain
    }

    /// The 19-byte header: magic "OpusHead", version 1, channel count, then
    /// little-endian pre-skip, input rate and gain, and mapping family 0 (RTP
    /// Opus is mono or stereo, RFC 7587 §7).
    public var bytes: [UInt8] {
        var out = Array("OpusHead".utf8)
        out.append(1)
        out.append(channelCount)
        out.append(UInt8(truncatingIfNeeded: preSkip))
        out.append(UInt8(truncatingIfNeeded: preSkip >> 8))
        for shift in stride(from: 0, to: 32, by: 8) {
            out.append(UInt8(truncatingIfNeeded: inputSampleRate >> UInt32(shift)))
        }
        let gain = UInt16(bitPattern: outputGain)
        out.append(UInt8(truncatingIfNeeded: gain))
        out.append(UInt8(truncatingIfNeeded: gain >> 8))
        out.append(0)
        return out
    }

    /// The pre-skip as nanoseconds, Matroska's CodecDelay (RFC 9559 §5.1.4.1.15;
    /// the WebM guidelines ask for it on Opus tracks).
    public var codecDelayNanoseconds: UInt64 {
        UInt64(preSkip) * 1_000_000_000 / 48000
    }
}
