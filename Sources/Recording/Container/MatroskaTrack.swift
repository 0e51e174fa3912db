/// The one track of a file `MatroskaWriter` writes: what goes into its
/// TrackEntry (RFC 9559 §5.1.4.1) and which DocType the EBML header names.
public struct MatroskaTrack: Sendable, Equatable {
    /// Video or audio (TrackType 1 or 2).
    public enum Kind: Sendable, Equatable {
        case video(width: Int, height: Int)
        case audio(samplingFrequency: Double, channels: Int)
    }

    /// "webm" for Opus and VP8, "matroska" for anything else (WebM allows only
    /// VP8/VP9/AV1 and Vorbis/Opus).
    public var docType: String
    /// The Matroska codec ID, e.g. `A_OPUS`, `V_VP8`, `V_MPEG4/ISO/AVC`.
    public var codecID: String
    public var codecPrivate: [UInt8]?
    /// CodecDelay in nanoseconds (Opus: the pre-skip).
    public var codecDelay: UInt64?
    /// SeekPreRoll in nanoseconds (Opus: 80 ms, RFC 7845 §4.6 / WebM guidelines).
    public var seekPreRoll: UInt64?
    public var kind: Kind

    public init(docType: String, codecID: String, codecPrivate: [UInt8]? = nil, codecDelay: UInt64? = nil,
                seekPreRoll: UInt64? = nil, kind: Kind) {
        self.docType = docType
        self.codecID = codecID
        self.codecPrivate = codecPrivate
        self.codecDelay = codecDelay
        self.seekPreRoll = seekPreRoll
        self.kind = kind
    }

    /// An Opus track in WebM: CodecPrivate is the OpusHead, CodecDelay its
    /// pre-skip, SeekPreRoll 80 ms. RTP Opus is always 48 kHz (RFC 7587 §4.1).
    public static func opus(_ head: OpusHead = OpusHead()) -> MatroskaTrack {
        MatroskaTrack(docType: "webm", codecID: "A_OPUS", codecPrivate: head.bytes,
                      codecDelay: head.codecDelayNanoseconds, seekPreRoll: 80_000_000,
                      kind: .audio(samplingFrequency: 48000, channels: Int(head.channelCount)))
    }

    /// A VP8 track in WebM (no CodecPrivate).
    public static func vp8(width: Int, height: Int) -> MatroskaTrack {
        MatroskaTrack(docType: "webm", codecID: "V_VP8", kind: .video(width: width, height: height))
    }

    /// An H.264 track in Matroska; blocks carry 4-byte length-prefixed NAL units.
    public static func h264(width: Int, height: Int, configuration: AVCDecoderConfigurationRecord) -> MatroskaTrack {
        MatroskaTrack(docType: "matroska", codecID: "V_MPEG4/ISO/AVC", codecPrivate: configuration.bytes,
                      kind: .video(width: width, height: height))
    }

    /// Whether this is a video track (which starts a cluster at each keyframe).
    public var isVideo: Bool {
        if case .video = kind { return true }
        return false
    }
}
