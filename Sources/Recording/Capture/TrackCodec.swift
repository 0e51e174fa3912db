/// The codecs a track file can hold, named as the manifest names them.
public enum TrackCodec: String, Sendable, CaseIterable, Codable {
    /// Opus, 48 kHz RTP clock (RFC 7587 §4.1), written to WebM (A_OPUS).
    case opus
    /// VP8, 90 kHz (RFC 7741 §4.1), written to WebM (V_VP8).
    case vp8
    /// H.264 packetization-mode 1, 90 kHz (RFC 6184 §5.1), written to Matroska (V_MPEG4/ISO/AVC).
    case h264

    /// The RTP timestamp rate.
    public var clockRate: Int {
        self == .opus ? 48000 : 90000
    }

    public var isVideo: Bool {
        self != .opus
    }

    /// `webm` or `mkv`.
    public var fileExtension: String {
        self == .h264 ? "mkv" : "webm"
    }
}
