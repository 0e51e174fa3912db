import Testing
import Foundation
@testable import Audio

@Suite struct WAVAndPromptTests {
    @Test func roundTripBytesAndFile() throws {
        let wav = WAVFile(sampleRate: 16_000, samples: Signal.sine(440, rate: 16_000, count: 1_600) + [.min, .max, -1])
        let bytes = wav.encoded()
        #expect(bytes.count == 44 + wav.samples.count * 2)
        #expect(try WAVFile(bytes: bytes) == wav)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("parley-audio-\(UUID()).wav")
        defer { try? FileManager.default.removeItem(at: url) }
        try wav.write(to: url)
        #expect(try WAVFile(contentsOf: url) == wav)
    }

    @Test func resamplesTo48k() throws {
        for rate in [8_000, 16_000, 22_050, 48_000] {
            let wav = WAVFile(sampleRate: rate, samples: Signal.sine(440, rate: rate, count: rate / 2))
            let wide = try wav.samples48k()
            #expect(wide.count == 24_000)
            #expect(abs(Signal.fit(wide[4_800..<19_200], frequency: 440, rate: 48_000).amplitude - 10_000) < 150)
        }
    }

    @Test func rejectsMalformed() {
        #expect(throws: WAVFile.ParseError.notRIFFWAVE) { try WAVFile(bytes: [1, 2, 3]) }
        var bytes = WAVFile(sampleRate: 8_000, samples: [1, 2, 3]).encoded()
        bytes[34] = 8  // 8-bit
        #expect(throws: WAVFile.ParseError.unsupportedFormat(formatTag: 1, bitsPerSample: 8, channels: 1)) { try WAVFile(bytes: bytes) }
        let truncated = Array(WAVFile(sampleRate: 8_000, samples: [1, 2, 3]).encoded().prefix(30))
        #expect(throws: WAVFile.ParseError.self) { try WAVFile(bytes: truncated) }
        // Random bytes after a valid RIFF header never trap.
        for n in 0..<200 {
            let junk = Array("RIFF\u{0}\u{0}\u{0}\u{0}WAVE".utf8) + (0..<n).map { _ in UInt8.random(in: 0...255) }
            _ = try? WAVFile(bytes: junk)
        }
    }

    @Test func readsStereoAndStreamedSizes() throws {
        var b = WAVFile(sampleRate: 8_000, samples: [100, 300, -100, -300]).encoded()
        b[22] = 2; b[32] = 4  // 2 channels, block align 4: pairs (100,300), (-100,-300)
        b[40] = 0xFF; b[41] = 0xFF; b[42] = 0xFF; b[43] = 0xFF  // streaming writer's unknown size
        let wav = try WAVFile(bytes: b)
        #expect(wav.samples == [200, -200])
    }

    @Test func promptFilesLoad() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Prompts").standardized
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".wav") }
        #expect(names.count >= 16)
        for name in names {
            let wav = try WAVFile(contentsOf: dir.appendingPathComponent(name))
            #expect(wav.sampleRate == 16_000)
            #expect(wav.samples.count > 8_000)
            #expect(AudioLevel.level(of: wav.samples) < 40)
        }
    }

    @Test func playerQueuesAndStops() {
        var player = PromptPlayer()
        #expect(!player.isPlaying)
        #expect(player.nextFrame() == nil)
        player.enqueue([Int16](repeating: 1, count: 1_000))
        player.enqueue([Int16](repeating: 2, count: 960))
        #expect(player.isPlaying)
        #expect(player.nextFrame() == [Int16](repeating: 1, count: 960))
        #expect(player.nextFrame() == [Int16](repeating: 1, count: 40) + [Int16](repeating: 0, count: 920))
        #expect(player.nextFrame() == [Int16](repeating: 2, count: 960))
        #expect(!player.isPlaying)
        player.enqueue(ToneGenerator.joinChime())
        _ = player.nextFrame()
        player.stop()
        #expect(!player.isPlaying)
    }
}
