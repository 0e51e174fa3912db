/// One simulcast encoding of a synthetic VP8 camera: its RID (RFC 8851),
/// picture size, bitrate, and the RTP state of its stream and RTX stream.
public struct VP8Layer: Sendable {
    public let rid: String
    public let width: UInt16
    public let height: UInt16
    /// Target bitrate in bits per second.
    public let bitrate: Int
    public let ssrc: UInt32
    public let rtxSSRC: UInt32
    public var sequenceNumber: UInt16
    public var rtxSequenceNumber: UInt16
    /// 15-bit picture ID (RFC 7741 §4.2), per stream as libwebrtc keeps it.
    public var pictureID: UInt16
    public var tl0PicIdx: UInt8
    /// The next frame is a keyframe (the first one, or one asked for by PLI/FIR).
    public var keyframeDue = true

    public init(rid: String, width: UInt16, height: UInt16, bitrate: Int, ssrc: UInt32, rtxSSRC: UInt32,
                sequenceNumber: UInt16, rtxSequenceNumber: UInt16, pictureID: UInt16) {
        self.rid = rid
        self.width = width
        self.height = height
        self.bitrate = bitrate
        self.ssrc = ssrc
        self.rtxSSRC = rtxSSRC
        self.sequenceNumber = sequenceNumber
        self.rtxSequenceNumber = rtxSequenceNumber
        self.pictureID = pictureID & 0x7FFF
        self.tl0PicIdx = 0
    }
}
