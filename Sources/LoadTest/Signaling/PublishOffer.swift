import SDP

/// The publish offer a Chromium page sends Parley (`publisher.js`): BUNDLE,
/// rtcp-mux, `a=setup:actpass` (RFC 8842 §5.2), one `sendonly` m-line for the
/// microphone (Opus) and one for the camera (VP8 + RTX, three simulcast
/// encodings q/h/f announced with `a=rid` and `a=simulcast`, RFC 8853 §5.1),
/// Chromium's header extension ids, and our one host candidate.
public struct PublishOffer: Sendable {
    public var ufrag: String
    public var password: String
    /// Our certificate's fingerprint, "sha-256 AB:CD:…" without the name.
    public var fingerprint: String
    public var candidate: String?
    public var audioSSRC: UInt32?
    public var video: Bool
    public var simulcastRIDs: [String]
    public var ids: HeaderExtensionIDs = .chromium
    public var sessionID: UInt64 = UInt64.random(in: 1...UInt64(Int64.max))

    public init(ufrag: String, password: String, fingerprint: String, candidate: String?, audioSSRC: UInt32?,
                video: Bool, simulcastRIDs: [String] = ["q", "h", "f"]) {
        self.ufrag = ufrag
        self.password = password
        self.fingerprint = fingerprint
        self.candidate = candidate
        self.audioSSRC = audioSSRC
        self.video = video
        self.simulcastRIDs = simulcastRIDs
    }

    /// The mids: "0" for the microphone and "1" for the camera, as the page
    /// adds them in that order; without audio the camera is "0".
    public var audioMid: String? { audioSSRC == nil ? nil : "0" }
    public var videoMid: String? { video ? (audioSSRC == nil ? "0" : "1") : nil }

    /// The `tracks` of the `publish.offer` message: mid → source.
    public var tracks: [(mid: String, source: String)] {
        var t: [(String, String)] = []
        if let audioMid { t.append((audioMid, "microphone")) }
        if let videoMid { t.append((videoMid, "camera")) }
        return t
    }

    /// The offer's text, CRLF line ends (RFC 8866 §5).
    public var sdp: String {
        let stream = "loadtest-stream"
        let mids = [audioMid, videoMid].compactMap { $0 }
        var lines = ["v=0", "o=- \(sessionID) 2 IN IP4 127.0.0.1", "s=-", "t=0 0",
                     "a=group:BUNDLE \(mids.joined(separator: " "))", "a=msid-semantic: WMS \(stream)"]
        func transport(_ mid: String) -> [String] {
            var t = ["c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0"]
            if let candidate { t.append("a=candidate:\(candidate)") }
            t += ["a=ice-ufrag:\(ufrag)", "a=ice-pwd:\(password)", "a=ice-options:trickle",
                  "a=fingerprint:sha-256 \(fingerprint)", "a=setup:actpass", "a=mid:\(mid)"]
            return t
        }
        if let mid = audioMid, let ssrc = audioSSRC {
            lines.append("m=audio 9 UDP/TLS/RTP/SAVPF 111")
            lines += transport(mid)
            lines += ["a=extmap:\(ids.audioLevel) \(HeaderExtensionURI.audioLevel)",
                      "a=extmap:\(ids.absSendTime) \(HeaderExtensionURI.absSendTime)",
                      "a=extmap:\(ids.mid) \(HeaderExtensionURI.mid)",
                      "a=sendonly", "a=msid:\(stream) microphone", "a=rtcp-mux", "a=rtcp-rsize",
                      "a=rtpmap:111 opus/48000/2", "a=fmtp:111 minptime=10;useinbandfec=1",
                      "a=ssrc:\(ssrc) cname:loadtest", "a=ssrc:\(ssrc) msid:\(stream) microphone"]
        }
        if let mid = videoMid {
            lines.append("m=video 9 UDP/TLS/RTP/SAVPF 96 97")
            lines += transport(mid)
            lines += ["a=extmap:\(ids.absSendTime) \(HeaderExtensionURI.absSendTime)",
                      "a=extmap:\(ids.mid) \(HeaderExtensionURI.mid)",
                      "a=extmap:\(ids.rid) \(HeaderExtensionURI.rtpStreamID)",
                      "a=extmap:\(ids.repairedRID) \(HeaderExtensionURI.repairedRTPStreamID)",
                      "a=sendonly", "a=msid:\(stream) camera", "a=rtcp-mux", "a=rtcp-rsize",
                      "a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 goog-remb", "a=rtcp-fb:96 ccm fir",
                      "a=rtcp-fb:96 nack", "a=rtcp-fb:96 nack pli",
                      "a=rtpmap:97 rtx/90000", "a=fmtp:97 apt=96"]
            lines += simulcastRIDs.map { "a=rid:\($0) send" }
            lines.append("a=simulcast:send \(simulcastRIDs.joined(separator: ";"))")
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// The header extension ids the answer kept for an m-line (RFC 8285 §6:
    /// the answerer may drop some); ids it dropped become 0.
    public static func acceptedIDs(_ offered: HeaderExtensionIDs, in section: MediaDescription) -> HeaderExtensionIDs {
        let answered = Dictionary(section.headerExtensions.map { ($0.uri, $0.id) }, uniquingKeysWith: { a, _ in a })
        func keep(_ id: UInt8, _ uri: String) -> UInt8 { answered[uri] == id ? id : 0 }
        return HeaderExtensionIDs(mid: keep(offered.mid, HeaderExtensionURI.mid),
                                  rid: keep(offered.rid, HeaderExtensionURI.rtpStreamID),
                                  repairedRID: keep(offered.repairedRID, HeaderExtensionURI.repairedRTPStreamID),
                                  audioLevel: keep(offered.audioLevel, HeaderExtensionURI.audioLevel),
                                  absSendTime: keep(offered.absSendTime, HeaderExtensionURI.absSendTime))
    }
}
