import Foundation
@testable import Audio

/// Test signal helpers: sine synthesis and single-bin analysis.
enum Signal {
    /// A sine of `frequency` Hz, peak `amplitude`, `count` samples at `rate`.
    static func sine(_ frequency: Double, rate: Int, count: Int, amplitude: Double = 10_000, phase: Double = 0) -> [Int16] {
        (0..<count).map { i in Int16((amplitude * sin(2 * Double.pi * frequency * Double(i) / Double(rate) + phase)).rounded()) }
    }

    /// Goertzel power at `frequency`, normalised to the squared amplitude of a
    /// matching sine (a sine of peak A gives about A²).
    static func power(_ x: ArraySlice<Int16>, frequency: Double, rate: Int) -> Double {
        let w = 2 * Double.pi * frequency / Double(rate)
        let c = 2 * cos(w)
        var s1 = 0.0, s2 = 0.0
        for v in x {
            let s0 = Double(v) + c * s1 - s2
            s2 = s1
            s1 = s0
        }
        let p = s1 * s1 + s2 * s2 - c * s1 * s2
        let n = Double(x.count)
        return 4 * p / (n * n)
    }

    /// Mean square.
    static func meanSquare(_ x: ArraySlice<Int16>) -> Double {
        x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(1, x.count))
    }

    /// Least-squares fit of a sine at `frequency`; returns (amplitude, residual RMS).
    static func fit(_ x: ArraySlice<Int16>, frequency: Double, rate: Int) -> (amplitude: Double, residual: Double) {
        var ss = 0.0, cc = 0.0, sc = 0.0, xs = 0.0, xc = 0.0
        for (k, v) in x.enumerated() {
            let t = 2 * Double.pi * frequency * Double(k) / Double(rate)
            let s = sin(t), c = cos(t)
            ss += s * s; cc += c * c; sc += s * c
            xs += Double(v) * s; xc += Double(v) * c
        }
        let det = ss * cc - sc * sc
        let a = (xs * cc - xc * sc) / det
        let b = (xc * ss - xs * sc) / det
        var r = 0.0
        for (k, v) in x.enumerated() {
            let t = 2 * Double.pi * frequency * Double(k) / Double(rate)
            let e = Double(v) - (a * sin(t) + b * cos(t))
            r += e * e
        }
        return ((a * a + b * b).squareRoot(), (r / Double(x.count)).squareRoot())
    }

    /// The strongest of `candidates` (Hz) in `x`.
    static func dominant(_ x: ArraySlice<Int16>, rate: Int, candidates: [Double]) -> Double {
        candidates.max { power(x, frequency: $0, rate: rate) < power(x, frequency: $1, rate: rate) } ?? 0
    }

    /// Splits into 20 ms frames at 48 kHz (drops a partial tail).
    static func frames(_ x: [Int16]) -> [[Int16]] {
        stride(from: 0, to: x.count - AudioFormat.frameSamples + 1, by: AudioFormat.frameSamples).map {
            Array(x[$0..<$0 + AudioFormat.frameSamples])
        }
    }
}
