/// One RTP payload format of an m-line: `a=rtpmap`, `a=fmtp` and `a=rtcp-fb`
/// for a payload type (RFC 8866 §6.6, §6.15; RFC 4585 §4.2).
public struct RTPCodecParameters: Sendable, Hashable {
    /// The payload type, 0…127.
    public var payloadType: UInt8
    /// The encoding name as written (`opus`, `VP8`, `H264`, `rtx`); compare
    /// case-insensitively (RFC 8866 §6.6).
    public var name: String
    /// The RTP clock rate in Hz.
    public var clockRate: UInt32
    /// The channel count of an audio encoding, when the rtpmap states one.
    public var channels: UInt8?
    /// The `a=fmtp` parameters after the payload type, written back verbatim
    /// (nil when there is no fmtp line).
    public var fmtp: String?
    /// The `a=rtcp-fb` values for this payload type (including those written
    /// for `*`), each with single spaces: `nack`, `nack pli`, `ccm fir`.
    public var feedback: [String]

    /// Creates codec parameters.
    public init(payloadType: UInt8, name: String, clockRate: UInt32, channels: UInt8? = nil,
                fmtp: String? = nil, feedback: [String] = []) {
        self.payloadType = payloadType
        self.name = name
        self.clockRate = clockRate
        self.channels = channels
        self.fmtp = fmtp
        self.feedback = feedback
    }

    /// The fmtp parameters as a dictionary: `key=value` pairs separated by `;`,
    /// keys lower-cased and both sides trimmed; a parameter without `=` (such as
    /// telephone-event's `0-15`) maps to an empty value. The first of duplicate
    /// keys wins. Setting it rewrites `fmtp` with the keys sorted.
    public var formatParameters: [String: String] {
        get {
            guard let fmtp else { return [:] }
            var result: [String: String] = [:]
            for part in fmtp.utf8.split(separator: 0x3B) {
                let item = SDPSyntax.trimmed(Substring(part))
                if item.isEmpty { continue }
                let key: Substring, value: Substring
                if let (k, v) = SDPSyntax.split(item, at: 0x3D) {
                    key = SDPSyntax.trimmed(k)
                    value = SDPSyntax.trimmed(v)
                } else {
                    key = item
                    value = ""
                }
                let lowered = SDPSyntax.asciiLowercased(key)
                if result[lowered] == nil { result[lowered] = String(value) }
            }
            return result
        }
        set {
            guard !newValue.isEmpty else {
                fmtp = nil
                return
            }
            fmtp = newValue.keys.sorted().map { key in
                let value = newValue[key] ?? ""
                return value.isEmpty ? key : "\(key)=\(value)"
            }.joined(separator: ";")
        }
    }

    /// The rtpmap encoding: `opus/48000/2`, `VP8/90000`.
    public var rtpmap: String {
        if let channels { "\(name)/\(clockRate)/\(channels)" } else { "\(name)/\(clockRate)" }
    }

    /// Whether this is a retransmission format (RFC 4588 §8).
    public var isRTX: Bool { SDPSyntax.equalsIgnoringCase(name, "rtx") }

    /// For an rtx format, the payload type it repairs (`apt=`, RFC 4588 §8.1).
    public var associatedPayloadType: UInt8? {
        guard let apt = formatParameters["apt"], let value = SDPSyntax.decimal(apt, as: UInt8.self),
              value <= 127 else { return nil }
        return value
    }

    /// The static payload types of RFC 3551 §6 that need no rtpmap.
    static func staticPayloadType(_ payloadType: UInt8) -> RTPCodecParameters? {
        let entry: (String, UInt32, UInt8?)
        switch payloadType {
        case 0: entry = ("PCMU", 8000, nil)
        case 3: entry = ("GSM", 8000, nil)
        case 4: entry = ("G723", 8000, nil)
        case 5: entry = ("DVI4", 8000, nil)
        case 6: entry = ("DVI4", 16000, nil)
        case 7: entry = ("LPC", 8000, nil)
        case 8: entry = ("PCMA", 8000, nil)
        // G.722's RTP clock rate is 8000 for historical reasons (RFC 3551 §4.5.2).
        case 9: entry = ("G722", 8000, nil)
        case 10: entry = ("L16", 44100, 2)
        case 11: entry = ("L16", 44100, nil)
        case 12: entry = ("QCELP", 8000, nil)
        case 13: entry = ("CN", 8000, nil)
        case 14: entry = ("MPA", 90000, nil)
        case 15: entry = ("G728", 8000, nil)
        case 16: entry = ("DVI4", 11025, nil)
        case 17: entry = ("DVI4", 22050, nil)
        case 18: entry = ("G729", 8000, nil)
        case 25: entry = ("CelB", 90000, nil)
        case 26: entry = ("JPEG", 90000, nil)
        case 28: entry = ("nv", 90000, nil)
        case 31: entry = ("H261", 90000, nil)
        case 32: entry = ("MPV", 90000, nil)
        case 33: entry = ("MP2T", 90000, nil)
        case 34: entry = ("H263", 90000, nil)
        default: return nil
        }
        return RTPCodecParameters(payloadType: payloadType, name: entry.0, clockRate: entry.1, channels: entry.2)
    }
}

/// A parsed `a=rtpmap:<pt> <name>/<clock>[/<channels>]` value.
struct RTPMap {
    var payloadType: UInt8
    var name: String
    var clockRate: UInt32
    var channels: UInt8?

    /// Nil unless the payload type is 0…127, the name is non-empty and the clock
    /// rate is a positive decimal (RFC 8866 §6.6); channels, when given, 1…255.
    init?(value: String) {
        let fields = SDPSyntax.fields(value)
        guard fields.count == 2, let pt = SDPSyntax.decimal(fields[0], as: UInt8.self), pt <= 127 else { return nil }
        let parts = fields[1].utf8.split(separator: 0x2F, omittingEmptySubsequences: false).map { Substring($0) }
        guard parts.count == 2 || parts.count == 3, !parts[0].isEmpty,
              let clock = SDPSyntax.decimal(parts[1], as: UInt32.self), clock > 0 else { return nil }
        var channels: UInt8? = nil
        if parts.count == 3 {
            guard let count = SDPSyntax.decimal(parts[2], as: UInt8.self), count > 0 else { return nil }
            channels = count
        }
        self.payloadType = pt
        self.name = String(parts[0])
        self.clockRate = clock
        self.channels = channels
    }
}

/// A parsed `a=fmtp:<format> <parameters>` value (RFC 8866 §6.15).
struct FormatParametersLine {
    var format: Substring
    var parameters: Substring

    /// The format must be a token; the parameters may be empty.
    init?(value: String) {
        let (format, rest) = SDPSyntax.firstField(value)
        guard SDPSyntax.isToken(format) else { return nil }
        self.format = format
        self.parameters = rest
    }
}

/// A parsed `a=rtcp-fb:<pt|*> <type> [<parameters>]` value (RFC 4585 §4.2).
struct FeedbackLine {
    /// Nil for `*`.
    var payloadType: UInt8?
    /// The type and its parameters joined by single spaces.
    var feedback: String

    init?(value: String) {
        let fields = SDPSyntax.fields(value)
        guard fields.count >= 2 else { return nil }
        if fields[0] == "*" {
            payloadType = nil
        } else {
            guard let pt = SDPSyntax.decimal(fields[0], as: UInt8.self), pt <= 127 else { return nil }
            payloadType = pt
        }
        feedback = fields[1...].joined(separator: " ")
    }
}
