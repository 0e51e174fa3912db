import Foundation

/// An N-1 ("mix-minus") mixer for 20 ms frames.
///
/// Add every speaker's frame once per tick; the total is accumulated in Int32
/// (no wrap-around), and each listener's output is the total minus its own
/// input, passed through a soft limiter. Cost per tick: one add per input plus
/// one subtract-and-limit per output, instead of N² adds.
public final class AudioMixer {
    /// Samples per frame (960 at 48 kHz).
    public let frameSamples: Int
    private let total: UnsafeMutableBufferPointer<Int32>
    /// Number of frames added since the last `reset()`.
    public private(set) var inputCount = 0

    /// Creates a mixer for frames of `frameSamples` samples.
    public init(frameSamples: Int = AudioFormat.frameSamples) {
        self.frameSamples = frameSamples
        total = .allocate(capacity: frameSamples)
        total.initialize(repeating: 0)
    }

    deinit { total.deallocate() }

    /// Starts a new tick.
    public func reset() {
        total.update(repeating: 0)
        inputCount = 0
    }

    /// Adds one speaker's frame to the tick's total (shorter frames are zero-padded).
    public func add(_ frame: UnsafeBufferPointer<Int16>) {
        let n = min(frame.count, frameSamples)
        for i in 0..<n { total[i] &+= Int32(frame[i]) }
        inputCount += 1
    }

    /// Adds one speaker's frame (array form; no copy).
    public func add(_ frame: [Int16]) {
        frame.withUnsafeBufferPointer { add($0) }
    }

    /// Writes the total minus `own` (the listener's own frame, nil if it did not
    /// speak this tick) into `output`, soft-limited to Int16.
    public func mix(excluding own: UnsafeBufferPointer<Int16>?, into output: UnsafeMutableBufferPointer<Int16>) {
        let n = min(output.count, frameSamples)
        if let own {
            let m = min(n, own.count)
            for i in 0..<m { output[i] = Self.limit(total[i] &- Int32(own[i])) }
            for i in m..<n { output[i] = Self.limit(total[i]) }
        } else {
            for i in 0..<n { output[i] = Self.limit(total[i]) }
        }
    }

    /// Array form of `mix(excluding:into:)`; reuses `output`'s storage when it has the right size.
    public func mix(excluding own: [Int16]?, into output: inout [Int16]) {
        if output.count != frameSamples { output = [Int16](repeating: 0, count: frameSamples) }
        output.withUnsafeMutableBufferPointer { dst in
            if let own {
                own.withUnsafeBufferPointer { mix(excluding: $0, into: dst) }
            } else {
                mix(excluding: nil, into: dst)
            }
        }
    }

    /// Convenience: the N-1 mix for every input at once (allocates).
    public static func mixMinusOne(_ inputs: [[Int16]], frameSamples: Int = AudioFormat.frameSamples) -> [[Int16]] {
        let mixer = AudioMixer(frameSamples: frameSamples)
        for input in inputs { mixer.add(input) }
        return inputs.map { own in
            var out = [Int16]()
            mixer.mix(excluding: own, into: &out)
            return out
        }
    }

    /// Knee of the limiter: linear below it (about −2.5 dBFS).
    static let knee: Int32 = 24_576

    /// Soft limiter: identity up to the knee, then a tanh curve that approaches
    /// full scale asymptotically, so loud overlaps compress instead of wrapping
    /// or hard-clipping.
    @inline(__always)
    public static func limit(_ x: Int32) -> Int16 {
        if x <= knee && x >= -knee { return Int16(truncatingIfNeeded: x) }
        let headroom = Float(32_767 - knee)
        let over = Float(abs(x) - knee)
        let y = Float(knee) + headroom * tanhf(over / headroom)
        let r = Int32(y.rounded())
        return Int16(truncatingIfNeeded: x < 0 ? -min(r, 32_767) : min(r, 32_767))
    }
}
