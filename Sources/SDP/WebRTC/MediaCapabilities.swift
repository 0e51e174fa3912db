/// What Parley can receive from a publisher and forward: codecs in preference
/// order, retransmission, RTCP feedback and RTP header extensions.
public struct MediaCapabilities: Sendable {
    /// Audio codecs in preference order. Each one's `feedback` is what Parley
    /// accepts for it; its payload type is only a default (answers keep the
    /// offer's numbers).
    public var audioCodecs: [RTPCodecParameters]
    /// Video codecs in preference order (before `preferH264` is applied).
    public var videoCodecs: [RTPCodecParameters]
    /// Whether to accept rtx (RFC 4588) for the chosen video codec.
    public var videoRTX: Bool
    /// The header extension URIs accepted on publish.
    public var headerExtensionURIs: [String]
    /// Put the H.264 entries of `videoCodecs` before the others.
    public var preferH264: Bool = false

    /// Creates capabilities.
    public init(audioCodecs: [RTPCodecParameters], videoCodecs: [RTPCodecParameters], videoRTX: Bool = true,
                headerExtensionURIs: [String], preferH264: Bool = false) {
        self.audioCodecs = audioCodecs
        self.videoCodecs = videoCodecs
        self.videoRTX = videoRTX
        self.headerExtensionURIs = headerExtensionURIs
        self.preferH264 = preferH264
    }

    /// The feedback Parley handles on video: NACK (answered from the packet
    /// cache), PLI and FIR (forwarded to the publisher), REMB and transport-cc
    /// (bandwidth estimation), RFC 4585 §4.2, RFC 5104 §7.1.
    public static let videoFeedback = ["nack", "nack pli", "ccm fir", "goog-remb", "transport-cc"]

    /// Parley's capabilities: Opus; VP8, then H.264 constrained baseline and
    /// baseline with packetization-mode 1, each with rtx; the header extensions
    /// the SFU reads or forwards.
    public static let parley = MediaCapabilities(
        audioCodecs: [
            RTPCodecParameters(payloadType: 111, name: "opus", clockRate: 48000, channels: 2,
                               fmtp: "minptime=10;useinbandfec=1", feedback: ["transport-cc"]),
        ],
        videoCodecs: [
            RTPCodecParameters(payloadType: 96, name: "VP8", clockRate: 90000, feedback: videoFeedback),
            RTPCodecParameters(payloadType: 102, name: "H264", clockRate: 90000,
                               fmtp: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
                               feedback: videoFeedback),
            RTPCodecParameters(payloadType: 104, name: "H264", clockRate: 90000,
                               fmtp: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f",
                               feedback: videoFeedback),
        ],
        videoRTX: true,
        headerExtensionURIs: [
            HeaderExtensionURI.mid, HeaderExtensionURI.rtpStreamID, HeaderExtensionURI.repairedRTPStreamID,
            HeaderExtensionURI.audioLevel, HeaderExtensionURI.absSendTime, HeaderExtensionURI.transportWideCC,
            HeaderExtensionURI.videoOrientation, HeaderExtensionURI.playoutDelay,
        ]
    )

    /// The codecs of a kind in preference order, `preferH264` applied.
    public func codecs(for kind: MediaKind) -> [RTPCodecParameters] {
        switch kind {
        case .audio:
            return audioCodecs
        case .video:
            guard preferH264 else { return videoCodecs }
            return videoCodecs.filter(\.isH264) + videoCodecs.filter { !$0.isH264 }
        }
    }

    /// Whether an offered codec is one this capability describes: same name
    /// (ignoring case) and clock rate, the capability's channel count (an
    /// rtpmap without one means 1, RFC 8866 §6.6), and for H.264 the same
    /// packetization-mode and profile (RFC 6184 §8.1: profile_idc and
    /// profile-iop; the level may differ).
    public static func codec(_ offered: RTPCodecParameters, matches capability: RTPCodecParameters) -> Bool {
        guard SDPSyntax.equalsIgnoringCase(offered.name, capability.name),
              offered.clockRate == capability.clockRate else { return false }
        if let channels = capability.channels, (offered.channels ?? 1) != channels { return false }
        if capability.isH264 {
            let o = offered.formatParameters, c = capability.formatParameters
            guard (o["packetization-mode"] ?? "0") == (c["packetization-mode"] ?? "0"),
                  let offeredProfile = h264Profile(o["profile-level-id"] ?? "420010"),
                  let ourProfile = h264Profile(c["profile-level-id"] ?? "420010"),
                  offeredProfile == ourProfile else { return false }
        }
        return true
    }

    /// The first four hex digits of a profile-level-id (profile_idc and
    /// profile-iop), lower-cased; nil unless it is six hex digits. The default
    /// when absent is 420010 (RFC 6184 §8.1).
    static func h264Profile(_ profileLevelID: String) -> String? {
        let bytes = Array(profileLevelID.utf8)
        guard bytes.count == 6, bytes.allSatisfy({ $0.isHexDigit }) else { return nil }
        return String(decoding: bytes[0..<4].map(SDPSyntax.lower), as: UTF8.self)
    }
}

extension RTPCodecParameters {
    var isH264: Bool { SDPSyntax.equalsIgnoringCase(name, "H264") }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self)
    }
}
