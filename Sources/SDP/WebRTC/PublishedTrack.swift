/// What the publish answer accepted for one m-line that Parley receives on.
public struct PublishedTrack: Sendable, Equatable {
    /// The m-line's mid.
    public var mid: String
    /// Audio or video.
    public var kind: MediaKind
    /// The one codec chosen, with the offer's payload type number, the fmtp
    /// written in the answer and the feedback both sides use.
    public var codec: RTPCodecParameters
    /// The rtx payload type whose apt is `codec.payloadType`, if offered.
    public var rtxPayloadType: UInt8?
    /// The header extensions accepted, with the offer's ids.
    public var headerExtensions: [HeaderExtension]
    /// The media SSRC from `a=ssrc-group:FID` or the first `a=ssrc` (nil with
    /// rid-based simulcast, where SSRCs are learnt from the rid header
    /// extension).
    public var ssrc: UInt32?
    /// The rtx SSRC from `a=ssrc-group:FID` (nil without rtx or with simulcast).
    public var rtxSSRC: UInt32?
    /// Simulcast rids in the order of `a=simulcast` send, lowest first as
    /// browsers write them; empty without simulcast.
    public var rids: [String]
    /// The `a=msid` stream id (`-` when the track has no stream), else the
    /// `a=ssrc … msid:` one.
    public var streamID: String?
    /// The `a=msid` track id.
    public var trackID: String?

    /// Creates a published track.
    public init(mid: String, kind: MediaKind, codec: RTPCodecParameters, rtxPayloadType: UInt8? = nil,
                headerExtensions: [HeaderExtension] = [], ssrc: UInt32? = nil, rtxSSRC: UInt32? = nil,
                rids: [String] = [], streamID: String? = nil, trackID: String? = nil) {
        self.mid = mid
        self.kind = kind
        self.codec = codec
        self.rtxPayloadType = rtxPayloadType
        self.headerExtensions = headerExtensions
        self.ssrc = ssrc
        self.rtxSSRC = rtxSSRC
        self.rids = rids
        self.streamID = streamID
        self.trackID = trackID
    }

    /// The id of an accepted header extension.
    public func headerExtensionID(_ uri: String) -> UInt8? {
        headerExtensions.first { $0.uri == uri }?.id
    }
}
