import Foundation

/// Speech continued past the end of a stretch of samples: the stretch's
/// linear-prediction (LPC) residual, its last pitch period repeated, run
/// through the LPC synthesis filter whose memory is the stretch's last
/// samples, so the continuation starts without a seam. `LPCConcealer` runs
/// one forward from what was played and one forward from the next frame
/// reversed (which is backward in time).
///
/// The excitation repeats one period for the first 20 ms, then the last two
/// periods, then three (G.711 Appendix I's remedy for the buzz of a long
/// repetition), each switch cross-faded over a quarter period. An unvoiced
/// stretch's residual is played in a fixed scrambled order instead.
/// Lags 20-140 samples at 8 kHz are pitches of 57-400 Hz; at 16 kHz
/// (G.722) every length doubles and the predictor has 16 coefficients.
struct LPCExtrapolation {
    /// 20 ms at the rate.
    let frame: Int
    /// Coefficients of the predictor: 12 at 8 kHz, 16 at 16 kHz.
    let order: Int

    /// The pitch lag in samples, and how periodic the stretch is there (normalised correlation).
    let lag: Int
    let periodicity: Float
    /// A(z) = 1 + Σ aₖ z⁻ᵏ.
    private let coefficients: [Float]
    /// The residual of the last 1-3 periods; `shortest` periods are repeated first.
    private let residual: [Float]
    private let periods: Int
    private let growing: Bool
    /// The synthesis filter's memory, most recent sample last.
    private var memory: [Float]
    /// Samples synthesised so far.
    private(set) var position = 0
    /// Scale for everything synthesised, set by the first frame (see `limit`).
    private var scale: Float = 1
    /// The RMS of the stretch's last frame, for the limiter.
    private let reference: Float
    /// At most this × `reference` in the first frame synthesised: a repeated
    /// residual through the filter can overshoot on a transition.
    private let limit: Float

    /// - Parameters:
    ///   - history: the stretch, oldest first (at least `lags.upperBound + window` and 12 + 3 lags long for full use).
    ///   - lags: pitch lags searched.
    ///   - window: samples correlated in the pitch search.
    ///   - analysis: samples at the end the LPC analysis uses.
    ///   - growing: repeat 1, then 2, then 3 periods (forward); false: always one (the backward side, one frame long).
    ///   - sampleRate: 8000 or 16000.
    init(history: UnsafeBufferPointer<Float>, sampleRate: Int = 8_000, lags: ClosedRange<Int>, window: Int, analysis: Int,
         growing: Bool, unvoicedBelow: Float = 0.5, limit: Float = 2) {
        let n = history.count
        frame = sampleRate / 50
        order = sampleRate > 8_000 ? 16 : 12
        (lag, periodicity) = Self.pitch(history, lags: lags, window: window)
        coefficients = Self.lpc(UnsafeBufferPointer(rebasing: history[(n - analysis)...]), order: order, sampleRate: sampleRate)
        let p = order
        var periods = growing ? 3 : 1
        while periods > 1 && periods * lag + p > n { periods -= 1 }
        self.periods = periods
        self.growing = growing
        // e[i] = h[i] + Σ aₖ h[i-k] over the last `periods` periods.
        let start = n - periods * lag
        var residual = [Float](repeating: 0, count: periods * lag)
        for i in 0..<residual.count {
            var e = history[start + i]
            for k in 1...p where start + i - k >= 0 { e += coefficients[k - 1] * history[start + i - k] }
            residual[i] = e
        }
        if periodicity < unvoicedBelow { Self.scramble(&residual, periodLength: growing ? lag : residual.count) }
        self.residual = residual
        memory = Array(history[(n - p)...])
        var energy: Float = 0
        for x in history[(n - min(n, frame))...] { energy += x * x }
        reference = (energy / Float(min(n, frame))).squareRoot()
        self.limit = limit
    }

    /// The next `output.count` samples of the continuation.
    mutating func synthesize(into output: UnsafeMutableBufferPointer<Float>) {
        let p = order
        let first = position == 0
        // The filter's memory then what it makes, in one run: y[p + i] is output i.
        var y = memory + [Float](repeating: 0, count: output.count)
        coefficients.withUnsafeBufferPointer { a in
            y.withUnsafeMutableBufferPointer { y in
                for i in 0..<output.count {
                    var value = excitation(at: position + i)
                    for k in 1...p { value -= a[k - 1] * y[p + i - k] }
                    y[p + i] = value
                    output[i] = value
                }
            }
        }
        memory = Array(y[output.count...])
        if first, output.count >= frame {
            var energy: Float = 0
            for y in output[0..<frame] { energy += y * y }
            let rms = (energy / Float(frame)).squareRoot()
            if reference > 0, rms > reference * limit { scale = reference * limit / rms }
        }
        if scale != 1 { for i in output.indices { output[i] *= scale } }
        position += output.count
    }

    /// The excitation `t` samples in: the last period repeated; from 20 ms
    /// the last two, from 40 ms the last three, faded in over max(4, P/4).
    private func excitation(at t: Int) -> Float {
        let count = residual.count
        let one = residual[count - lag + t % lag]
        guard growing, periods > 1 else { return one }
        var value = one
        let fade = Float(max(4, lag / 4))
        for k in 2...periods where t >= (k - 1) * frame {
            let w = min(1, max(0, (Float(t - (k - 1) * frame) + 0.5) / fade))
            let wider = residual[count - k * lag + t % (k * lag)]
            value = (1 - w) * value + w * wider
        }
        return value
    }

    // MARK: - Analysis

    /// The lag (in `lags`) at which the last `window` samples best match the
    /// `window` samples that lag earlier (normalised cross-correlation); a
    /// third or half of it is preferred when nearly as good, so two periods
    /// are not taken for one. Silence gives the longest lag and 0.
    static func pitch(_ x: UnsafeBufferPointer<Float>, lags: ClosedRange<Int>, window: Int) -> (Int, Float) {
        let n = x.count
        let top = min(lags.upperBound, n - window)
        guard top >= lags.lowerBound else { return (lags.lowerBound, 0) }
        var target: Float = 0
        for i in (n - window)..<n { target += x[i] * x[i] }
        var correlations = [Float](repeating: 0, count: top - lags.lowerBound + 1)
        // The candidate's energy, slid along instead of summed anew for each lag.
        var energy: Float = 0
        let first = n - window - lags.lowerBound
        for i in first..<(first + window) { energy += x[i] * x[i] }
        for lag in lags.lowerBound...top {
            if lag > lags.lowerBound {
                let s = n - window - lag
                energy += x[s] * x[s] - x[s + window] * x[s + window]
            }
            var dot: Float = 0
            let s = n - window - lag
            for i in 0..<window { dot += x[n - window + i] * x[s + i] }
            let denominator = (target * max(energy, 0)).squareRoot()
            correlations[lag - lags.lowerBound] = target > 0 && energy > 0 && denominator > 0 ? dot / denominator : 0
        }
        var best = 0
        for i in correlations.indices where correlations[i] > correlations[best] { best = i }
        let bestLag = best + lags.lowerBound, bestValue = correlations[best]
        for divisor in [3, 2] {
            let candidate = Int((Double(bestLag) / Double(divisor)).rounded())
            guard candidate >= lags.lowerBound else { continue }
            let lo = max(candidate - 1, lags.lowerBound), hi = min(candidate + 1, top)
            guard lo <= hi else { continue }
            var pick = lo
            for l in lo...hi where correlations[l - lags.lowerBound] > correlations[pick - lags.lowerBound] { pick = l }
            if correlations[pick - lags.lowerBound] >= 0.85 * bestValue { return (pick, correlations[pick - lags.lowerBound]) }
        }
        return (bestLag, bestValue)
    }

    /// LPC coefficients a₁…a₁₂ by the autocorrelation method: Hann window,
    /// −40 dB white-noise correction, 60 Hz Gaussian lag window, Levinson-Durbin.
    static func lpc(_ x: UnsafeBufferPointer<Float>, order p: Int, sampleRate: Int) -> [Float] {
        let n = x.count
        let hann = hannWindows[n] ?? hannWindow(n)
        var windowed = [Double](repeating: 0, count: n)
        for i in 0..<n { windowed[i] = Double(x[i]) * hann[i] }
        var r = [Double](repeating: 0, count: p + 1)
        for k in 0...p where k < n {
            var sum = 0.0
            for i in 0..<(n - k) { sum += windowed[i] * windowed[i + k] }
            r[k] = sum
        }
        guard r[0] > 0 else { return [Float](repeating: 0, count: p) }
        r[0] *= 1.0001
        for k in 1...p {
            let x = 2 * Double.pi * 60 * Double(k) / Double(sampleRate)
            r[k] *= exp(-0.5 * x * x)
        }
        var a = [Double](repeating: 0, count: p + 1)
        a[0] = 1
        var error = r[0]
        for i in 1...p {
            var acc = r[i]
            for j in 1..<i { acc += a[j] * r[i - j] }
            let k = -acc / error
            let previous = a
            for j in 1..<i { a[j] = previous[j] + k * previous[i - j] }
            a[i] = k
            error *= 1 - k * k
            if error <= 0 { break }
        }
        return a[1...].map { Float($0) }
    }

    /// The Hann windows of the analyses: the forward side's 30 ms and the
    /// backward side's 20 ms, at 8 and 16 kHz.
    private static let hannWindows = Dictionary(uniqueKeysWithValues: [160, 240, 320, 480].map { ($0, hannWindow($0)) })

    private static func hannWindow(_ n: Int) -> [Double] {
        (0..<n).map { n > 1 ? 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(n - 1)) : 1 }
    }

    /// A fixed pseudo-random order of the residual: noise, not a buzz, for an
    /// unvoiced stretch. The last period is scrambled within itself, so what
    /// is repeated first stays the last period's samples.
    private static func scramble(_ residual: inout [Float], periodLength: Int) {
        var state: UInt32 = 0x9E37_79B9
        func next(_ bound: Int) -> Int {
            state ^= state << 13
            state ^= state >> 17
            state ^= state << 5
            return Int(state % UInt32(bound))
        }
        let count = residual.count
        let tailStart = count - periodLength
        for i in stride(from: count - 1, to: tailStart, by: -1) {
            residual.swapAt(i, tailStart + next(i - tailStart + 1))
        }
        for i in stride(from: tailStart - 1, to: 0, by: -1) { residual.swapAt(i, next(i + 1)) }
    }
}
