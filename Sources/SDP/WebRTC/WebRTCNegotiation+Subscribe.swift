/// Parley's subscribe offer and the browser's answer to it.
extension WebRTCNegotiation {
    /// The feedback Parley offers on subscribe video: NACK (retransmission from
    /// the cache), PLI and FIR (keyframe requests, forwarded to the publisher)
    /// and REMB (the subscriber's bandwidth estimate from abs-send-time).
    public static let subscribeVideoFeedback = ["nack", "nack pli", "ccm fir", "goog-remb"]

    /// Parley's subscribe offer: one `sendonly` (or `inactive`) m-line per slot
    /// with exactly the slot's codec (+ rtx), `a=ssrc` cname/msid lines and
    /// `a=ssrc-group:FID`, `a=msid`, the header extensions of
    /// `SubscribeHeaderExtensionIDs`, video feedback `subscribeVideoFeedback`,
    /// `a=setup:actpass`, `a=ice-lite` and a BUNDLE of all mids.
    ///
    /// Inactive slots keep their codec but carry no `a=msid`/`a=ssrc` lines.
    /// Throws `.noUsableMedia` for zero slots (an offer without m-lines is not
    /// one browsers accept), `.duplicateMid` and `.invalidSlot` for slots that
    /// cannot be written.
    public static func makeSubscribeOffer(slots: [SubscribeSlot], transport: TransportParameters, sessionID: UInt64,
                                          sessionVersion: UInt64) throws(NegotiationError) -> SessionDescription {
        guard !slots.isEmpty else { throw .noUsableMedia }
        guard slots.count <= SessionDescription.maximumMediaCount else {
            throw .invalidSlot("more than \(SessionDescription.maximumMediaCount) slots")
        }
        var mids = Set<String>()
        for slot in slots {
            try validate(slot)
            guard mids.insert(slot.mid).inserted else { throw .duplicateMid(slot.mid) }
        }
        let (port, connection) = defaultAddress(transport)
        var offer = SessionDescription(origin: Origin(sessionID: sessionID, sessionVersion: sessionVersion),
                                       sessionName: "-", timing: ["0 0"])
        offer.attributes = [SDPAttribute("group", SDPGroup(semantics: "BUNDLE", mids: slots.map(\.mid)).attributeValue),
                            SDPAttribute("ice-lite")]
        for slot in slots {
            offer.media.append(subscribeSection(slot, port: port, connection: connection, transport: transport))
        }
        return offer
    }

    /// One m-line of a subscribe offer.
    static func subscribeSection(_ slot: SubscribeSlot, port: UInt16, connection: Connection,
                                 transport: TransportParameters) -> MediaDescription {
        let pt = slot.codec.payloadType
        var section = MediaDescription(kind: slot.kind.rawValue, port: port, proto: "UDP/TLS/RTP/SAVPF",
                                       formats: [String(pt)] + (slot.rtxPayloadType.map { [String($0)] } ?? []),
                                       connection: connection)
        section.addAttribute("mid", slot.mid)
        section.attributes += transportAttributes(transport, setup: "actpass")
        section.addAttribute(slot.active ? "sendonly" : "inactive")
        let msid = MediaStreamID(stream: slot.streamID, track: slot.trackID).attributeValue
        if slot.active { section.addAttribute("msid", msid) }
        section.addAttribute("rtcp-mux")
        section.addAttribute("rtcp-rsize")
        for headerExtension in SubscribeHeaderExtensionIDs.extensions(for: slot.kind) {
            section.addAttribute("extmap", headerExtension.attributeValue)
        }
        var codec = slot.codec
        codec.feedback = slot.kind == .video ? subscribeVideoFeedback : []
        section.attributes += codecAttributes(codec)
        if let rtxPT = slot.rtxPayloadType {
            section.attributes += codecAttributes(RTPCodecParameters(payloadType: rtxPT, name: "rtx",
                                                                     clockRate: slot.codec.clockRate, fmtp: "apt=\(pt)"))
        }
        if slot.active {
            var ssrcs = [slot.ssrc]
            if slot.rtxPayloadType != nil, let rtxSSRC = slot.rtxSSRC {
                ssrcs.append(rtxSSRC)
                section.addAttribute("ssrc-group", SSRCGroup(semantics: "FID", ssrcs: ssrcs).attributeValue)
            }
            for ssrc in ssrcs {
                section.addAttribute("ssrc", SSRCAttribute(ssrc: ssrc, name: "cname", value: slot.cname).attributeValue)
                section.addAttribute("ssrc", SSRCAttribute(ssrc: ssrc, name: "msid", value: msid).attributeValue)
            }
        }
        section.attributes += candidateAttributes(transport)
        return section
    }

    /// Checks that a slot's strings can be written and read back.
    static func validate(_ slot: SubscribeSlot) throws(NegotiationError) {
        guard SDPSyntax.isToken(slot.mid) else { throw .invalidSlot("mid \(slot.mid) is not a token") }
        guard SDPSyntax.isToken(slot.streamID), SDPSyntax.isToken(slot.trackID) else {
            throw .invalidSlot("mid \(slot.mid): stream and track ids must be tokens (RFC 8830 §2)")
        }
        guard !slot.cname.isEmpty, !slot.cname.utf8.contains(where: { $0 == 0 || $0 == 0x0A || $0 == 0x0D }) else {
            throw .invalidSlot("mid \(slot.mid): the cname must be non-empty text on one line")
        }
        let codec = slot.codec
        guard codec.payloadType <= 127, codec.clockRate > 0, !codec.name.isEmpty,
              !codec.name.utf8.contains(where: { $0 == 0x20 || $0 == 0x2F || $0 < 0x20 }),
              codec.channels != 0 else {
            throw .invalidSlot("mid \(slot.mid): codec \(codec.rtpmap) cannot be written as an rtpmap")
        }
        if let fmtp = codec.fmtp, fmtp.utf8.contains(where: { $0 == 0 || $0 == 0x0A || $0 == 0x0D }) {
            throw .invalidSlot("mid \(slot.mid): the fmtp must be on one line")
        }
        if let rtx = slot.rtxPayloadType, rtx > 127 || rtx == codec.payloadType {
            throw .invalidSlot("mid \(slot.mid): rtx payload type \(rtx)")
        }
    }

    /// Reads the browser's answer to a subscribe offer: the same m-lines in the
    /// same order with the same mids and kinds (RFC 3264 §6); each accepted one
    /// `recvonly` or `inactive` (the offer was `sendonly`/`inactive`) and, when
    /// receiving, still listing the slot's payload type; all accepted mids in the
    /// BUNDLE group, whose first mid gives the browser's ICE credentials and
    /// fingerprint; `a=setup:active` (or none, RFC 4145 §4.1).
    public static func readSubscribeAnswer(_ answer: SessionDescription,
                                           offered: [SubscribeSlot]) throws(NegotiationError) -> SubscribeAnswer {
        guard answer.media.count == offered.count else {
            throw .badAnswer("the answer has \(answer.media.count) m= lines for \(offered.count) offered")
        }
        var accepted: [String] = []
        var receiving = Set<String>()
        for (index, (section, slot)) in zip(answer.media, offered).enumerated() {
            guard section.kind == slot.kind.rawValue else {
                throw .badAnswer("m= line \(index) is \(section.kind) but \(slot.kind.rawValue) was offered")
            }
            if let mid = section.mid {
                guard mid == slot.mid else { throw .badAnswer("m= line \(index) has mid \(mid) but \(slot.mid) was offered") }
            } else if !section.isRejected {
                throw .missingMid(index)
            }
            if section.isRejected { continue }
            switch answer.direction(of: section) {
            case .recvonly:
                if slot.active {
                    let pt = slot.codec.payloadType
                    guard section.formats.contains(where: { SDPSyntax.decimal($0, as: UInt8.self) == pt }) else {
                        throw .badAnswer("mid \(slot.mid): the answer drops payload type \(pt)")
                    }
                    receiving.insert(slot.mid)
                }
            case .inactive:
                break
            case let direction:
                throw .badAnswer("mid \(slot.mid) answered \(direction.rawValue) to a send-only offer")
            }
            accepted.append(slot.mid)
        }
        guard !accepted.isEmpty else { throw .noUsableMedia }
        let bundle = answer.bundleMids
        guard let tagMid = bundle.first else { throw .noBundle }
        let bundled = Set(bundle)
        for mid in accepted where !bundled.contains(mid) {
            throw .badAnswer("mid \(mid) is accepted but not in the BUNDLE group")
        }
        guard accepted.contains(tagMid), let tagged = answer.media(mid: tagMid) else {
            throw .badAnswer("the BUNDLE group starts with \(tagMid), which is not an accepted m= line")
        }
        let remote = try remoteTransport(of: answer, section: tagged)
        if let setup = answer.setup(of: tagged), setup != "active" {
            throw .incompatibleSetup(setup)
        }
        return SubscribeAnswer(remoteUfrag: remote.ufrag, remotePassword: remote.password,
                               remoteFingerprint: remote.fingerprint, acceptedMids: Set(accepted),
                               receivingMids: receiving)
    }
}
