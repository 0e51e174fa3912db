/// Decodes one phone codec's RTP payloads to the rate its room is mixed at
/// (`outputRate`: 48 kHz by default, 8 kHz in a room of G.711 phones, where
/// nothing is resampled) and hides lost packets: `LPCConcealer` for G.711
/// and G.722, at the codec's rate (from both sides of the gap when the next
/// packet is in hand), Opus's own PLC or inband FEC for Opus.
///
/// One instance per call; state (codec, PLC history, resampler) carries between
/// packets. Feed it in playout order, e.g. from a `JitterBuffer`.
public final class PhoneDecoder {
    /// The codec this decoder accepts.
    public let codec: VoiceCodec
    /// Samples per second of the frames `decode`, `conceal` and `recover` write.
    public private(set) var outputRate: Int
    /// Samples in one 20 ms output frame.
    public var frameSamples: Int { AudioFormat.frameSamples(atRate: outputRate) }
    /// Codec rate → output rate; nil when they are the same.
    private var resampler: Resampler?
    private let g722: G722Codec?
    private var opus: OpusDecoder?
    private let lpc: LPCConcealer?
    /// The next packet's samples, decoded early for concealment from both
    /// sides, and its payload: G.722's decoder has state, so when that
    /// packet's turn comes these samples are used instead of a second decode.
    private let nextFrame: UnsafeMutableBufferPointer<Int16>
    private var decodedEarly: [UInt8]?
    /// Noise suppression and gain on the caller's voice, at the codec's own
    /// rate (8 or 16 kHz: a sixth or a third of the work at 48 kHz); nil: off.
    private let cleaner: VoiceCleaner?
    /// Whether decoded audio is cleaned (never for Opus, see `init`).
    public var cleansAudio: Bool { cleaner != nil }
    /// Codec-rate scratch (120 ms at 16 kHz is the most a sane packet carries).
    private let narrow: UnsafeMutableBufferPointer<Int16>
    private static let narrowCapacity = 1_920

    /// Creates a decoder for `codec` writing frames at `outputRate`;
    /// `cleaning` (when active) cleans every decoded frame (`VoiceCleaner`).
    public init(codec: VoiceCodec, cleaning: VoiceCleaner.Settings? = nil,
                outputRate: Int = AudioFormat.sampleRate) throws(AudioError) {
        self.codec = codec
        self.outputRate = outputRate
        resampler = codec.sampleRate == outputRate || codec == .opus ? nil : try Resampler(from: codec.sampleRate, to: outputRate)
        g722 = codec == .g722 ? try G722Codec() : nil
        opus = codec == .opus ? try OpusDecoder(sampleRate: outputRate) : nil
        lpc = codec == .opus ? nil : LPCConcealer(sampleRate: codec.sampleRate)
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
        nextFrame = .allocate(capacity: 320)
        nextFrame.initialize(repeating: 0)
    }

    deinit {
        narrow.deallocate()
        nextFrame.deallocate()
    }

    /// Writes frames at `rate` from now on (the room's mix changed rate). The
    /// concealer's and the cleaner's history carry over; only the resampler
    /// (or an Opus phone's decoder) starts afresh.
    public func setOutputRate(_ rate: Int) throws(AudioError) {
        guard rate != outputRate else { return }
        if codec == .opus {
            opus = try OpusDecoder(sampleRate: rate)
        } else {
            resampler = codec.sampleRate == rate ? nil : try Resampler(from: codec.sampleRate, to: rate)
        }
        outputRate = rate
    }

    /// Samples of the last frame `decode` or `conceal` made, at the codec's
    /// own rate and cleaned (G.711 and G.722 only; 0 for Opus).
    public private(set) var narrowCount = 0

    /// The last frame at the codec's own rate (`narrowCount` samples): what
    /// a room encoder at that rate takes without a resample either side.
    public var narrowFrame: UnsafeBufferPointer<Int16> { UnsafeBufferPointer(rebasing: narrow[0..<narrowCount]) }

    /// Decodes a payload into `output` (at `outputRate`); returns the number of
    /// samples written: `frameSamples` for a 20 ms packet, proportionally more
    /// for longer ptimes.
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
        let needed = narrowCount * outputRate / codec.sampleRate
        guard output.count >= needed else { throw .invalidLength(expected: needed, actual: output.count) }
        let slice = UnsafeMutableBufferPointer(rebasing: narrow[0..<narrowCount])
        if let early = decodedEarly, early.elementsEqual(payload), narrowCount <= lpc?.frameSamples ?? 0 {
            _ = slice.update(fromContentsOf: UnsafeBufferPointer(rebasing: nextFrame[0..<narrowCount]))
        } else if let g722 {
            g722.decode(payload, into: slice)
        } else {
            G711.decode(payload, into: slice, law: codec == .pcmu ? .ulaw : .alaw)
        }
        decodedEarly = nil
        // The concealer learns the caller's real signal; the room hears it cleaned.
        lpc?.received(slice)
        cleaner?.process(slice)
        self.narrowCount = narrowCount
        return convert(narrowCount, into: output)
    }

    /// Produces one 20 ms frame (`frameSamples`) for a lost packet.
    public func conceal(into output: UnsafeMutableBufferPointer<Int16>) throws(AudioError) -> Int {
        guard output.count >= frameSamples else {
            throw .invalidLength(expected: frameSamples, actual: output.count)
        }
        let frame = UnsafeMutableBufferPointer(rebasing: output[0..<frameSamples])
        if let opus { return try opus.conceal(into: frame) }
        let n = codec.samplesPerFrame
        let slice = UnsafeMutableBufferPointer(rebasing: narrow[0..<n])
        lpc?.conceal(into: slice)
        // Through the cleaner too: it delays by 10 ms, so a frame that skipped
        // it would jump that much and drop the cleaner's held-back 10 ms.
        cleaner?.process(slice)
        narrowCount = n
        return convert(n, into: output)
    }

    /// Produces the lost 20 ms frame that precedes `next`: Opus inband FEC
    /// (RFC 7587 §3.3), G.711 and G.722 concealed from both sides of the
    /// gap. Decode `next` itself with `decode` afterwards.
    public func recover(next: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<Int16>) throws(AudioError) -> Int {
        let nextSamples = codec == .g722 ? next.count * 2 : next.count
        if let lpc, nextSamples == lpc.frameSamples {
            guard output.count >= frameSamples else { throw .invalidLength(expected: frameSamples, actual: output.count) }
            let early = UnsafeMutableBufferPointer(rebasing: nextFrame[0..<nextSamples])
            if let g722 { g722.decode(next, into: early) } else { G711.decode(next, into: early, law: codec == .pcmu ? .ulaw : .alaw) }
            decodedEarly = Array(next)
            let n = codec.samplesPerFrame
            let slice = UnsafeMutableBufferPointer(rebasing: narrow[0..<n])
            lpc.conceal(into: slice, next: UnsafeBufferPointer(early))
            cleaner?.process(slice)
            narrowCount = n
            return convert(n, into: output)
        }
        guard let opus else { return try conceal(into: output) }
        guard output.count >= frameSamples else {
            throw .invalidLength(expected: frameSamples, actual: output.count)
        }
        return try opus.decodeFEC(next: next, into: UnsafeMutableBufferPointer(rebasing: output[0..<frameSamples]))
    }

    /// The codec-rate samples at the output rate: resampled, or copied as they are.
    private func convert(_ count: Int, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        let samples = UnsafeBufferPointer(rebasing: narrow[0..<count])
        guard let resampler else {
            _ = UnsafeMutableBufferPointer(rebasing: output[0..<count]).initialize(fromContentsOf: samples)
            return count
        }
        return resampler.process(samples, into: output)
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
        var out = [Int16](repeating: 0, count: frameSamples)
        let n = try out.withUnsafeMutableBufferPointer { (dst) throws(AudioError) -> Int in try conceal(into: dst) }
        out.removeLast(out.count - n)
        return out
    }

    /// Convenience: the lost frame before `next` in a new array (allocates).
    public func recover(next: [UInt8]) throws(AudioError) -> [Int16] {
        var out = [Int16](repeating: 0, count: frameSamples)
        let n = try next.withUnsafeBufferPointer { (src) throws(AudioError) -> Int in
            try out.withUnsafeMutableBufferPointer { (dst) throws(AudioError) -> Int in try recover(next: src, into: dst) }
        }
        out.removeLast(out.count - n)
        return out
    }
}
