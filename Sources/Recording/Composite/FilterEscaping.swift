import Foundation

/// Quoting for ffmpeg filtergraph text (ffmpeg-filters(1) "Notes on filtergraph escaping").
///
/// Only paths we chose (work files, the font, track files never appear here)
/// go through this; user text such as display names is written to files and
/// referenced with `textfile=`, so it is never parsed by the filtergraph parser.
enum FilterEscaping {
    /// `value` escaped for use as a filter option value inside a filtergraph
    /// description: first the option level (`\`, `'`, `:`), then the graph level
    /// (`\`, `'`, `[`, `]`, `,`, `;`).
    static func optionValue(_ value: String) -> String {
        escape(escape(value, special: Set("\\':")), special: Set("\\'[],;"))
    }

    private static func escape(_ value: String, special: Set<Character>) -> String {
        var result = ""
        result.reserveCapacity(value.count)
        for character in value {
            if special.contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }

    /// Seconds with microsecond precision and a `.` decimal point, whatever the locale.
    static func seconds(_ value: Double) -> String {
        // Callers pass validated, finite times; the clamp only keeps the conversion from trapping.
        let scaled = value.isFinite ? (value * 1_000_000).rounded() : 0
        let micros = Int64(max(-9e15, min(9e15, scaled)))
        let sign = micros < 0 ? "-" : ""
        let magnitude = micros.magnitude
        let fraction = String(magnitude % 1_000_000)
        return "\(sign)\(magnitude / 1_000_000).\(String(repeating: "0", count: 6 - fraction.count))\(fraction)"
    }
}
