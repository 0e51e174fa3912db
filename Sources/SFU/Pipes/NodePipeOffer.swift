import SDP

/// What a producer's node tells another node that wants copies of some of
/// its producers: the loop they come from and how to copy each. The
/// cluster's control plane carries it (JSON) between the nodes.
public struct NodePipeOffer: Sendable, Codable, Equatable {
    /// The loop the producers live on; pipe datagrams come from there, and
    /// keyframe and retransmission requests go back there.
    public var origin: NodePipeEndpoint
    public var producers: [RemoteProducer]
}

/// One producer as another node needs it to make a copy its subscribers
/// consume like any other (`PipedProducer`, in plain fields).
public struct RemoteProducer: Sendable, Codable, Equatable {
    public var id: String
    public var source: MediaSource
    public var mid: String
    public var video: Bool
    public var payloadType: UInt8
    public var codecName: String
    public var clockRate: UInt32
    public var channels: UInt8?
    public var fmtp: String?
    public var feedback: [String]
    public var rtxPayloadType: UInt8?
    /// The SSRC of a single-layer producer, when known.
    public var ssrc: UInt32?
    /// Simulcast rids, lowest first; empty: one layer.
    public var rids: [String]
    /// Header extension ids the publisher writes: audio level (speaker
    /// detection) and the others consumers map to their subscribers' ids.
    public var extensionIDs: [String: UInt8]
    public var paused: Bool

    init(_ piped: PipedProducer) {
        let track = piped.track
        id = piped.id
        source = piped.source
        mid = track.mid
        video = track.kind == .video
        payloadType = track.codec.payloadType
        codecName = track.codec.name
        clockRate = track.codec.clockRate
        channels = track.codec.channels
        fmtp = track.codec.fmtp
        feedback = track.codec.feedback
        rtxPayloadType = track.rtxPayloadType
        ssrc = track.ssrc
        rids = track.rids
        extensionIDs = piped.extensionIDs.byName
        paused = piped.paused
    }

    var piped: PipedProducer {
        let codec = RTPCodecParameters(payloadType: payloadType, name: codecName, clockRate: clockRate, channels: channels,
                                       fmtp: fmtp, feedback: feedback)
        let track = PublishedTrack(mid: mid, kind: video ? .video : .audio, codec: codec, rtxPayloadType: rtxPayloadType,
                                   ssrc: rids.isEmpty ? ssrc : nil, rids: rids)
        return PipedProducer(id: id, source: source, track: track, extensionIDs: PublishExtensionIDs(byName: extensionIDs),
                             paused: paused)
    }
}

extension PublishExtensionIDs {
    /// The ids by a short name, for `RemoteProducer`.
    var byName: [String: UInt8] {
        var names: [String: UInt8] = [:]
        names["mid"] = mid
        names["rid"] = rid
        names["repaired-rid"] = repairedRID
        names["audio-level"] = audioLevel
        names["transport-cc"] = transportWideCC
        names["abs-send-time"] = absSendTime
        names["video-orientation"] = videoOrientation
        names["playout-delay"] = playoutDelay
        return names
    }

    init(byName names: [String: UInt8]) {
        self.init()
        mid = names["mid"]
        rid = names["rid"]
        repairedRID = names["repaired-rid"]
        audioLevel = names["audio-level"]
        transportWideCC = names["transport-cc"]
        absSendTime = names["abs-send-time"]
        videoOrientation = names["video-orientation"]
        playoutDelay = names["playout-delay"]
    }
}
