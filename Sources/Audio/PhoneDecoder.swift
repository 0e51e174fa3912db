/// Decodes one phone codec's RTP payloads to the room's 48 kHz mono format and
/// hides lost packets: spandsp PLC for G.711/G.722 (run at the codec rate, where
/// its pitch search works), Opus's own PLC or inband FEC for Opus.
///
/// One instance per call; state (codec, PLC history, resampler) carries between
/// packets. Feed it in playout order, e.g. from a `JitterBuffer`.
public final class PhoneDecoder {
    /// The codec this decoder accepts.
    public let codec: VoiceCodec
    private let resampler: Resampler?
    private let g722: G722Codec?
    private let opus: OpusDecoder?
    private let plc: PacketLossConcealer?
    /// Noise suppression and gain on the caller's voice, at the codec's own
    /// rate (8 or 16 kHz: a sixth or a third of the work at 48 kHz); nil: off.
    private let cleaner: VoiceCleaner?
    /// Whether decoded audio is cleaned (never for Opus, see `init`).
    public var cleansAudio: Bool { cleaner != nil }
    /// Codec-rate scratch (120 ms at 16 kHz is the most a sane packet carries).
    private let narrow: UnsafeMutableBufferPointer<Int16>
    private static let narrowCapacity = 1_920

    /// Creates a decoder for `codec`; `cleaning` (when active) cleans every
    /// decoded frame (`VoiceCleaner`).
    public init(codec: VoiceCodec, cleaning: VoiceCleaner.Settings? = nil) throws(AudioError) {
        self.codec = codec
        resampler = codec.sampleRate == AudioFormat.sampleRate ? nil : try Resampler(from: codec.sampleRate, to: AudioFormat.sampleRate)
        g722 = codec == .g722 ? try G722Codec() : nil
        opus = codec == .opus ? try OpusDecoder() : nil
        plc = codec == .opus ? nil : PacketLossConcealer()
        // Opus callers are softphones and apps, which clean their own voice
        // (and their packets then reach the room without a second encode);
        // G.711 and G.722 come from desk phones and the phone network.
        if let cleaning, cleaning.isActive, codec != .opus {
            cleaner = try VoiceCleaner(sampleRate: codec.sampleRate, settings: cleaning)
        } else {
            cleaner = nil
        }
        narrow = .allocate(capacity: Self.narrowCapacity)
        narrow.initialize(repeating: 0)
    }

    deinit { narrow.deallocate() }

    /// Samples of the last frame `decode` or `conceal` made, at the codec's
    /// own rate and cleaned (G.711 and G.722 only; 0 for Opus).
    public private(set) var narrowCount = 0

    /// The last frame at the codec's own rate (`narrowCount` samples): what
    /// a room encoder at that rate takes without a resample either side.
    public var narrowFrame: UnsafeBufferPointer<Int16> { UnsafeBufferPointer(rebasing: narrow[0..<narrowCount]) }

    /// Decodes a payload into `output` (48 kHz); returns the number of samples
    /// written: 960 for a 20 ms packet, proportionally more for longer ptimes.
    public func decode(_ payload: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<Int16>) throws(AudioError) -> Int {
        guard !payload.isEmpty else { throw .invalidPayload }
        if let opus { return try opus.decode(payload, into: output) }
        let narrowCount: Int
        switch codec {
        case .pcmu, .pcma:
            narrowCount = payload.count
        case .g722:
            narrowCount = payload.count * 2
        case .opus:
            throw .invalidPayload
        }
        guard narrowCount <= Self.narrowCapacity else { throw .invalidLength(expected: Self.narrowCapacity, actual: narrowCount) }
        let needed = narrowCount * AudioFormat.sampleRate / codec.sampleRate
        guard output.count >= needed else { throw .invalidLength(expected: needed, actual: output.count) }
        let slice = UnsafeMutableBufferPointer(rebasing: narrow[0..<narrowCount])
        if let g722 {
            g722.decode(payload, into: slice)
        } else {
            G711.decode(payload, into: slice, law: codec == .pcmu ? .ulaw : .alaw)
        }
        // The concealer learns the caller's real signal; the room hears it cleaned.
        plc?.received(slice)
        cleaner?.process(slice)
        self.narrowCount = narrowCount
        return upsample(narrowCount, into: output)
    }

    /// Produces one 20 ms frame (960 samples) for a lost packet.
    public func conceal(into output: UnsafeMutableBufferPointer<Int16>) throws(AudioError) -> Int {
        guard output.count >= AudioFormat.frameSamples else {
            throw .invalidLength(expected: AudioFormat.frameSamples, actual: output.count)
        }
        let frame = UnsafeMutableBufferPointer(rebasing: output[0..<AudioFormat.frameSamples])
        if let opus { return try opus.conceal(into: frame) }
        let n = codec.samplesPerFrame
        let slice = UnsafeMutableBufferPointer(rebasing: narrow[0..<n])
        plc?.conceal(into: slice)
        // Through the cleaner too: it delays by 10 ms, so a frame that skipped
        // it would jump that much and drop the cleaner's held-back 10 ms.
        cleaner?.process(slice)
        narrowCount = n
        return upsample(n, into: output)
    }

    /// Produces the lost 20 ms frame that precedes `next`: Opus inband FEC
    /// (RFC 7587 §3.3), plain concealment for the other codecs. Decode `next`
    /// itself with `decode` afterwards.
    public func recover(next: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<Int16>) throws(AudioError) -> Int {
        guard let opus else { return try conceal(into: output) }
        guard output.count >= AudioFormat.frameSamples else {
            throw .invalidLength(expected: AudioFormat.frameSamples, actual: output.count)
        }
        return try opus.decodeFEC(next: next, into: UnsafeMutableBufferPointer(rebasing: output[0..<AudioFormat.frameSamples]))
    }

    private func upsample(_ count: Int, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        guard let resampler else { return 0 }
        return resampler.process(UnsafeBufferPointer(rebasing: narrow[0..<count]), into: output)
    }
}

extension PhoneDecoder {
    /// Convenience: decodes a payload into a new array (allocates).
    public func decode(_ payload: [UInt8]) throws(AudioError) -> [Int16] {
        var out = [Int16](repeating: 0, count: OpusDecoder.maxFrameSamples)
        let n = try payload.withUnsafeBufferPointer { (src) throws(AudioError) -> Int in
            try out.withUnsafeMutableBufferPointer { (dst) throws(AudioError) -> Int in try decode(src, into: dst) }
        }
        out.removeLast(out.count - n)
        return out
    }

    /// Convenience: one concealed 20 ms frame in a new array (allocates).
    public func conceal() throws(AudioError) -> [Int16] {
        var out = [Int16](repeating: 0, count: AudioFormat.frameSamples)
        let n = try out.withUnsafeMutableBufferPointer { (dst) throws(AudioError) -> Int in try conceal(into: dst) }
        out.removeLast(out.count - n)
        return out
    }

    /// Convenience: the lost frame before `next` in a new array (allocates).
    public func recover(next: [UInt8]) throws(AudioError) -> [Int16] {
        var out = [Int16](repeating: 0, count: AudioFormat.frameSamples)
        let n = try next.withUnsafeBufferPointer { (src) throws(AudioError) -> Int in
            try out.withUnsafeMutableBufferPointer { (dst) throws(AudioError) -> Int in try recover(next: src, into: dst) }
        }
        out.removeLast(out.count - n)
        return out
    }
}
