import Foundation

/// Follows the level of a line's steady background noise from the energy of
/// its short frames, by minimum statistics (Martin 2001, simplified): speech
/// comes and goes, the noise under it does not, so the quietest frames of
/// the last few seconds are the noise. The minimum is kept per block of
/// frames, and the floor is the least of the last `blocks` blocks' minima,
/// so a noise that drops is followed within one window and one that rises
/// within one window too (its old, lower minima age out).
///
/// A frame's energy varies around the noise's mean, so the minimum sits a
/// dB or two under it (less for longer frames); callers allow for that.
public struct NoiseFloorTracker: Sendable {
    /// Frames per block (e.g. 50 frames of 10 ms: half a second).
    public let framesPerBlock: Int
    /// Blocks in the window the floor is the minimum of.
    public let blocks: Int
    private var minima: [Double]
    private var next = 0
    private var blockMinimum = Double.infinity
    private var framesInBlock = 0

    /// A tracker over `blocks` blocks of `framesPerBlock` frames each; the
    /// defaults make a 3 s window of 10 ms frames.
    public init(framesPerBlock: Int = 50, blocks: Int = 6) {
        precondition(framesPerBlock > 0 && blocks > 0)
        self.framesPerBlock = framesPerBlock
        self.blocks = blocks
        minima = [Double](repeating: .infinity, count: blocks)
    }

    /// Takes one frame's mean square (sample units squared).
    public mutating func add(meanSquare: Double) {
        blockMinimum = min(blockMinimum, meanSquare)
        framesInBlock += 1
        guard framesInBlock == framesPerBlock else { return }
        minima[next] = blockMinimum
        next = (next + 1) % blocks
        blockMinimum = .infinity
        framesInBlock = 0
    }

    /// The noise's mean square now: the least frame of the window (before the
    /// first block is complete, the least so far); infinity before any frame.
    public var floorMeanSquare: Double {
        minima.reduce(blockMinimum, min)
    }

    /// The floor in dB relative to a full-scale 16-bit square wave (dBFS);
    /// digital silence reads -120.
    public var floorDBFS: Double {
        let floor = floorMeanSquare
        guard floor.isFinite else { return 0 }
        guard floor > 0 else { return -120 }
        return max(-120, 10 * log10(floor / (32_768.0 * 32_768.0)))
    }
}
