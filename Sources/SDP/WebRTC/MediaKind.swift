/// The kind of an RTP m-line Parley forwards.
public enum MediaKind: String, Sendable, Hashable, CaseIterable {
    case audio, video
}
