/// One frame, as the Matroska track stores it.
public struct DepacketizedFrame: Sendable, Equatable {
    /// The block's bytes: a VP8 frame, an Opus packet, or an H.264 access unit
    /// as 4-byte length-prefixed NAL units (ISO/IEC 14496-15 §5.3.4.2, what a
    /// V_MPEG4/ISO/AVC track with an avcC of lengthSizeMinusOne = 3 needs).
    public var data: [UInt8]
    /// Decodable without earlier frames (every audio frame is).
    public var isKeyframe: Bool
    /// Frame size from a keyframe's header, when it has one.
    public var width: Int?
    public var height: Int?
    /// Length in seconds, when the format says (Opus); nil for video.
    public var duration: Double?

    public init(data: [UInt8], isKeyframe: Bool, width: Int? = nil, height: Int? = nil, duration: Double? = nil) {
        self.data = data
        self.isKeyframe = isKeyframe
        self.width = width
        self.height = height
        self.duration = duration
    }
}
