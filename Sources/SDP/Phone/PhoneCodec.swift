/// An audio codec Parley speaks toward phones (DESIGN.md "SIP").
///
/// The order of `defaultPreference` is the order Parley offers them and picks
/// them from an offer: Opus first, because the rooms carry Opus and a phone
/// that speaks it needs no transcoding; then G.722 (wideband); then G.711.
public enum PhoneCodec: String, Sendable, Hashable, CaseIterable {
    /// Opus (RFC 7587): dynamic payload type, always `opus/48000/2` in SDP.
    case opus
    /// G.722: static payload type 9 (RFC 3551 §6).
    case g722
    /// G.711 µ-law: static payload type 0.
    case pcmu
    /// G.711 A-law: static payload type 8.
    case pcma

    /// Parley's preference when none is configured.
    public static let defaultPreference: [PhoneCodec] = [.opus, .g722, .pcmu, .pcma]

    /// The encoding name written in `a=rtpmap`.
    public var encodingName: String {
        switch self {
        case .opus: "opus"
        case .g722: "G722"
        case .pcmu: "PCMU"
        case .pcma: "PCMA"
        }
    }

    /// The RTP clock rate. G.722 samples at 16 kHz but its RTP clock is 8000
    /// for historical reasons (RFC 3551 §4.5.2); Opus always says 48000
    /// whatever its internal rate (RFC 7587 §4.1).
    public var clockRate: UInt32 {
        switch self {
        case .opus: 48000
        case .g722, .pcmu, .pcma: 8000
        }
    }

    /// The rtpmap channel count: Opus must be written `/2` (RFC 7587 §7);
    /// the others write none.
    public var channels: UInt8? { self == .opus ? 2 : nil }

    /// The payload type Parley uses in its own offers: the static ones of
    /// RFC 3551 §6, and 111 for Opus (the value browsers use, so traces line up).
    public var offerPayloadType: UInt8 {
        switch self {
        case .opus: 111
        case .g722: 9
        case .pcmu: 0
        case .pcma: 8
        }
    }

    /// The `a=fmtp` Parley writes for the codec: what it wants to receive.
    /// For Opus: in-band FEC helps on lossy phone links (RFC 7587 §6.1).
    public var localFormatParameters: String? { self == .opus ? "useinbandfec=1" : nil }

    /// The codec of an offered or answered payload format, matching name
    /// (case-insensitively, RFC 8866 §6.6), clock rate and, for Opus, the
    /// mandatory two channels.
    public init?(_ parameters: RTPCodecParameters) {
        for codec in PhoneCodec.allCases
        where SDPSyntax.equalsIgnoringCase(parameters.name, codec.encodingName) && parameters.clockRate == codec.clockRate {
            if codec == .opus, parameters.channels != 2 { return nil }
            if codec != .opus, let channels = parameters.channels, channels != 1 { return nil }
            self = codec
            return
        }
        return nil
    }

    /// Parley's own parameters for the codec at a payload type.
    func parameters(payloadType: UInt8) -> RTPCodecParameters {
        RTPCodecParameters(payloadType: payloadType, name: encodingName, clockRate: clockRate, channels: channels,
                           fmtp: localFormatParameters)
    }
}
