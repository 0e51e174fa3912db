import Foundation

/// A stateful rational sample-rate converter: polyphase FIR with a Kaiser-windowed
/// sinc low-pass.
///
/// The filter's cut-off sits just below the lower of the two Nyquist frequencies,
/// so the same filter is the anti-imaging filter going up and the anti-aliasing
/// filter going down (e.g. a 6 kHz tone at 48 kHz is removed before 8 kHz).
/// History is kept between calls, so consecutive frames join without clicks.
/// Any rate pair with a reasonable ratio works (8k, 16k, 22.05k, 44.1k ⇄ 48k).
public final class Resampler {
    /// Input sample rate in Hz.
    public let inputRate: Int
    /// Output sample rate in Hz.
    public let outputRate: Int
    /// Up-sampling factor L (after dividing by the GCD).
    let up: Int
    /// Down-sampling factor M (after dividing by the GCD).
    let down: Int
    /// Taps per polyphase branch.
    let tapsPerPhase: Int
    /// `up` branches of `tapsPerPhase` coefficients, each stored time-reversed so
    /// one output sample is a contiguous dot product with the input history.
    private let table: UnsafeMutablePointer<Float>
    /// `tapsPerPhase - 1` samples of history followed by room for new input.
    private var buffer: UnsafeMutablePointer<Float>
    private var bufferCapacity: Int
    /// Position of the next output, in input samples (integer part) and 1/L steps.
    private var base = 0
    private var phase = 0

    /// Creates a converter from `inputRate` to `outputRate` (both in Hz).
    ///
    /// - Parameter attenuation: stop-band attenuation in dB (default 70).
    public init(from inputRate: Int, to outputRate: Int, attenuation: Double = 70) throws(AudioError) {
        guard inputRate > 0, outputRate > 0 else { throw .unsupportedRate(input: inputRate, output: outputRate) }
        let g = Resampler.gcd(inputRate, outputRate)
        let l = outputRate / g, m = inputRate / g
        // The polyphase table has L branches; keep it bounded (22050→48000 is L=320).
        guard l <= 1_000, m <= 1_000 else { throw .unsupportedRate(input: inputRate, output: outputRate) }
        self.inputRate = inputRate
        self.outputRate = outputRate
        up = l
        down = m

        // Design at the up-sampled rate fsHigh = inputRate·L. Cut-off at 92.5 % of
        // the lower Nyquist, transition band 15 % of it, so the stop band starts at
        // the lower Nyquist frequency itself (3.4 kHz passes, 4 kHz is stopped, for 8 kHz).
        let fsHigh = Double(inputRate) * Double(l)
        let nyquist = Double(min(inputRate, outputRate)) / 2
        let cutoff = 0.925 * nyquist
        let transition = 0.15 * nyquist
        // Kaiser's estimates for length and β (Oppenheim & Schafer §7.5.3).
        let a = attenuation
        let length = Int(((a - 8) / (2.285 * 2 * Double.pi * transition / fsHigh)).rounded(.up))
        let beta = a > 50 ? 0.1102 * (a - 8.7) : 0.5842 * pow(a - 21, 0.4) + 0.07886 * (a - 21)
        let taps = max(2, (length + l - 1) / l)
        tapsPerPhase = taps
        let total = taps * l

        table = .allocate(capacity: total)
        let center = Double(total - 1) / 2
        let i0Beta = Resampler.besselI0(beta)
        let fc = cutoff / fsHigh
        for j in 0..<total {
            let t = Double(j) - center
            let sinc = t == 0 ? 2 * fc : sin(2 * Double.pi * fc * t) / (Double.pi * t)
            let r = 2 * Double(j) / Double(total - 1) - 1
            let window = Resampler.besselI0(beta * (1 - r * r).squareRoot()) / i0Beta
            // Gain L compensates for the zeros inserted when up-sampling.
            let h = sinc * window * Double(l)
            // Branch p = j mod L, tap i = j / L, stored reversed within the branch.
            let p = j % l, i = j / l
            table[p * taps + (taps - 1 - i)] = Float(h)
        }
        bufferCapacity = taps - 1 + 4_096
        buffer = .allocate(capacity: bufferCapacity)
        buffer.initialize(repeating: 0, count: bufferCapacity)
    }

    deinit {
        table.deallocate()
        buffer.deallocate()
    }

    /// Clears the history (e.g. after a resync), as if freshly created.
    public func reset() {
        buffer.update(repeating: 0, count: bufferCapacity)
        base = 0
        phase = 0
    }

    /// The number of output samples the next call with `inputCount` samples will produce.
    public func outputCount(forInput inputCount: Int) -> Int {
        // Outputs are produced while base < inputCount; count the steps of M/L.
        let start = base * up + phase
        let end = inputCount * up
        return end > start ? (end - start + down - 1) / down : 0
    }

    /// Converts `input`, writing into `output` (which must hold
    /// `outputCount(forInput:)` samples); returns the number written.
    ///
    /// For integer ratios and whole 20 ms frames the count is always exact
    /// (160 at 8 kHz ⇄ 960 at 48 kHz).
    @discardableResult
    public func process(_ input: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        let history = tapsPerPhase - 1
        let n = input.count
        if history + n > bufferCapacity { grow(to: history + n) }
        let buf = buffer
        for k in 0..<n { buf[history + k] = Float(input[k]) }

        let taps = tapsPerPhase
        var written = 0
        var b = base, p = phase
        while b < n, written < output.count {
            // y = Σ h_p[i]·x[b − i] = Σ reversed_p[j]·buf[b + j]
            let coefficients = table + p * taps
            let x = buf + b
            var acc0: Float = 0, acc1: Float = 0, acc2: Float = 0, acc3: Float = 0
            var j = 0
            while j + 4 <= taps {
                acc0 += coefficients[j] * x[j]
                acc1 += coefficients[j + 1] * x[j + 1]
                acc2 += coefficients[j + 2] * x[j + 2]
                acc3 += coefficients[j + 3] * x[j + 3]
                j += 4
            }
            while j < taps {
                acc0 += coefficients[j] * x[j]
                j += 1
            }
            output[written] = Resampler.clamp((acc0 + acc1) + (acc2 + acc3))
            written += 1
            p += down
            b += p / up
            p %= up
        }
        base = b - n
        phase = p
        // Keep the last `history` input samples for the next call.
        (buf).update(from: buf + n, count: history)
        return written
    }

    /// Convenience: converts an array (allocates; use the buffer form per frame).
    public func process(_ input: [Int16]) -> [Int16] {
        var out = [Int16](repeating: 0, count: outputCount(forInput: input.count))
        let written = input.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { process(src, into: $0) }
        }
        if written < out.count { out.removeLast(out.count - written) }
        return out
    }

    private func grow(to capacity: Int) {
        let bigger = UnsafeMutablePointer<Float>.allocate(capacity: capacity)
        bigger.initialize(repeating: 0, count: capacity)
        bigger.update(from: buffer, count: tapsPerPhase - 1)
        buffer.deallocate()
        buffer = bigger
        bufferCapacity = capacity
    }

    @inline(__always)
    static func clamp(_ v: Float) -> Int16 {
        let r = v.rounded()
        if r >= 32767 { return .max }
        if r <= -32768 { return .min }
        return Int16(r)
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var a = a, b = b
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }

    /// Zeroth-order modified Bessel function of the first kind (power series).
    static func besselI0(_ x: Double) -> Double {
        var sum = 1.0, term = 1.0
        let half = x / 2
        for k in 1..<50 {
            term *= (half / Double(k)) * (half / Double(k))
            sum += term
            if term < sum * 1e-12 { break }
        }
        return sum
    }
}
