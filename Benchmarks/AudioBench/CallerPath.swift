import Audio
import Foundation

/// `AudioBench caller-path IN.wav OUT.wav [options]`: a phone caller's voice
/// through the gateway's own code offline, as the room hears it, without
/// timing, loss or a browser: the codec's encode (PCMU for an 8 kHz input,
/// G.722 for 16 kHz), `PhoneDecoder` with the caller's voice cleaning, the
/// room encoder's Opus at the gateway's settings, and an Opus decode at
/// 48 kHz (what a browser decodes). The gateway benchmark scores OUT against
/// IN to tell what the path's code costs from what the live run adds.
///
/// Options: `--clean off|noise|gain|both` (default both: the gateway's
/// default), `--bitrate N` (default 32000), `--complexity N` (default: the
/// gateway's, 1 for narrowband and 5 for wideband), and the noise
/// suppression's `--suppress N` (most dB, 30), `--min-suppress N` (least dB,
/// 10) and `--residual N` (dBFS it aims to leave the noise at, -70).
func runCallerPath(_ arguments: [String]) throws {
    guard arguments.count >= 2 else {
        print("usage: AudioBench caller-path IN.wav OUT.wav [--clean off|noise|gain|both] [--bitrate N] [--complexity N]")
        exit(2)
    }
    var options: [String: String] = [:]
    var rest = arguments.dropFirst(2).makeIterator()
    while let key = rest.next(), let value = rest.next() { options[key] = value }

    let input = try WAVFile(contentsOf: URL(fileURLWithPath: arguments[0]))
    let codec: VoiceCodec = input.sampleRate == 16_000 ? .g722 : .pcmu
    guard input.sampleRate == codec.sampleRate else {
        print("caller-path: the input must be 8 or 16 kHz, not \(input.sampleRate) Hz")
        exit(2)
    }
    let clean = options["--clean"] ?? "both"
    let cleaning = VoiceCleaner.Settings(noiseSuppression: clean == "noise" || clean == "both",
                                         automaticGain: clean == "gain" || clean == "both",
                                         suppressionDecibels: Int(options["--suppress"] ?? "") ?? 30,
                                         minimumSuppressionDecibels: Int(options["--min-suppress"] ?? "") ?? 10,
                                         residualNoiseDBFS: Int(options["--residual"] ?? "") ?? -70)
    let bitrate = Int(options["--bitrate"] ?? "") ?? 32_000
    let complexity = Int(options["--complexity"] ?? "") ?? (codec.sampleRate == 8_000 ? 1 : 5)

    let frame = AudioFormat.frameSamples(atRate: codec.sampleRate)
    let phoneEncoder = try PhoneEncoder(codec: codec, inputRate: codec.sampleRate)
    let decoder = try PhoneDecoder(codec: codec, cleaning: cleaning, outputRate: codec.sampleRate)
    let roomEncoder = try OpusEncoder(sampleRate: codec.sampleRate, bitrate: bitrate, complexity: complexity, expectedLossPercent: 0)
    try roomEncoder.limitBandwidth(toSourceRate: codec.sampleRate)
    let browser = try OpusDecoder(sampleRate: 48_000)

    var heard: [Int16] = []
    heard.reserveCapacity(input.samples.count * 48_000 / codec.sampleRate + 960)
    var pcm = [Int16](repeating: 0, count: OpusDecoder.maxFrameSamples)
    var packet = [UInt8](repeating: 0, count: 1_500)
    for start in stride(from: 0, to: input.samples.count - frame + 1, by: frame) {
        let payload = try phoneEncoder.encode(Array(input.samples[start..<start + frame]))
        let decoded = try decoder.decode(payload)
        let size = try decoded.withUnsafeBufferPointer { d in try packet.withUnsafeMutableBufferPointer { try roomEncoder.encode(d, into: $0) } }
        let count = try packet.withUnsafeBufferPointer { p in
            try pcm.withUnsafeMutableBufferPointer { try browser.decode(UnsafeBufferPointer(rebasing: p[0..<size]), into: $0) }
        }
        heard.append(contentsOf: pcm[0..<count])
    }
    try WAVFile(sampleRate: 48_000, samples: heard).write(to: URL(fileURLWithPath: arguments[1]))
    print("caller-path: \(codec) \(input.sampleRate) Hz, cleaning \(clean), Opus \(bitrate) b/s complexity \(complexity) → \(arguments[1])")
}
