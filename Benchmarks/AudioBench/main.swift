// Prints nanoseconds per 20 ms frame for the gateway's two hot paths, so the
// integrator can estimate calls per core. Run on demand:
//   swift run AudioBench            (debug: pessimistic)
//   swift run -c release AudioBench (representative)
//   AudioBench caller-path IN.wav OUT.wav   (CallerPath.swift: a caller's voice offline)
import Audio
import Foundation

if CommandLine.arguments.count > 1, CommandLine.arguments[1] == "caller-path" {
    try runCallerPath(Array(CommandLine.arguments.dropFirst(2)))
    exit(0)
}

let frames = 2_000
let tone = (0..<(960 * 50)).map { Int16(8_000 * sin(2 * Double.pi * 440 * Double($0) / 48_000)) }
func frame(_ i: Int) -> UnsafeBufferPointer<Int16> {
    tone.withUnsafeBufferPointer { UnsafeBufferPointer(rebasing: $0[(i % 50) * 960..<(i % 50 + 1) * 960]) }
}

func measure(_ name: String, _ body: (Int) throws -> Void) rethrows {
    for i in 0..<50 { try body(i) }  // warm-up
    let start = ContinuousClock.now
    for i in 0..<frames { try body(i) }
    let elapsed = ContinuousClock.now - start
    let ns = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
    let perFrame = ns / Double(frames)
    // 50 frames per second per direction; one core = 1e9 ns per second.
    print(String(format: "%-58@ %9.0f ns/frame  (%5.1f %% of a core per stream)", name as NSString, perFrame, perFrame * 50 / 1e7))
}

// Prepare inputs: PCMU payloads and Opus packets of the tone.
let pcmuPayloads: [[UInt8]] = try {
    let e = try PhoneEncoder(codec: .pcmu)
    return try (0..<50).map { try e.encode(Array(frame($0))) }
}()
let opusPackets: [[UInt8]] = try {
    let e = try OpusEncoder()
    return try (0..<50).map { try e.encode(Array(frame($0))) }
}()

var pcm = [Int16](repeating: 0, count: OpusDecoder.maxFrameSamples)
var packet = [UInt8](repeating: 0, count: 1_500)
var mixed = [Int16](repeating: 0, count: 960)

// Phone → room as the gateway runs it in a room of G.711 phones (mixed at
// 8 kHz since 2026-12-07): G.711 decode, no resample, narrowband Opus encode
// of the 8 kHz frame; and as it ran before, with the mix at 48 kHz (8→48 kHz
// for the mix, the encoder still taking the 8 kHz frame).
do {
    let decoder = try PhoneDecoder(codec: .pcmu, outputRate: 8_000)
    let encoder = try OpusEncoder(sampleRate: 8_000)
    try encoder.limitBandwidth(toSourceRate: 8_000)
    try measure("phone→room: PCMU decode + Opus NB encode, 8 kHz mix") { i in
        _ = try pcmuPayloads[i % 50].withUnsafeBufferPointer { p in try pcm.withUnsafeMutableBufferPointer { try decoder.decode(p, into: $0) } }
        _ = try packet.withUnsafeMutableBufferPointer { try encoder.encode(decoder.narrowFrame, into: $0) }
    }
    let wide = try PhoneDecoder(codec: .pcmu)
    try measure("  (before: PCMU decode + 8k→48k + Opus NB encode, 48 kHz mix)") { i in
        _ = try pcmuPayloads[i % 50].withUnsafeBufferPointer { p in try pcm.withUnsafeMutableBufferPointer { try wide.decode(p, into: $0) } }
        _ = try packet.withUnsafeMutableBufferPointer { try encoder.encode(wide.narrowFrame, into: $0) }
    }
}

// Room → phone: Opus decode + N-1 mix (one add + one subtract) + G.711 encode,
// at 8 kHz (Opus decodes straight to it) and, before, at 48 kHz (+ 48→8 kHz).
do {
    for rate in [8_000, 48_000] {
        let decoder = try OpusDecoder(sampleRate: rate)
        let encoder = try PhoneEncoder(codec: .pcmu, inputRate: rate)
        let samples = rate / 50
        let mixer = AudioMixer(frameSamples: samples)
        var frameMix = [Int16](repeating: 0, count: samples)
        let name = rate == 8_000 ? "room→phone: Opus decode to 8k + mix + PCMU encode, 8 kHz mix"
                                 : "  (before: Opus decode + mix + 48k→8k + PCMU encode, 48 kHz mix)"
        try measure(name) { i in
            let n = try opusPackets[i % 50].withUnsafeBufferPointer { p in try pcm.withUnsafeMutableBufferPointer { try decoder.decode(p, into: $0) } }
            mixer.reset()
            pcm.withUnsafeBufferPointer { mixer.add(UnsafeBufferPointer(rebasing: $0[0..<n])) }
            frameMix.withUnsafeMutableBufferPointer { mixer.mix(excluding: nil, into: $0) }
            _ = try frameMix.withUnsafeBufferPointer { m in try packet.withUnsafeMutableBufferPointer { try encoder.encode(m, into: $0) } }
        }
    }
}

// Components, for finer estimates.
do {
    let up = try Resampler(from: 8_000, to: 48_000)
    let down = try Resampler(from: 48_000, to: 8_000)
    let narrow = [Int16](repeating: 100, count: 160)
    measure("  resample 8k→48k") { _ in
        _ = narrow.withUnsafeBufferPointer { n in pcm.withUnsafeMutableBufferPointer { up.process(n, into: $0) } }
    }
    var out = [Int16](repeating: 0, count: 160)
    measure("  resample 48k→8k") { i in
        _ = out.withUnsafeMutableBufferPointer { down.process(frame(i), into: $0) }
    }
    let opusEncoder = try OpusEncoder()
    try measure("  Opus encode (32 kb/s, complexity 5)") { i in
        _ = try packet.withUnsafeMutableBufferPointer { try opusEncoder.encode(frame(i), into: $0) }
    }
    // A G.711 caller's voice: narrowband. Fed at 48 kHz (after the 8k→48k
    // resample), or at its own 8 kHz.
    let narrowband48 = try OpusEncoder()
    try narrowband48.limitBandwidth(toSourceRate: 8_000)
    try measure("  Opus encode narrowband, 48 kHz input") { i in
        _ = try packet.withUnsafeMutableBufferPointer { try narrowband48.encode(frame(i), into: $0) }
    }
    let narrowband8 = try OpusEncoder(sampleRate: 8_000)
    try narrowband8.limitBandwidth(toSourceRate: 8_000)
    var eightK = [Int16](repeating: 0, count: 160)
    try measure("  Opus encode narrowband, 8 kHz input") { i in
        for k in 0..<160 { eightK[k] = frame(i)[k * 6] }
        _ = try eightK.withUnsafeBufferPointer { e in try packet.withUnsafeMutableBufferPointer { try narrowband8.encode(e, into: $0) } }
    }
    // Speech costs the encoder more than a tone: the same encoders on an
    // 8 kHz mono WAV of speech when AUDIO_BENCH_SPEECH names one (e.g. the
    // µ-law speech the gateway benchmark leaves in its work directory).
    if let path = ProcessInfo.processInfo.environment["AUDIO_BENCH_SPEECH"],
       let speech = FileManager.default.contents(atPath: path).flatMap({ try? WAVFile(bytes: Array($0)).samples }), speech.count > 160 {
        // FEC on, planning for 5 % loss (the room encoder's setting while a
        // listener loses packets) or 0 % (no listener reports loss: libopus
        // then adds no LBRR), and FEC off.
        for (complexity, fec, loss) in [(0, true, 5), (1, true, 5), (1, true, 0), (1, false, 0), (5, true, 5)] {
            let enc = try OpusEncoder(sampleRate: 8_000, complexity: complexity, inbandFEC: fec, expectedLossPercent: loss)
            try enc.limitBandwidth(toSourceRate: 8_000)
            try measure("  speech: Opus encode narrowband, complexity \(complexity)\(fec ? ", FEC for \(loss) % loss" : ", no FEC")") { i in
                let at = (i * 160) % (speech.count - 160)
                _ = try speech.withUnsafeBufferPointer { e in
                    try packet.withUnsafeMutableBufferPointer { try enc.encode(UnsafeBufferPointer(rebasing: e[at..<at + 160]), into: $0) }
                }
            }
        }
    }
    for complexity in [0, 1, 2, 3] {
        let cheaper = try OpusEncoder(sampleRate: 8_000, complexity: complexity)
        try cheaper.limitBandwidth(toSourceRate: 8_000)
        try measure("  Opus encode narrowband, 8 kHz input, complexity \(complexity)") { i in
            for k in 0..<160 { eightK[k] = frame(i)[k * 6] }
            _ = try eightK.withUnsafeBufferPointer { e in try packet.withUnsafeMutableBufferPointer { try cheaper.encode(e, into: $0) } }
        }
    }
    let opusDecoder = try OpusDecoder()
    try measure("  Opus decode") { i in
        _ = try opusPackets[i % 50].withUnsafeBufferPointer { p in try pcm.withUnsafeMutableBufferPointer { try opusDecoder.decode(p, into: $0) } }
    }
    let mixer = AudioMixer()
    measure("  mix: add one input + one N-1 output") { i in
        mixer.reset()
        mixer.add(frame(i))
        mixed.withUnsafeMutableBufferPointer { mixer.mix(excluding: frame(i + 1), into: $0) }
    }
    let cleaner = try VoiceCleaner(sampleRate: 8_000, settings: VoiceCleaner.Settings())
    var narrowFrame = [Int16](repeating: 0, count: 160)
    measure("  voice cleaning (speexdsp noise suppression + AGC, 8 kHz)") { i in
        for k in 0..<160 { narrowFrame[k] = frame(i)[k * 6] }
        narrowFrame.withUnsafeMutableBufferPointer { cleaner.process($0) }
    }
    let detector = try DTMFDetector()
    measure("  DTMF detect (48 kHz frame, includes 48k→8k)") { i in _ = detector.process(frame(i)) }
}

// Concealment of a lost G.711 frame (8 kHz), per lost frame: each iteration
// is one received frame then one lost one (a loss every other frame, so every
// concealment starts a gap: the expensive case, with the pitch and LPC
// analysis). Speech when AUDIO_BENCH_SPEECH names an 8 kHz WAV, else the tone.
do {
    let speech: [Int16] = ProcessInfo.processInfo.environment["AUDIO_BENCH_SPEECH"]
        .flatMap { FileManager.default.contents(atPath: $0) }
        .flatMap { try? WAVFile(bytes: Array($0)).samples }
        .flatMap { $0.count > 4 * 160 ? $0 : nil } ?? (0..<(160 * 50)).map { frame($0 / 160)[($0 % 160) * 6] }
    var received = [Int16](repeating: 0, count: 160), lost = [Int16](repeating: 0, count: 160)
    func frames(_ i: Int) -> (UnsafeBufferPointer<Int16>, UnsafeBufferPointer<Int16>) {
        let at = (i * 320) % (speech.count - 480)
        return speech.withUnsafeBufferPointer { (UnsafeBufferPointer(rebasing: $0[at..<at + 160]), UnsafeBufferPointer(rebasing: $0[at + 320..<at + 480])) }
    }
    let label = ProcessInfo.processInfo.environment["AUDIO_BENCH_SPEECH"] == nil ? "tone" : "speech"
    let spandsp = PacketLossConcealer()
    measure("  \(label): conceal a lost G.711 frame, spandsp") { i in
        received.withUnsafeMutableBufferPointer { r in _ = r.update(fromContentsOf: frames(i).0); spandsp.received(r) }
        lost.withUnsafeMutableBufferPointer { spandsp.conceal(into: $0) }
    }
    let lpc = LPCConcealer()
    measure("  \(label): conceal a lost G.711 frame, LPC forward only") { i in
        received.withUnsafeMutableBufferPointer { r in _ = r.update(fromContentsOf: frames(i).0); lpc.received(r) }
        lost.withUnsafeMutableBufferPointer { lpc.conceal(into: $0) }
    }
    measure("  \(label): conceal a lost G.711 frame, LPC from both sides") { i in
        received.withUnsafeMutableBufferPointer { r in _ = r.update(fromContentsOf: frames(i).0); lpc.received(r) }
        lost.withUnsafeMutableBufferPointer { lpc.conceal(into: $0, next: frames(i).1) }
    }
    // G.722 at 16 kHz: twice the samples, lags and windows.
    let wide = try Resampler(from: 8_000, to: 16_000).process(speech)
    let lpc16 = LPCConcealer(sampleRate: 16_000)
    var received16 = [Int16](repeating: 0, count: 320), lost16 = [Int16](repeating: 0, count: 320)
    measure("  \(label): conceal a lost G.722 frame (16 kHz), LPC from both sides") { i in
        let at = (i * 640) % (wide.count - 960)
        wide.withUnsafeBufferPointer { w in
            received16.withUnsafeMutableBufferPointer { r in _ = r.update(fromContentsOf: UnsafeBufferPointer(rebasing: w[at..<at + 320])); lpc16.received(r) }
            lost16.withUnsafeMutableBufferPointer { lpc16.conceal(into: $0, next: UnsafeBufferPointer(rebasing: w[at + 640..<at + 960])) }
        }
    }
}
