import Foundation

/// One track file of a recording, as an editor wants it: the file, whose
/// voice or picture it holds, and when it starts on the recording's timeline
/// (the file's own block timestamps say the same, so it lines up by itself).
public struct RecordedTrackFile: Sendable, Equatable {
    public var url: URL
    /// The participant's display name; nil until the recording stopped.
    public var participant: String?
    /// `microphone`, `camera` or `screen`; nil until the recording stopped.
    public var source: String?
    /// Seconds from the recording's start to the file's first frame.
    public var start: Double?

    public init(url: URL, participant: String?, source: String?, start: Double?) {
        self.url = url
        self.participant = participant
        self.source = source
        self.start = start
    }

    /// A file name that says what is in it: "01 Rita Red - camera.webm"
    /// (the track's number keeps names unique and in order), with only
    /// characters safe in a Content-Disposition header and on any file system.
    public var downloadName: String {
        let name = url.lastPathComponent
        guard let participant, let source else { return name }
        let number = name.prefix { $0.isNumber }
        let safe = RecordingFiles.safeFileNameCharacters(participant, keeping: " -_.+").trimmingCharacters(in: .whitespaces)
        let person = safe.isEmpty ? "Participant" : String(safe.prefix(40))
        return "\(number.isEmpty ? "" : number + " ")\(person) - \(source).\(url.pathExtension)"
    }
}
