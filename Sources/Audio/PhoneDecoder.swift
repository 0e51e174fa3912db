/// Decodes one phone codec's RTP payloads to the rate its room is mixed at
/// (`outputRate`: 48 kHz by default, 8 kHz in a room of G.711 phones, where
/// nothing is resampled) and hides lost packets: `LPCConcealer` for G.711
/// (from both sides of the gap when the next packet is in hand), spandsp's
/// PLC for G.722 (run at the codec rate, where its pitch search works),
/// Opus's own PLC or inband FEC for Opus.
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
    private let plc: PacketLossConcealer?
    private let lpc: LPCConcealer?
    /// The next packet's samples, for concealment from both sides (G.711).
    private let nextFrame: UnsafeMutableBufferPointer<Int16>
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
        plc = codec == .g722 ? PacketLossConcealer() : nil
        lpc = codec == .pcmu || codec == .pcma ? LPCConcealer() : nil
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
        nextFrame = .allocate(capacity: LPCConcealer.frameSamples)
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
        if let g722 {
            g722.decode(payload, into: slice)
        } else {
            G711.decode(payload, into: slice, law: codec == .pcmu ? .ulaw : .alaw)
        }
        // The concealer learns the caller's real signal; the room hears it cleaned.
        plc?.received(slice)
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
        plc?.conceal(into: slice)
        lpc?.conceal(into: slice)
        // Through the cleaner too: it delays by 10 ms, so a frame that skipped
        // it would jump that much and drop the cleaner's held-back 10 ms.
        cleaner?.process(slice)
        narrowCount = n
        return convert(n, into: output)
    }

    /// Produces the lost 20 ms frame that precedes `next`: Opus inband FEC
    /// (RFC 7587 §3.3), G.711 concealed from both sides of the gap, plain
    /// concealment for G.722. Decode `next` itself with `decode` afterwards.
    public func recover(next: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<Int16>) throws(AudioError) -> Int {
        if let lpc, next.count == LPCConcealer.frameSamples {
            guard output.count >= frameSamples else { throw .invalidLength(expected: frameSamples, actual: output.count) }
            // G.711 has no state: decoding the next packet now changes nothing for its own decode.
            G711.decode(next, into: nextFrame, law: codec == .pcmu ? .ulaw : .alaw)
            let n = codec.samplesPerFrame
            let slice = UnsafeMutableBufferPointer(rebasing: narrow[0..<n])
            lpc.conceal(into: slice, next: UnsafeBufferPointer(nextFrame))
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
