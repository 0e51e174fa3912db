import CSpanDSP

/// In-band DTMF detection (ITU-T Q.23/Q.24 tones) with spandsp's `dtmf_rx`, for
/// phones that do not send RFC 4733 telephone-events.
///
/// spandsp's detector runs at 8 kHz: feed it 8 kHz audio with
/// `process(narrowband:)`, or frames at the detector's `inputRate` with
/// `process(_:)`, which down-samples first when that is not 8 kHz.
public final class DTMFDetector {
    private let state: OpaquePointer
    private let downsampler: Resampler?
    /// Samples per second `process(_:)` takes.
    public let inputRate: Int
    private let narrow: UnsafeMutableBufferPointer<Int16>
    /// Digits reported by spandsp's callback since the last `takeDigits()`.
    private var pending: [Character] = []

    /// Creates a detector with spandsp's default thresholds for frames at `inputRate`.
    public init(inputRate: Int = AudioFormat.sampleRate) throws(AudioError) {
        self.inputRate = inputRate
        downsampler = inputRate == 8_000 ? nil : try Resampler(from: inputRate, to: 8_000)
        narrow = .allocate(capacity: 1_024)
        narrow.initialize(repeating: 0)
        guard let s = dtmf_rx_init(nil, nil, nil) else {
            narrow.deallocate()
            throw .spandspInitFailed("dtmf_rx_init")
        }
        state = s
        // The callback runs synchronously inside dtmf_rx, so an unretained
        // reference to self is valid for as long as `state` exists.
        installCallback(state)
    }

    private func installCallback(_ s: OpaquePointer) {
        let callback: digits_rx_callback_t = { user, digits, count in
            guard let user, let digits, count > 0 else { return }
            let me = Unmanaged<DTMFDetector>.fromOpaque(user).takeUnretainedValue()
            for i in 0..<Int(count) {
                me.pending.append(Character(Unicode.Scalar(UInt8(bitPattern: digits[i]))))
            }
        }
        // Re-initialise in place with the callback now that `self` exists.
        dtmf_rx_init(s, callback, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit {
        dtmf_rx_free(state)
        narrow.deallocate()
    }

    /// Feeds 8 kHz samples; returns the digits completed in them ("0"-"9", "*", "#", "A"-"D").
    public func process(narrowband samples: UnsafeBufferPointer<Int16>) -> String {
        if let p = samples.baseAddress, !samples.isEmpty {
            dtmf_rx(state, p, Int32(samples.count))
        }
        return takeDigits()
    }

    /// Feeds a frame at `inputRate` (down-sampled internally); returns completed digits.
    public func process(_ frame: UnsafeBufferPointer<Int16>) -> String {
        guard let downsampler else { return process(narrowband: frame) }
        var offset = 0
        // 1 024 narrowband samples hold 6 144 wideband ones; chunk longer input.
        while offset < frame.count {
            let end = min(frame.count, offset + 6_144)
            let n = downsampler.process(UnsafeBufferPointer(rebasing: frame[offset..<end]), into: narrow)
            if let p = narrow.baseAddress, n > 0 { dtmf_rx(state, p, Int32(n)) }
            offset = end
        }
        return takeDigits()
    }

    /// Array form of `process(_:)`.
    public func process(_ frame: [Int16]) -> String {
        frame.withUnsafeBufferPointer { process($0) }
    }

    private func takeDigits() -> String {
        guard !pending.isEmpty else { return "" }
        let s = String(pending)
        pending.removeAll(keepingCapacity: true)
        return s
    }
}
