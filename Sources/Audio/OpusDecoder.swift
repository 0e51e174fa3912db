import COpus

/// A libopus decoder producing mono 48 kHz (or 8, 12, 16 or 24 kHz: libopus
/// decodes straight to the rate a mix of phones runs at, band-limited, with
/// less work than 48 kHz and no resampler after it). Stereo packets from
/// browsers are down-mixed by libopus itself (a mono decoder accepts any packet).
///
/// Loss handling (RFC 6716 §4.4, RFC 7587 §3.3): `conceal` runs Opus's own PLC;
/// `decodeFEC(next:)` rebuilds the lost frame from the LBRR data carried in the
/// packet that follows it, which is better when that packet is already at hand.
public final class OpusDecoder {
    private let decoder: OpaquePointer

    /// The largest frame libopus can return: 120 ms at 48 kHz.
    public static let maxFrameSamples = 5_760

    /// Samples per second of the decoded audio.
    public let sampleRate: Int

    /// Creates a mono decoder producing `sampleRate` (8, 12, 16, 24 or 48 kHz).
    public init(sampleRate: Int = 48_000) throws(AudioError) {
        var error: Int32 = OPUS_OK
        guard let dec = opus_decoder_create(Int32(sampleRate), 1, &error), error == OPUS_OK else { throw .opus(code: error) }
        decoder = dec
        self.sampleRate = sampleRate
    }

    deinit { opus_decoder_destroy(decoder) }

    /// Clears the decoder state (new stream or resync).
    public func reset() { parley_opus_decoder_reset(decoder) }

    /// Number of samples (at 48 kHz) in `packet`, or an error for a malformed one.
    public static func sampleCount(of packet: UnsafeBufferPointer<UInt8>) throws(AudioError) -> Int {
        guard let p = packet.baseAddress, !packet.isEmpty else { throw .invalidPayload }
        let n = opus_packet_get_nb_samples(p, Int32(packet.count), 48_000)
        if n < 0 { throw .opus(code: n) }
        return Int(n)
    }

    /// Decodes a packet into `output`; returns the number of samples written
    /// (960 for a 20 ms packet at 48 kHz). `output` must hold the packet's duration.
    public func decode(_ packet: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<Int16>) throws(AudioError) -> Int {
        guard let p = packet.baseAddress, !packet.isEmpty, let dst = output.baseAddress else { throw .invalidPayload }
        let n = opus_decode(decoder, p, Int32(packet.count), dst, Int32(output.count), 0)
        if n < 0 { throw .opus(code: n) }
        return Int(n)
    }

    /// Packet loss concealment for one missing frame of `output.count` samples
    /// (a multiple of 2.5 ms; 960 for 20 ms).
    public func conceal(into output: UnsafeMutableBufferPointer<Int16>) throws(AudioError) -> Int {
        guard let dst = output.baseAddress else { throw .invalidLength(expected: 960, actual: 0) }
        let n = opus_decode(decoder, nil, 0, dst, Int32(output.count), 0)
        if n < 0 { throw .opus(code: n) }
        return Int(n)
    }

    /// Recovers the frame lost just before `next` from `next`'s inband FEC data,
    /// writing `output.count` samples (the lost duration). Without FEC data libopus
    /// falls back to PLC. Decode `next` itself normally afterwards.
    public func decodeFEC(next: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<Int16>) throws(AudioError) -> Int {
        guard let p = next.baseAddress, !next.isEmpty, let dst = output.baseAddress else { throw .invalidPayload }
        let n = opus_decode(decoder, p, Int32(next.count), dst, Int32(output.count), 1)
        if n < 0 { throw .opus(code: n) }
        return Int(n)
    }
}
