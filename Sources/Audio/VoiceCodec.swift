/// The audio codecs Parley's SIP gateway offers to phones (DESIGN.md "Protocol choices").
public enum VoiceCodec: String, CaseIterable, Sendable {
    /// G.711 µ-law.
    case pcmu
    /// G.711 A-law.
    case pcma
    /// G.722 at 64 kb/s.
    case g722
    /// Opus (RFC 7587).
    case opus

    /// The rate at which the codec's audio is sampled, in Hz.
    public var sampleRate: Int {
        switch self {
        case .pcmu, .pcma: 8_000
        case .g722: 16_000
        case .opus: 48_000
        }
    }

    /// The RTP timestamp clock rate. G.722 samples at 16 kHz but its RTP clock is
    /// 8000 Hz for historical reasons (RFC 3551 §4.5.2); Opus always uses 48000
    /// (RFC 7587 §4.1).
    public var rtpClockRate: Int {
        switch self {
        case .pcmu, .pcma, .g722: 8_000
        case .opus: 48_000
        }
    }

    /// Samples per 20 ms frame at `sampleRate` (what the codec consumes).
    public var samplesPerFrame: Int { sampleRate / 50 }

    /// RTP timestamp increment per 20 ms packet.
    public var rtpTimestampsPerFrame: Int { rtpClockRate / 50 }

    /// The static payload type (RFC 3551 §6, table 4), or nil for Opus, which is
    /// always dynamic (RFC 7587 §6).
    public var staticPayloadType: UInt8? {
        switch self {
        case .pcmu: 0
        case .pcma: 8
        case .g722: 9
        case .opus: nil
        }
    }

    /// The encoding name used in SDP `a=rtpmap` (RFC 4566 §6, RFC 7587 §6.1).
    public var encodingName: String {
        switch self {
        case .pcmu: "PCMU"
        case .pcma: "PCMA"
        case .g722: "G722"
        case .opus: "opus"
        }
    }

    /// The `a=rtpmap` clock rate and channel suffix, e.g. "8000" or "48000/2".
    /// Opus is always announced with 2 channels (RFC 7587 §7).
    public var rtpmapParameters: String {
        self == .opus ? "48000/2" : "\(rtpClockRate)"
    }

    /// Payload bytes in a 20 ms packet for the constant-rate codecs, nil for Opus.
    public var bytesPerFrame: Int? {
        switch self {
        case .pcmu, .pcma, .g722: 160
        case .opus: nil
        }
    }

    /// Finds a codec by its SDP encoding name (case-insensitive, RFC 4566 §6).
    public init?(encodingName: String) {
        switch encodingName.lowercased() {
        case "pcmu": self = .pcmu
        case "pcma": self = .pcma
        case "g722": self = .g722
        case "opus": self = .opus
        default: return nil
        }
    }
}
