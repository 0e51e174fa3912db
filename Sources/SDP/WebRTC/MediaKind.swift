/// The kind of an RTP m-line Parley forwards.
public enum MediaKind: String, Sendable, Hashable, CaseIterable {
    /// `m=audio`.
    case audio
    /// `m=video`.
    case video
}
