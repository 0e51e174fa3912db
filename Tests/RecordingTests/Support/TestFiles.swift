import Foundation

/// A fresh directory under the system's temporary directory, removed after `body`.
func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("parley-recording-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}

/// The same, for a body that waits (on ffmpeg, say).
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("parley-recording-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}

/// The bytes of a file.
func fileBytes(_ url: URL) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: url))
}

/// A deterministic generator (SplitMix64), so that sweeps repeat exactly.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Variations of `bytes` for mutation sweeps: bit flips, byte overwrites,
/// truncations, insertions and deletions, chosen by `random`.
func mutated(_ bytes: [UInt8], using random: inout SeededRandom) -> [UInt8] {
    var out = bytes
    let edits = Int.random(in: 1...4, using: &random)
    for _ in 0..<edits {
        switch Int.random(in: 0..<5, using: &random) {
        case 0 where !out.isEmpty:
            let index = Int.random(in: 0..<out.count, using: &random)
            out[index] ^= UInt8(1) << UInt8.random(in: 0...7, using: &random)
        case 1 where !out.isEmpty:
            out[Int.random(in: 0..<out.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
        case 2 where !out.isEmpty:
            out.removeLast(Int.random(in: 0...out.count, using: &random))
        case 3:
            let index = Int.random(in: 0...out.count, using: &random)
            out.insert(contentsOf: (0..<Int.random(in: 1...8, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) },
                       at: index)
        default:
            guard !out.isEmpty else { continue }
            let start = Int.random(in: 0..<out.count, using: &random)
            out.removeSubrange(start..<min(out.count, start + Int.random(in: 1...8, using: &random)))
        }
    }
    return out
}
