import Foundation
import Testing
@testable import Audio

/// A caller in a noisy room: real speech (a prompt's recording) under steady
/// noise, through the µ-law path a desk phone takes, decoded with and
/// without cleaning. The noise must come out at least 10 dB lower and the
/// speech intact (its level kept, its signal-to-noise ratio better).
@Suite("Voice cleaning (speexdsp)")
struct VoiceCleanerTests {
    static let rate = 8_000
    static let frame = 160

    /// A prompt's speech at 8 kHz (pairs of 16 kHz samples averaged: a
    /// crude low-pass, enough for a test signal).
    static func speech() throws -> [Int16] {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Prompts").standardized
        let wav = try WAVFile(contentsOf: dir.appendingPathComponent("enter-meeting-code.wav"))
        let samples = wav.samples
        var out: [Int16] = []
        out.reserveCapacity(samples.count / 2)
        var i = 0
        while i + 1 < samples.count {
            let sum = Int(samples[i]) + Int(samples[i + 1])
            out.append(Int16(sum / 2))
            i += 2
        }
        return out
    }

    /// Steady noise, the same every run (a fixed linear congruential generator),
    /// lightly low-passed like a room's hum and hiss.
    static func noise(count: Int, rms: Double) -> [Double] {
        var state: UInt32 = 12_345
        var previous = 0.0
        var out = [Double](repeating: 0, count: count)
        for i in 0..<count {
            state = state &* 1_664_525 &+ 1_013_904_223
            let white = Double(Int32(bitPattern: state)) / Double(Int32.max)
            previous = 0.6 * previous + 0.4 * white
            out[i] = previous
        }
        let measured = (out.reduce(0) { $0 + $1 * $1 } / Double(count)).squareRoot()
        return out.map { $0 * rms / measured }
    }

    /// Decodes `signal` as 20 ms µ-law packets; 48 kHz out unless `outputRate` says otherwise.
    static func throughPhone(_ signal: [Int16], cleaning: VoiceCleaner.Settings?, outputRate: Int = 48_000) throws -> [Int16] {
        let decoder = try PhoneDecoder(codec: .pcmu, cleaning: cleaning, outputRate: outputRate)
        var out: [Int16] = []
        for start in stride(from: 0, to: signal.count - frame + 1, by: frame) {
            let payload = G711.encode(Array(signal[start..<start + frame]), law: .ulaw)
            out += try decoder.decode(payload)
        }
        return out
    }

    static func db(_ ratio: Double) -> Double { 10 * log10(ratio) }

    /// How many samples (at `rate`, at most 60 ms) `cleaned` lags `reference`:
    /// the lag that correlates them best over a second from `start`.
    static func lag(of cleaned: [Int16], behind reference: [Int16], from start: Int, rate: Int = 48_000) -> Int {
        let window = start..<start + rate
        let step = rate / Self.rate
        func best(_ lags: [Int]) -> Int {
            lags.max { correlation(reference, cleaned, lag: $0, over: window) < correlation(reference, cleaned, lag: $1, over: window) }!
        }
        let coarse = best(Array(stride(from: 0, through: 3 * frame * step, by: step)))
        return best(Array(max(0, coarse - step + 1)...coarse + step - 1))
    }

    /// Σ a[i]·b[i + lag] over `range` (every 4th sample: enough to find the lag).
    static func correlation(_ a: [Int16], _ b: [Int16], lag: Int, over range: Range<Int>) -> Double {
        var sum = 0.0
        for i in stride(from: range.lowerBound, to: range.upperBound, by: 4) { sum += Double(a[i]) * Double(b[i + lag]) }
        return sum
    }

    @Test("noise 10 dB or more lower, speech kept and clearer")
    func noisyKitchen() throws {
        let speech = try Self.speech()
        let lead = 2 * Self.rate, tail = Self.rate
        let clean = [Int16](repeating: 0, count: lead) + speech + [Int16](repeating: 0, count: tail)
        let speechRMS = (Signal.meanSquare(speech[...])).squareRoot()
        // Speech about 10 dB above the noise: a loud kitchen.
        let noise = Self.noise(count: clean.count, rms: speechRMS / 3.2)
        let noisy = zip(clean, noise).map { Int16(clamping: Int((Double($0) + $1).rounded())) }

        let settings = VoiceCleaner.Settings(noiseSuppression: true, automaticGain: false)
        let reference = try Self.throughPhone(clean, cleaning: nil)   // the speech alone, same path
        let raw = try Self.throughPhone(noisy, cleaning: nil)
        let cleaned = try Self.throughPhone(noisy, cleaning: settings)
        #expect(raw.count == reference.count && cleaned.count == reference.count)

        // Noise alone: the last second of the lead-in (the first lets the
        // estimator learn) and the tail.
        let up = 6  // 8 kHz → 48 kHz
        let quiet = [(lead - Self.rate) * up..<lead * up, (lead + speech.count) * up..<cleaned.count]
        let noiseBefore = quiet.map { Signal.meanSquare(raw[$0]) }.reduce(0, +)
        let noiseAfter = quiet.map { Signal.meanSquare(cleaned[$0]) }.reduce(0, +)
        let noiseDrop = Self.db(noiseBefore / noiseAfter)

        // The preprocessor's overlapping windows delay its output a little:
        // compare the cleaned speech with the reference at the lag that
        // matches them best (found on a second of the speech, at most 60 ms).
        let frame48 = Self.frame * up
        let speechRange = lead * up..<(lead + speech.count) * up - 4 * frame48
        let lag = Self.lag(of: cleaned, behind: reference, from: speechRange.lowerBound)
        // Speech: its level, and its SNR against the speech alone, over the
        // 20 ms frames where the speech is clearly on.
        var speechIn = 0.0, speechOut = 0.0, errorRaw = 0.0, errorClean = 0.0
        for start in stride(from: speechRange.lowerBound, to: speechRange.upperBound, by: frame48) {
            let r = reference[start..<start + frame48]
            guard Signal.meanSquare(r) > speechRMS * speechRMS / 4 else { continue }
            for i in r.indices {
                let s = Double(reference[i]), c = Double(cleaned[i + lag])
                speechIn += s * s
                speechOut += c * c
                errorRaw += (Double(raw[i]) - s) * (Double(raw[i]) - s)
                errorClean += (c - s) * (c - s)
            }
        }
        let levelChange = Self.db(speechOut / speechIn)
        let snrBefore = Self.db(speechIn / errorRaw), snrAfter = Self.db(speechIn / errorClean)
        print("voice cleaning: noise \(String(format: "%.1f", noiseDrop)) dB lower; speech level \(String(format: "%+.1f", levelChange)) dB; SNR in speech \(String(format: "%.1f", snrBefore)) → \(String(format: "%.1f", snrAfter)) dB (output \(lag) samples later)")
        #expect(noiseDrop >= 10, "the noise only went down \(noiseDrop) dB")
        #expect(lag <= 480, "cleaning delays the voice \(lag) samples at 48 kHz (more than 10 ms)")
        #expect(abs(levelChange) <= 3, "the speech level moved \(levelChange) dB")
        #expect(snrAfter > snrBefore, "speech is no clearer: \(snrBefore) → \(snrAfter) dB")
    }

    @Test("off means untouched, and automatic gain lifts a quiet caller")
    func offAndGain() throws {
        let speech = try Self.speech()
        #expect(try PhoneDecoder(codec: .pcmu, cleaning: VoiceCleaner.Settings(noiseSuppression: false, automaticGain: false)).cleansAudio == false)
        #expect(try PhoneDecoder(codec: .pcmu).cleansAudio == false)
        // A caller 20 dB too quiet.
        let quiet = speech.map { Int16(Double($0) / 10) }
        let repeated = quiet + quiet + quiet
        let plain = try Self.throughPhone(repeated, cleaning: nil)
        let gained = try Self.throughPhone(repeated, cleaning: VoiceCleaner.Settings(noiseSuppression: false, automaticGain: true))
        // Over the last repetition, once the gain has settled.
        let last = (2 * quiet.count * 6)..<plain.count
        let lift = Self.db(Signal.meanSquare(gained[last]) / Signal.meanSquare(plain[last]))
        print("automatic gain: a caller 20 dB too quiet lifted \(String(format: "%.1f", lift)) dB")
        #expect(lift >= 6, "automatic gain lifted only \(lift) dB")
    }
}

extension VoiceCleanerTests {
    @Test("Opus callers (softphones, apps) are not cleaned; G.722 callers are, at 16 kHz")
    func whichCodecs() throws {
        let on = VoiceCleaner.Settings()
        #expect(try PhoneDecoder(codec: .opus, cleaning: on).cleansAudio == false)
        #expect(try PhoneDecoder(codec: .g722, cleaning: on).cleansAudio == true)
        #expect(try PhoneDecoder(codec: .pcma, cleaning: on).cleansAudio == true)
    }
}

extension VoiceCleanerTests {
    /// How far apart the spectra of `cleaned` and `reference` (both 8 kHz)
    /// are over the speech: the log-spectral distance (dB, RMS over 20 ms
    /// Hann-windowed frames and their 80 frequency bins), taken on frames
    /// where the speech is on, at the lag that aligns them best (at most
    /// 60 ms). A noise suppressor's gain floor shows here first: it empties
    /// the valleys between harmonics and thins soft consonants, which a
    /// waveform SNR, ruled by the loud peaks, hardly sees.
    static func logSpectralDistance(_ cleaned: [Int16], against reference: [Int16], lead: Int, speechCount: Int) -> Double {
        let n = frame
        func spectrum(_ x: ArraySlice<Int16>) -> [Double] {
            let w = x.enumerated().map { Double($0.element) * (0.5 - 0.5 * cos(2 * Double.pi * Double($0.offset) / Double(n))) }
            return (1...n / 2).map { k in
                var re = 0.0, im = 0.0
                for (t, v) in w.enumerated() {
                    re += v * cos(2 * Double.pi * Double(k * t) / Double(n))
                    im -= v * sin(2 * Double.pi * Double(k * t) / Double(n))
                }
                return re * re + im * im
            }
        }
        let start = lead, end = lead + speechCount - 4 * n
        let shift = Self.lag(of: cleaned, behind: reference, from: start, rate: Self.rate)
        let floor = Double(n) * 32_768.0 * 32_768.0 * 1e-9  // -90 dBFS in a bin: deeper nulls are all alike
        var sum = 0.0, count = 0
        for at in stride(from: start, to: end, by: n) {
            guard Signal.meanSquare(reference[at..<at + n]) > 32_768.0 * 32_768.0 * 1e-5 else { continue }
            let r = spectrum(reference[at..<at + n]), c = spectrum(cleaned[at + shift..<at + shift + n])
            for k in r.indices {
                let d = 10 * log10((c[k] + floor) / (r[k] + floor))
                sum += d * d
                count += 1
            }
        }
        return (sum / Double(max(count, 1))).squareRoot()
    }

    @Test("a clean line's speech is left nearly as it was; a noisy line gets the full depth")
    func cleanLineKept() throws {
        let speech = try Self.speech()
        let lead = 2 * Self.rate
        // A quiet room through a good phone: hiss at -65 dBFS.
        let clean = [Int16](repeating: 0, count: lead) + speech + [Int16](repeating: 0, count: Self.rate)
        let hiss = Self.noise(count: clean.count, rms: 32_768 * pow(10, -65.0 / 20))
        let line = zip(clean, hiss).map { Int16(clamping: Int((Double($0) + $1).rounded())) }
        let reference = try Self.throughPhone(line, cleaning: nil, outputRate: Self.rate)
        let adaptive = try Self.throughPhone(line, cleaning: VoiceCleaner.Settings(automaticGain: false), outputRate: Self.rate)
        let fixed = try Self.throughPhone(line, cleaning: VoiceCleaner.Settings(automaticGain: false, minimumSuppressionDecibels: 30),
                                          outputRate: Self.rate)
        let kept = Self.logSpectralDistance(adaptive, against: reference, lead: lead, speechCount: speech.count)
        let thinned = Self.logSpectralDistance(fixed, against: reference, lead: lead, speechCount: speech.count)
        print("clean line: the speech's spectrum moved \(String(format: "%.1f", kept)) dB by cleaning (by a fixed 30 dB of suppression: \(String(format: "%.1f", thinned)))")
        #expect(kept <= thinned * 0.8, "adaptive depth kept the speech no closer than a fixed 30 dB: \(kept) against \(thinned) dB")

        // The depth the cleaner settles on: the least on the clean line, the most in a kitchen.
        func depth(after samples: [Int16]) throws -> Int? {
            let cleaner = try VoiceCleaner(sampleRate: Self.rate, settings: VoiceCleaner.Settings(automaticGain: false))
            var copy = samples
            copy.withUnsafeMutableBufferPointer { cleaner.process($0) }
            return cleaner.appliedSuppressionDecibels
        }
        #expect(try depth(after: line) == 10)
        let kitchen = zip(clean, Self.noise(count: clean.count, rms: 32_768 * pow(10, -35.0 / 20)))
            .map { Int16(clamping: Int((Double($0) + $1).rounded())) }
        #expect(try depth(after: kitchen) == 30)
        #expect(try VoiceCleaner(sampleRate: Self.rate, settings: VoiceCleaner.Settings(noiseSuppression: false)).appliedSuppressionDecibels == nil)
    }
}
