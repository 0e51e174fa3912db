/// One m-line of a subscribe offer: a consumer slot. Inactive slots are kept so
/// mids stay stable and can be reused for the next consumer of the same kind.
public struct SubscribeSlot: Sendable, Equatable {
    /// The m-line's mid, a token.
    public var mid: String
    /// Audio or video.
    public var kind: MediaKind
    /// Whether Parley sends on it (`sendonly`) or not (`inactive`).
    public var active: Bool
    /// The producer's codec (payload type, rtpmap and fmtp are written as they
    /// are; video feedback is Parley's own list).
    public var codec: RTPCodecParameters
    /// The rtx payload type, if Parley retransmits with rtx on this slot.
    public var rtxPayloadType: UInt8?
    /// The SSRC Parley sends with.
    public var ssrc: UInt32
    /// The rtx SSRC.
    public var rtxSSRC: UInt32?
    /// The MediaStream id the browser sees (a token).
    public var streamID: String
    /// The MediaStreamTrack id the browser sees (a token).
    public var trackID: String
    /// The RTCP CNAME (RFC 3550 §6.5.1), the same for a publisher's tracks so
    /// the browser synchronises them (RFC 7022).
    public var cname: String

    /// Creates a slot.
    public init(mid: String, kind: MediaKind, active: Bool = true, codec: RTPCodecParameters, rtxPayloadType: UInt8? = nil,
                ssrc: UInt32, rtxSSRC: UInt32? = nil, streamID: String, trackID: String, cname: String) {
        self.mid = mid
        self.kind = kind
        self.active = active
        self.codec = codec
        self.rtxPayloadType = rtxPayloadType
        self.ssrc = ssrc
        self.rtxSSRC = rtxSSRC
        self.streamID = streamID
        self.trackID = trackID
        self.cname = cname
    }
}
