import SDP

/// A browser's answer to Parley's subscribe offer (JSEP, RFC 8829 §5.3):
/// the same m-lines in the same order and mids, `recvonly` for each
/// `sendonly` one and `inactive` otherwise, the offered codecs, feedback and
/// header extensions, BUNDLE of every accepted mid, `a=setup:active` (we are
/// the DTLS client, RFC 8842 §5.2), and our credentials and candidate.
public struct SubscribeAnswerWriter: Sendable {
    public var ufrag: String
    public var password: String
    public var fingerprint: String
    public var candidate: String?

    public init(ufrag: String, password: String, fingerprint: String, candidate: String?) {
        self.ufrag = ufrag
        self.password = password
        self.fingerprint = fingerprint
        self.candidate = candidate
    }

    public func answer(to offer: SessionDescription) -> String {
        let accepted = offer.media.filter { !$0.isRejected }.compactMap(\.mid)
        var lines = ["v=0", "o=- \(offer.origin.sessionID &+ 1) \(offer.origin.sessionVersion) IN IP4 127.0.0.1", "s=-", "t=0 0",
                     "a=group:BUNDLE \(accepted.joined(separator: " "))", "a=msid-semantic: WMS"]
        var first = true
        for section in offer.media {
            if section.isRejected {
                lines.append("m=\(section.kind) 0 \(section.proto) \(section.formats.joined(separator: " "))")
                lines.append("c=IN IP4 0.0.0.0")
                if let mid = section.mid { lines.append("a=mid:\(mid)") }
                continue
            }
            lines.append("m=\(section.kind) 9 \(section.proto) \(section.formats.joined(separator: " "))")
            lines.append("c=IN IP4 0.0.0.0")
            if first, let candidate { lines.append("a=candidate:\(candidate)") }
            first = false
            lines += ["a=ice-ufrag:\(ufrag)", "a=ice-pwd:\(password)", "a=fingerprint:sha-256 \(fingerprint)",
                      "a=setup:active"]
            if let mid = section.mid { lines.append("a=mid:\(mid)") }
            for e in section.headerExtensions { lines.append("a=extmap:\(e.id) \(e.uri)") }
            lines.append(offer.direction(of: section) == .sendonly ? "a=recvonly" : "a=inactive")
            lines += ["a=rtcp-mux", "a=rtcp-rsize"]
            for codec in section.codecs {
                lines.append("a=rtpmap:\(codec.payloadType) \(codec.rtpmap)")
                for fb in codec.feedback { lines.append("a=rtcp-fb:\(codec.payloadType) \(fb)") }
                if let fmtp = codec.fmtp, !fmtp.isEmpty { lines.append("a=fmtp:\(codec.payloadType) \(fmtp)") }
            }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// The SSRCs a subscribe offer announces on its `sendonly` m-lines
    /// (the first of an FID group, else the first `a=ssrc`), with what each carries.
    public static func tracks(in offer: SessionDescription, producers: [String: String]) -> [UInt32: SubscriberMedia.Track] {
        var result: [UInt32: SubscriberMedia.Track] = [:]
        for section in offer.media where !section.isRejected && offer.direction(of: section) == .sendonly {
            guard let mid = section.mid else { continue }
            let ssrc = section.ssrcGroups.first(where: { $0.semantics == "FID" })?.ssrcs.first ?? section.ssrcs.first
            guard let ssrc else { continue }
            let codec = section.codecs.first { !$0.isRTX }
            let abs = section.headerExtensions.first { $0.uri == HeaderExtensionURI.absSendTime }?.id ?? 0
            result[ssrc] = SubscriberMedia.Track(mid: mid, isVideo: section.kind == "video",
                                                 clockRate: Double(codec?.clockRate ?? 90000),
                                                 producerID: producers[mid] ?? mid, absSendTimeID: abs,
                                                 nack: codec?.feedback.contains("nack") ?? false)
        }
        return result
    }
}
