import Audio
import Foundation
import Logging

/// The recorded prompts and tones, decoded once at start to 48 kHz samples.
/// A missing prompt file is a start-up error, not a silent call.
struct PromptLibrary: Sendable {
    private let clips: [Prompt: [Int16]]
    let joinTone: [Int16]
    let leaveTone: [Int16]

    init(directory: String) throws {
        var clips: [Prompt: [Int16]] = [:]
        for prompt in Prompt.allCases {
            let url = URL(fileURLWithPath: directory).appendingPathComponent(prompt.fileName)
            do {
                clips[prompt] = try WAVFile(contentsOf: url).samples48k()
            } catch {
                throw GatewayError.promptMissing(path: url.path, reason: "\(error)")
            }
        }
        self.clips = clips
        joinTone = ToneGenerator.joinChime()
        leaveTone = ToneGenerator.leaveChime()
    }

    func clip(_ prompt: Prompt) -> [Int16] { clips[prompt] ?? [] }
}
