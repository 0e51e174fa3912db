/// Encodes the room's mono 20 ms frames (at `inputRate`: 48 kHz by default,
/// 8 kHz in a room of G.711 phones) into one phone codec's RTP payload:
/// down-sample (anti-aliased) to the codec rate where it differs, then G.711,
/// G.722 or Opus.
///
/// One instance per call direction; it keeps resampler and codec state between
/// frames and allocates nothing per frame when the buffer form is used.
public final class PhoneEncoder {
    /// The codec this encoder produces.
    public let codec: VoiceCodec
    /// Samples per second of the frames `encode` takes.
    public private(set) var inputRate: Int
    /// Samples in one 20 ms input frame.
    public var frameSamples: Int { AudioFormat.frameSamples(atRate: inputRate) }
    /// Input rate → codec rate; nil when they are the same.
    private var resampler: Resampler?
    private let g722: G722Codec?
    private var opus: OpusEncoder?
    private let opusBitrate: Int
    private let opusExpectedLossPercent: Int
    /// Codec-rate samples for one frame (scratch, reused).
    private let narrow: UnsafeMutableBufferPointer<Int16>

    /// Space a caller must provide for any payload (Opus's maximum packet).
    public static let maxPayloadBytes = OpusEncoder.maxPacketBytes

    /// Creates an encoder taking frames at `inputRate`. `opusBitrate` only matters for `.opus`.
    public init(codec: VoiceCodec, inputRate: Int = AudioFormat.sampleRate, opusBitrate: Int = 32_000,
                opusExpectedLossPercent: Int = 5) throws(AudioError) {
        self.codec = codec
        self.inputRate = inputRate
        self.opusBitrate = opusBitrate
        self.opusExpectedLossPercent = opusExpectedLossPercent
        resampler = codec.sampleRate == inputRate || codec == .opus ? nil : try Resampler(from: inputRate, to: codec.sampleRate)
        g722 = codec == .g722 ? try G722Codec() : nil
        opus = codec == .opus ? try OpusEncoder(sampleRate: inputRate, bitrate: opusBitrate,
                                                expectedLossPercent: opusExpectedLossPercent) : nil
        narrow = .allocate(capacity: AudioFormat.frameSamples)
        narrow.initialize(repeating: 0)
    }

    deinit { narrow.deallocate() }

    /// Takes frames at `rate` from now on (the room's mix changed rate); the
    /// codec's state carries over (an Opus phone's encoder starts afresh).
    public func setInputRate(_ rate: Int) throws(AudioError) {
        guard rate != inputRate else { return }
        if codec == .opus {
            opus = try OpusEncoder(sampleRate: rate, bitrate: opusBitrate, expectedLossPercent: opusExpectedLossPercent)
        } else {
            resampler = codec.sampleRate == rate ? nil : try Resampler(from: rate, to: codec.sampleRate)
        }
        inputRate = rate
    }

    /// Encodes one 20 ms frame of `frameSamples` into `output` (at least
    /// `maxPayloadBytes` for Opus, 160 otherwise); returns the payload length.
    public func encode(_ frame: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<UInt8>) throws(AudioError) -> Int {
        guard frame.count == frameSamples else {
            throw .invalidLength(expected: frameSamples, actual: frame.count)
        }
        if let opus { return try opus.encode(frame, into: output) }
        let samples: UnsafeBufferPointer<Int16>
        if let resampler {
            samples = UnsafeBufferPointer(rebasing: narrow[0..<resampler.process(frame, into: narrow)])
        } else {
            samples = frame
        }
        let n = samples.count
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
