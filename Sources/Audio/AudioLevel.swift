import Foundation

/// Audio level as carried by the RFC 6464 client-to-mixer header extension:
/// 0 (loudest, 0 dBov) to 127 (−127 dBov or quieter, i.e. silence).
///
/// dBov is relative to the overload point (ITU-T G.100.1): the RMS of a
/// full-scale square wave is 0 dBov, so a full-scale sine reads 3.
public enum AudioLevel {
    /// Level of a frame in −dBov, 0...127 (RFC 6464 §3).
    public static func level(of frame: UnsafeBufferPointer<Int16>) -> UInt8 {
        guard !frame.isEmpty else { return 127 }
        var sum: Int64 = 0
        for s in frame { sum &+= Int64(s) * Int64(s) }
        return level(meanSquare: Double(sum) / Double(frame.count))
    }

    /// Array form of `level(of:)`.
    public static func level(of frame: [Int16]) -> UInt8 {
        frame.withUnsafeBufferPointer { level(of: $0) }
    }

    /// The level for a mean square of Int16 samples.
    static func level(meanSquare: Double) -> UInt8 {
        let normalized = meanSquare / (32_768.0 * 32_768.0)
        guard normalized > 0 else { return 127 }
        let dBov = 10 * log10(normalized)
        return UInt8(max(0, min(127, (-dBov).rounded())))
    }
}

/// A smoothed level meter for active-speaker detection: fast attack, slow release
/// over 20 ms frames, reported in the RFC 6464 scale.
public struct AudioLevelMeter: Sendable {
    private var smoothed: Double = 127
    /// Weight of a new frame when the level falls (0...1); rising levels are taken at once.
    public var release: Double

    /// Creates a meter starting at silence.
    public init(release: Double = 0.1) { self.release = release }

    /// The current smoothed level, 0 (loud) ... 127 (silent).
    public var level: UInt8 { UInt8(smoothed.rounded()) }

    /// Feeds one frame and returns the smoothed level.
    @discardableResult
    public mutating func update(_ frame: UnsafeBufferPointer<Int16>) -> UInt8 {
        let now = Double(AudioLevel.level(of: frame))
        // Lower numbers are louder: attack when `now` is below the current value.
        smoothed = now < smoothed ? now : smoothed + (now - smoothed) * release
        return level
    }

    /// Feeds an RFC 6464 level received in an RTP header extension.
    @discardableResult
    public mutating func update(level now: UInt8) -> UInt8 {
        let v = Double(min(now, 127))
        smoothed = v < smoothed ? v : smoothed + (v - smoothed) * release
        return level
    }
}
