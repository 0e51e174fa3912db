import Foundation

/// The layout of one recording's directory:
///
///     <recordings>/<id>/timeline.jsonl   what happened, appended as it happens
///     <id>/tracks/01-camera.webm         one file per track, as received
///     <id>/manifest.json                 written when capture finishes
///     <id>/recording.mp4                 the composite, when it is ready
public enum RecordingFiles {
    public static let timeline = "timeline.jsonl"
    public static let manifest = "manifest.json"
    public static let composite = "recording.mp4"
    public static let tracks = "tracks"
    /// In the recordings directory itself: which directory this is, for
    /// processes that share a database (`RecordingService.node`).
    public static let nodeID = ".node-id"

    /// A track's path relative to the recording's directory.
    static func trackFile(index: Int, source: String, codec: TrackCodec) -> String {
        let number = index < 10 ? "0\(index)" : "\(index)"
        return "\(tracks)/\(number)-\(source).\(codec.fileExtension)"
    }
}
