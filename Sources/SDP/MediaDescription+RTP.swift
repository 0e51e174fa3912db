/// Typed accessors for the RTP attributes of a media section.
extension MediaDescription {
    /// The RTP payload formats in m= line order: each payload type's `a=rtpmap`
    /// (or the static assignment of RFC 3551 §6), its first `a=fmtp` and its
    /// `a=rtcp-fb` lines (RFC 4585 §4.2, including `*`). Formats that are not
    /// payload types, repeated ones, and dynamic ones without an rtpmap are
    /// left out.
    ///
    /// One pass over the attributes, then one over the formats: the cost is
    /// linear even for hostile input.
    public var codecs: [RTPCodecParameters] {
        var maps: [UInt8: RTPMap] = [:]
        var fmtps: [UInt8: String] = [:]
        var feedback: [UInt8: [String]] = [:]
        var wildcardFeedback: [String] = []
        for attribute in attributes {
            guard let value = attribute.value else { continue }
            switch attribute.name {
            case "rtpmap":
                if let map = RTPMap(value: value), maps[map.payloadType] == nil { maps[map.payloadType] = map }
            case "fmtp":
                if let line = FormatParametersLine(value: value),
                   let pt = SDPSyntax.decimal(line.format, as: UInt8.self), pt <= 127, fmtps[pt] == nil {
                    fmtps[pt] = String(line.parameters)
                }
            case "rtcp-fb":
                guard let line = FeedbackLine(value: value) else { continue }
                if let pt = line.payloadType {
                    feedback[pt, default: []].append(line.feedback)
                } else {
                    wildcardFeedback.append(line.feedback)
                }
            default:
                continue
            }
        }
        var seen = Set<UInt8>()
        var result: [RTPCodecParameters] = []
        for format in formats {
            guard let pt = SDPSyntax.decimal(format, as: UInt8.self), pt <= 127, seen.insert(pt).inserted else { continue }
            var codec: RTPCodecParameters
            if let map = maps[pt] {
                codec = RTPCodecParameters(payloadType: pt, name: map.name, clockRate: map.clockRate, channels: map.channels)
            } else if let known = RTPCodecParameters.staticPayloadType(pt) {
                codec = known
            } else {
                continue
            }
            codec.fmtp = fmtps[pt]
            var lines = feedback[pt] ?? []
            for line in wildcardFeedback where !lines.contains(line) { lines.append(line) }
            codec.feedback = lines
            result.append(codec)
        }
        return result
    }

    /// The codec with this payload type, if the section lists it.
    public func codec(payloadType: UInt8) -> RTPCodecParameters? {
        codecs.first { $0.payloadType == payloadType }
    }

    /// `a=extmap` lines in order (RFC 8285 §5).
    public var headerExtensions: [HeaderExtension] {
        attributeValues("extmap").compactMap(HeaderExtension.init(attributeValue:))
    }

    /// Every `a=ssrc` line (RFC 5576 §4.1).
    public var ssrcAttributes: [SSRCAttribute] {
        attributeValues("ssrc").compactMap(SSRCAttribute.init(attributeValue:))
    }

    /// The distinct SSRCs of the `a=ssrc` lines, in order of first appearance.
    public var ssrcs: [UInt32] {
        var seen = Set<UInt32>()
        return ssrcAttributes.compactMap { seen.insert($0.ssrc).inserted ? $0.ssrc : nil }
    }

    /// `a=ssrc-group` lines (RFC 5576 §4.2).
    public var ssrcGroups: [SSRCGroup] {
        attributeValues("ssrc-group").compactMap(SSRCGroup.init(attributeValue:))
    }

    /// The first `cname` source attribute (RFC 5576 §6.1).
    public var cname: String? {
        ssrcAttributes.first { $0.name == "cname" }?.value
    }

    /// `a=rid` lines (RFC 8851 §4).
    public var rids: [RID] {
        attributeValues("rid").compactMap(RID.init(attributeValue:))
    }

    /// The first `a=simulcast` line (RFC 8853 §5.1).
    public var simulcast: Simulcast? {
        attribute("simulcast").flatMap(Simulcast.init(attributeValue:))
    }

    /// The first `a=msid` line (RFC 8830 §2).
    public var msid: MediaStreamID? {
        attribute("msid").flatMap(MediaStreamID.init(attributeValue:))
    }

    /// The msid of an `a=ssrc:<n> msid:<stream> <track>` line, which older
    /// clients write instead of (or as well as) `a=msid`.
    public var ssrcMSID: MediaStreamID? {
        for attribute in ssrcAttributes where attribute.name == "msid" {
            if let value = attribute.value, let msid = MediaStreamID(attributeValue: value) { return msid }
        }
        return nil
    }
}
