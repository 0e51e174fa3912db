import Foundation

/// Synthesises tones at 48 kHz: meeting chimes, beeps and DTMF digits, as clips
/// to hand to a `PromptPlayer`.
///
/// Every note gets a raised-cosine attack and release (5 ms by default) so notes
/// start and stop without clicks.
public enum ToneGenerator {
    /// One note: one or two simultaneous sine frequencies, then an optional gap.
    public struct Note: Sendable, Equatable {
        /// Frequencies in Hz (one for a sine, two for a dual tone; empty for a rest).
        public var frequencies: [Double]
        /// Duration of the sound in milliseconds.
        public var milliseconds: Int
        /// Level of each component in dBFS (peak of a single sine relative to full scale).
        public var level: Double
        /// Silence after the note, in milliseconds.
        public var gapMilliseconds: Int

        public init(_ frequencies: [Double], milliseconds: Int, level: Double = -16, gapMilliseconds: Int = 0) {
            self.frequencies = frequencies
            self.milliseconds = milliseconds
            self.level = level
            self.gapMilliseconds = gapMilliseconds
        }
    }

    /// Renders notes one after another into 48 kHz samples.
    public static func render(_ notes: [Note], rampMilliseconds: Double = 5) -> [Int16] {
        let rate = Double(AudioFormat.sampleRate)
        var out: [Int16] = []
        out.reserveCapacity(notes.reduce(0) { $0 + ($1.milliseconds + $1.gapMilliseconds) * 48 })
        for note in notes {
            let n = note.milliseconds * AudioFormat.sampleRate / 1000
            let amplitude = 32_767 * pow(10, note.level / 20)
            let ramp = max(1, min(n / 2, Int(rampMilliseconds * rate / 1000)))
            for i in 0..<n {
                let t = Double(i) / rate
                var v = 0.0
                for f in note.frequencies { v += sin(2 * Double.pi * f * t) }
                var envelope = 1.0
                if i < ramp { envelope = 0.5 - 0.5 * cos(Double.pi * Double(i) / Double(ramp)) }
                if i >= n - ramp { envelope = 0.5 - 0.5 * cos(Double.pi * Double(n - 1 - i) / Double(ramp)) }
                out.append(Int16(max(-32_768, min(32_767, (v * amplitude * envelope).rounded()))))
            }
            out.append(contentsOf: repeatElement(0, count: note.gapMilliseconds * AudioFormat.sampleRate / 1000))
        }
        return out
    }

    /// Someone joined: a rising two-note chime (E5 then A5).
    public static func joinChime() -> [Int16] {
        render([Note([659.25], milliseconds: 120, level: -18, gapMilliseconds: 20),
                Note([880.0], milliseconds: 180, level: -18)])
    }

    /// Someone left: the falling mirror of the join chime (A5 then E5).
    public static func leaveChime() -> [Int16] {
        render([Note([880.0], milliseconds: 120, level: -18, gapMilliseconds: 20),
                Note([659.25], milliseconds: 180, level: -18)])
    }

    /// A plain beep (e.g. "recording started", key acknowledgement).
    public static func beep(frequency: Double = 1_000, milliseconds: Int = 150, level: Double = -18) -> [Int16] {
        render([Note([frequency], milliseconds: milliseconds, level: level)])
    }

    /// The DTMF frequency pair for a key (ITU-T Q.23), nil for other characters.
    public static func dtmfFrequencies(_ digit: Character) -> (low: Double, high: Double)? {
        let rows: [Double] = [697, 770, 852, 941]
        let columns: [Double] = [1209, 1336, 1477, 1633]
        let keys: [[Character]] = [["1", "2", "3", "A"], ["4", "5", "6", "B"], ["7", "8", "9", "C"], ["*", "0", "#", "D"]]
        let d = Character(digit.uppercased())
        for (r, row) in keys.enumerated() {
            if let c = row.firstIndex(of: d) { return (rows[r], columns[c]) }
        }
        return nil
    }

    /// DTMF tones for `digits` (unknown characters are skipped): 80 ms on, 80 ms
    /// off, −10 dBFS per component, inside Q.24's detection limits.
    public static func dtmf(_ digits: String, onMilliseconds: Int = 80, offMilliseconds: Int = 80, level: Double = -10) -> [Int16] {
        render(digits.compactMap { d in
            dtmfFrequencies(d).map { Note([$0.low, $0.high], milliseconds: onMilliseconds, level: level, gapMilliseconds: offMilliseconds) }
        })
    }
}
