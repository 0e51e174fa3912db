import COpus

/// A libopus encoder for the VoIP application, 20 ms frames of 48 kHz input
/// (or of the source's own rate: a G.711 caller's 8 kHz is encoded as it is,
/// with no resampling on either side of the encoder).
///
/// Inband FEC is on by default (RFC 6716 §2.1.7 LBRR), so a receiver can rebuild a
/// lost frame from the next packet; `expectedLossPercent` tells the encoder how
/// much redundancy to spend.
public final class OpusEncoder {
    /// Input channels (1 = mono, 2 = interleaved stereo).
    public let channels: Int
    /// Input samples per second: 8, 12, 16, 24 or 48 kHz (RFC 6716 §2; the
    /// packets say nothing of it: any decoder plays them at its own rate).
    public let sampleRate: Int
    private let encoder: OpaquePointer

    /// Opus's largest packet (RFC 6716 §3.4: 1275 bytes per frame, one frame here).
    public static let maxPacketBytes = 1_275

    /// Creates an encoder.
    /// - Parameters:
    ///   - channels: 1 for mono input, 2 for interleaved stereo input.
    ///   - bitrate: target bits per second (e.g. 32 000 for wideband speech).
    ///   - complexity: 0...10; 5 is a good trade-off for a server encoding many calls.
    ///   - inbandFEC: emit LBRR data for the previous frame.
    ///   - expectedLossPercent: 0...100, steers FEC.
    ///   - dtx: discontinuous transmission during silence.
    ///   - sampleRate: the input's rate (8, 12, 16, 24 or 48 kHz).
    public init(channels: Int = 1, sampleRate: Int = 48_000, bitrate: Int = 32_000, complexity: Int = 5,
                inbandFEC: Bool = true, expectedLossPercent: Int = 5, dtx: Bool = false) throws(AudioError) {
        guard channels == 1 || channels == 2 else { throw .invalidLength(expected: 1, actual: channels) }
        guard [8_000, 12_000, 16_000, 24_000, 48_000].contains(sampleRate) else {
            throw .invalidLength(expected: 48_000, actual: sampleRate)
        }
        var error: Int32 = OPUS_OK
        guard let enc = opus_encoder_create(Int32(sampleRate), Int32(channels), OPUS_APPLICATION_VOIP, &error), error == OPUS_OK else {
            throw .opus(code: error)
        }
        self.channels = channels
        self.sampleRate = sampleRate
        encoder = enc
        parley_opus_set_signal(enc, OPUS_SIGNAL_VOICE)
        try check(parley_opus_set_bitrate(enc, Int32(bitrate)))
        try check(parley_opus_set_complexity(enc, Int32(complexity)))
        try check(parley_opus_set_inband_fec(enc, inbandFEC ? 1 : 0))
        try check(parley_opus_set_packet_loss_perc(enc, Int32(expectedLossPercent)))
        try check(parley_opus_set_dtx(enc, dtx ? 1 : 0))
    }

    deinit { opus_encoder_destroy(encoder) }

    private func check(_ code: Int32) throws(AudioError) {
        if code != OPUS_OK { throw .opus(code: code) }
    }

    /// Changes the target bitrate (bits per second), e.g. on REMB feedback.
    public func setBitrate(_ bitsPerSecond: Int) throws(AudioError) {
        try check(parley_opus_set_bitrate(encoder, Int32(bitsPerSecond)))
    }

    /// Caps the audio bandwidth to what the source has: a G.711 caller's
    /// 8 kHz audio holds nothing above 4 kHz, and Opus coding it as
    /// narrowband (SILK alone) costs a fraction of fullband.
    public func limitBandwidth(toSourceRate rate: Int) throws(AudioError) {
        let bandwidth: Int32 = switch rate {
        case ...8_000: OPUS_BANDWIDTH_NARROWBAND
        case ...16_000: OPUS_BANDWIDTH_WIDEBAND
        case ...24_000: OPUS_BANDWIDTH_SUPERWIDEBAND
        default: OPUS_BANDWIDTH_FULLBAND
        }
        try check(parley_opus_set_max_bandwidth(encoder, bandwidth))
    }

    /// Changes the expected packet loss (0...100 %), e.g. from RTCP receiver reports.
    public func setExpectedLoss(percent: Int) throws(AudioError) {
        try check(parley_opus_set_packet_loss_perc(encoder, Int32(max(0, min(100, percent)))))
    }

    /// Encodes one frame (20 ms: 960 samples per channel at 48 kHz, 160 at
    /// 8 kHz; interleaved if stereo) into `output` (at least
    /// `maxPacketBytes`); returns the packet length.
    public func encode(_ pcm: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<UInt8>) throws(AudioError) -> Int {
        let twentyMilliseconds = sampleRate / 50
        guard let src = pcm.baseAddress, let dst = output.baseAddress else { throw .invalidLength(expected: twentyMilliseconds, actual: 0) }
        let frameSize = pcm.count / channels
        // Opus accepts 2.5, 5, 10, 20, 40 or 60 ms (RFC 6716 §2.1.4).
        let allowed = [1, 2, 4, 8, 16, 24].map { $0 * sampleRate / 400 }
        guard allowed.contains(frameSize), frameSize * channels == pcm.count else {
            throw .invalidLength(expected: twentyMilliseconds * channels, actual: pcm.count)
        }
        let n = opus_encode(encoder, src, Int32(frameSize), dst, Int32(output.count))
        if n < 0 { throw .opus(code: n) }
        return Int(n)
    }

    /// Convenience: encodes an array into a new packet (allocates).
    public func encode(_ pcm: [Int16]) throws(AudioError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Self.maxPacketBytes)
        let n = try pcm.withUnsafeBufferPointer { (src) throws(AudioError) -> Int in
            try out.withUnsafeMutableBufferPointer { (dst) throws(AudioError) -> Int in try encode(src, into: dst) }
        }
        out.removeLast(out.count - n)
        return out
    }
}
