import Foundation

/// Packet loss concealment for 8 kHz speech in 20 ms frames (G.711), from
/// both sides of the gap when it can.
///
/// A lost frame is the forward `LPCExtrapolation` of what was played
/// (full gain for 20 ms, then fading to silence at 60 ms, as G.711
/// Appendix I). When the next frame is already in the jitter buffer, the
/// lost frame is instead a raised-cosine cross-fade from that forward
/// continuation into a backward one: the next frame reversed, extrapolated,
/// and reversed again, so the gap meets the next frame in its own waveform
/// and neither neighbour is edited. A frame that arrives after a gap filled
/// forward only is cross-faded in over 2.5 ms from the continuation.
///
/// On the gateway benchmark's loss patterns, offline (PESQ P.862 NB, µ-law,
/// 3 % random loss): 3.72 on its synthetic speech and 4.00 on a recorded
/// voice with the next frame, 3.48 / 3.80 forward only, where spandsp's
/// pitch repetition scores 3.35 / 3.77 and zeroed frames 2.93 / 3.41.
public final class LPCConcealer {
    /// 8000 (G.711) or 16000 (G.722): every length below doubles at 16 kHz.
    public let sampleRate: Int
    /// Samples in a 20 ms frame.
    public let frameSamples: Int
    private let scale: Int
    private var historyLength: Int { 480 * scale }
    /// Gain 1 for the first frame of a gap, then down to 0 at three frames.
    private var holdSamples: Int { 160 * scale }
    private var silentAfter: Int { 480 * scale }
    /// Samples of the first frame after a forward-only gap cross-faded from the continuation (2.5 ms).
    private var mergeSamples: Int { 20 * scale }

    /// What was played, real or concealed, oldest first.
    private var history: [Float]
    /// The forward continuation of the gap in progress (nil between gaps).
    private var forward: LPCExtrapolation?
    /// The gap in progress ended with a frame built from the next one.
    private var metNextFrame = false
    private var scratch: [Float]
    private var backward: [Float]

    /// A concealer for 20 ms frames at `sampleRate` (8000 or 16000).
    public init(sampleRate: Int = 8_000) {
        self.sampleRate = sampleRate >= 16_000 ? 16_000 : 8_000
        scale = self.sampleRate / 8_000
        frameSamples = 160 * scale
        history = [Float](repeating: 0, count: 480 * scale)
        scratch = [Float](repeating: 0, count: 160 * scale)
        backward = [Float](repeating: 0, count: 160 * scale)
    }

    /// Clears the history (a new stream).
    public func reset() {
        for i in history.indices { history[i] = 0 }
        forward = nil
        metNextFrame = false
    }

    /// Records a received frame (usually 160 samples; a phone may send
    /// other packet times); right after a gap filled forward only, its start
    /// is cross-faded in place from the continuation.
    public func received(_ frame: UnsafeMutableBufferPointer<Int16>) {
        if var continuation = forward, !metNextFrame, frame.count >= mergeSamples {
            let m = mergeSamples
            scratch.withUnsafeMutableBufferPointer { s in
                let part = UnsafeMutableBufferPointer(rebasing: s[0..<m])
                let start = continuation.position
                continuation.synthesize(into: part)
                for i in 0..<m {
                    let a = 0.5 - 0.5 * cos(Float.pi * (Float(i) + 0.5) / Float(m))
                    let c = part[i] * gain(at: start + i)
                    frame[i] = Self.clamp((1 - a) * c + a * Float(frame[i]))
                }
            }
        }
        forward = nil
        metNextFrame = false
        remember(frame)
    }

    /// Writes one concealed frame (160 samples). `next`: the frame after
    /// the lost one, when the jitter buffer already holds it (decoded, not
    /// yet played); then this frame closes the gap into it.
    public func conceal(into frame: UnsafeMutableBufferPointer<Int16>, next: UnsafeBufferPointer<Int16>? = nil) {
        guard frame.count == frameSamples else { return }
        if forward == nil {
            forward = history.withUnsafeBufferPointer { h in
                LPCExtrapolation(history: h, sampleRate: sampleRate, lags: (20 * scale)...(140 * scale), window: 80 * scale,
                                 analysis: 240 * scale, growing: true)
            }
        }
        guard var continuation = forward else { return }
        let start = continuation.position
        scratch.withUnsafeMutableBufferPointer { s in
            if start < silentAfter {
                continuation.synthesize(into: s)
                for i in 0..<frameSamples { s[i] *= gain(at: start + i) }
            } else {
                s.update(repeating: 0)
            }
        }
        forward = continuation
        if let next, next.count == frameSamples {
            closeGap(into: next, voiced: continuation.periodicity >= 0.6 ? continuation.lag : nil)
            metNextFrame = true
        }
        for i in 0..<frameSamples { frame[i] = Self.clamp(scratch[i]) }
        remember(frame)
    }

    /// Cross-fades `scratch` (the forward side) into the backward
    /// continuation of `next`; `voiced`: the forward pitch lag, which narrows
    /// the backward pitch search.
    private func closeGap(into next: UnsafeBufferPointer<Int16>, voiced lag: Int?) {
        let n = frameSamples
        var lags = (20 * scale)...(100 * scale)
        if let lag {
            let lo = max(20 * scale, Int(Float(lag) * 0.7)), hi = min(120 * scale, Int(Float(lag) * 1.45) + 1)
            if hi > lo { lags = lo...hi }
        }
        var reversed = [Float](repeating: 0, count: n)
        for i in 0..<n { reversed[i] = Float(next[n - 1 - i]) }
        var extrapolation = reversed.withUnsafeBufferPointer { r in
            LPCExtrapolation(history: r, sampleRate: sampleRate, lags: lags, window: n - lags.upperBound, analysis: n, growing: false)
        }
        backward.withUnsafeMutableBufferPointer { extrapolation.synthesize(into: $0) }
        for t in 0..<n {
            let w = 0.5 - 0.5 * cos(Float.pi * (Float(t) + 0.5) / Float(n))
            scratch[t] = (1 - w) * scratch[t] + w * backward[n - 1 - t]
        }
    }

    private func remember(_ frame: UnsafeMutableBufferPointer<Int16>) {
        let n = min(frame.count, historyLength), skip = frame.count - n
        history.withUnsafeMutableBufferPointer { h in
            let keep = historyLength - n
            for i in 0..<keep { h[i] = h[i + n] }
            for i in 0..<n { h[keep + i] = Float(frame[skip + i]) }
        }
    }

    /// 1 for the gap's first frame, then linear to 0 at `silentAfter`.
    private func gain(at t: Int) -> Float {
        guard t > holdSamples else { return 1 }
        return max(0, Float(silentAfter - t) / Float(silentAfter - holdSamples))
    }

    private static func clamp(_ x: Float) -> Int16 { Int16(max(-32768, min(32767, x.rounded()))) }
}
