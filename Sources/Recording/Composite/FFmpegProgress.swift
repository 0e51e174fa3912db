import Foundation

/// Reads ffmpeg's `-progress` output (`key=value` lines, one block every half
/// second) and turns the output time into a fraction of the composite.
///
/// Pure: feed it lines, it never traps on malformed ones.
struct FFmpegProgress: Sendable {
    /// The composite's duration, seconds.
    let duration: Double
    /// The highest fraction seen so far, at most ``ceiling``.
    private(set) var fraction = 0.0

    /// Progress stops short of 1 until the job has renamed the finished file:
    /// ffmpeg reaches the end of the timeline before `+faststart` has rewritten it.
    static let ceiling = 0.99

    init(duration: Double) {
        self.duration = duration
    }

    /// Takes one line; returns the new fraction when it grew.
    ///
    /// `out_time_us` is microseconds. ffmpeg 5.1 also prints `out_time_ms`,
    /// which despite its name is microseconds too; it is used only when
    /// `out_time_us` is missing. `N/A` (before the first frame) is skipped.
    mutating func consume(line: Substring) -> Double? {
        guard let equals = line.firstIndex(of: "=") else { return nil }
        let key = line[..<equals].trimmingCharacters(in: .whitespaces)
        guard key == "out_time_us" || key == "out_time_ms" else { return nil }
        let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        guard let micros = Int64(value), micros >= 0, duration > 0, duration.isFinite else { return nil }
        let next = min(Self.ceiling, Double(micros) / 1_000_000 / duration)
        guard next > fraction else { return nil }
        fraction = next
        return next
    }
}
