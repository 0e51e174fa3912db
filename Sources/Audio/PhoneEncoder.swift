/// Encodes the room's 48 kHz mono 20 ms frames into one phone codec's RTP payload:
/// down-sample (anti-aliased) to the codec rate, then G.711, G.722 or Opus.
///
/// One instance per call direction; it keeps resampler and codec state between
/// frames and allocates nothing per frame when the buffer form is used.
public final class PhoneEncoder {
    /// The codec this encoder produces.
    public let codec: VoiceCodec
    private let resampler: Resampler?
    private let g722: G722Codec?
    private let opus: OpusEncoder?
    /// Codec-rate samples for one frame (scratch, reused).
    private let narrow: UnsafeMutableBufferPointer<Int16>

    /// Space a caller must provide for any payload (Opus's maximum packet).
    public static let maxPayloadBytes = OpusEncoder.maxPacketBytes

    /// Creates an encoder. `opusBitrate` only matters for `.opus`.
    public init(codec: VoiceCodec, opusBitrate: Int = 32_000, opusExpectedLossPercent: Int = 5) throws(AudioError) {
        self.codec = codec
        resampler = codec.sampleRate == AudioFormat.sampleRate ? nil : try Resampler(from: AudioFormat.sampleRate, to: codec.sampleRate)
        g722 = codec == .g722 ? try G722Codec() : nil
        opus = codec == .opus ? try OpusEncoder(bitrate: opusBitrate, expectedLossPercent: opusExpectedLossPercent) : nil
        narrow = .allocate(capacity: AudioFormat.frameSamples)
        narrow.initialize(repeating: 0)
    }

    deinit { narrow.deallocate() }

    /// Encodes one 20 ms frame of 960 samples into `output` (at least
    /// `maxPayloadBytes` for Opus, 160 otherwise); returns the payload length.
    public func encode(_ frame: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<UInt8>) throws(AudioError) -> Int {
        guard frame.count == AudioFormat.frameSamples else {
            throw .invalidLength(expected: AudioFormat.frameSamples, actual: frame.count)
        }
        if let opus { return try opus.encode(frame, into: output) }
        guard let resampler else { throw .invalidPayload }
        let n = resampler.process(frame, into: narrow)
        let samples = UnsafeBufferPointer(rebasing: narrow[0..<n])
        switch codec {
        case .pcmu, .pcma:
            guard output.count >= n else { throw .invalidLength(expected: n, actual: output.count) }
            G711.encode(samples, into: output, law: codec == .pcmu ? .ulaw : .alaw)
            return n
        case .g722:
            guard output.count >= n / 2, let g722 else { throw .invalidLength(expected: n / 2, actual: output.count) }
            return g722.encode(samples, into: output)
        case .opus:
            throw .invalidPayload
        }
    }

    /// Convenience: encodes one frame into a new array (allocates).
    public func encode(_ frame: [Int16]) throws(AudioError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Self.maxPayloadBytes)
        let n = try frame.withUnsafeBufferPointer { (src) throws(AudioError) -> Int in
            try out.withUnsafeMutableBufferPointer { (dst) throws(AudioError) -> Int in try encode(src, into: dst) }
        }
        out.removeLast(out.count - n)
        return out
    }
}
