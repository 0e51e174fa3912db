/// What a published track is, as the browser declared it in `publish.offer`.
public enum MediaSource: String, Sendable, Codable, CaseIterable {
    case microphone, camera, screen, screenAudio
    /// Screen and camera are video; the others audio.
    public var isVideo: Bool { self == .camera || self == .screen }
}
