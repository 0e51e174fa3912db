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

    /// `text` with every character but ASCII letters, digits and `keeping`
    /// replaced by "_": safe in a Content-Disposition header and as a file
    /// name on any file system (download names made from titles and names).
    public static func safeFileNameCharacters(_ text: String, keeping: String = " -_") -> String {
        String(text.unicodeScalars.map { s -> Character in
            (s.isASCII && (CharacterSet.alphanumerics.contains(s) || keeping.unicodeScalars.contains(s))) ? Character(s) : "_"
        })
    }

    /// A track's path relative to the recording's directory.
    static func trackFile(index: Int, source: String, codec: TrackCodec) -> String {
        let number = index < 10 ? "0\(index)" : "\(index)"
        return "\(tracks)/\(number)-\(source).\(codec.fileExtension)"
    }
}
