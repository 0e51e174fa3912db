/// Answering the browser's publish offer.
extension WebRTCNegotiation {
    /// Answer a browser's publish offer (JSEP, RFC 8829 §5.3): keep m-line order
    /// and mids; accept audio/video m-lines whose codecs we support, recvonly;
    /// reject others (port 0, e.g. a datachannel); `a=group:BUNDLE` of accepted
    /// mids; `a=ice-lite`; our candidates on every accepted m-line; rtcp-mux,
    /// rtcp-rsize; `a=rid` (as recv) and `a=simulcast:recv` for simulcast;
    /// only header extensions we support, with the offer's ids; rtcp-fb only
    /// ours ∩ offered.
    ///
    /// The answer's origin reuses the offer's session id and version: browsers
    /// increment the version on every renegotiation, so the answer's does too
    /// (RFC 3264 §8). Use `answerPublishOffer(_:capabilities:transport:origin:)`
    /// to choose another.
    public static func answerPublishOffer(_ offer: SessionDescription, capabilities: MediaCapabilities,
                                          transport: TransportParameters) throws(NegotiationError) -> PublishNegotiation {
        try answerPublishOffer(offer, capabilities: capabilities, transport: transport,
                               origin: Origin(sessionID: offer.origin.sessionID, sessionVersion: offer.origin.sessionVersion))
    }

    /// `answerPublishOffer(_:capabilities:transport:)` with the answer's `o=`
    /// line given.
    public static func answerPublishOffer(_ offer: SessionDescription, capabilities: MediaCapabilities,
                                          transport: TransportParameters,
                                          origin: Origin) throws(NegotiationError) -> PublishNegotiation {
        guard let bundle = offer.groups.first(where: { $0.semantics == "BUNDLE" }) else { throw .noBundle }
        let bundled = Set(bundle.mids)
        var plans: [PublishPlan?] = []
        plans.reserveCapacity(offer.media.count)
        for (index, section) in offer.media.enumerated() {
            // A zero port without bundle-only disables the m-line (RFC 9143 §7.3).
            guard !section.isRejected || section.isBundleOnly else {
                plans.append(nil)
                continue
            }
            guard let mid = section.mid else { throw .missingMid(index) }
            // Parley has one transport: anything outside the BUNDLE group is
            // rejected (RFC 9143 §7.3.3).
            guard bundled.contains(mid) else {
                plans.append(nil)
                continue
            }
            plans.append(planPublishSection(section, mid: mid, in: offer, capabilities: capabilities))
        }
        // The answerer BUNDLE-tag is the first accepted mid of the offer's group
        // (RFC 9143 §7.3.1).
        var acceptedMids: [String] = []
        let planned = Set(plans.compactMap { $0?.mid })
        for mid in bundle.mids where planned.contains(mid) && !acceptedMids.contains(mid) { acceptedMids.append(mid) }
        guard let tagMid = acceptedMids.first, let tagged = offer.media(mid: tagMid) else { throw .noUsableMedia }
        let remote = try remoteTransport(of: offer, section: tagged)
        // Parley is the DTLS server, so the offerer must be able to be the client
        // (RFC 8842 §5.2; no a=setup means active, RFC 4145 §4.1).
        if let setup = offer.setup(of: tagged), setup != "actpass", setup != "active" {
            throw .incompatibleSetup(setup)
        }

        let (port, connection) = defaultAddress(transport)
        var answer = SessionDescription(origin: origin, sessionName: "-", timing: ["0 0"])
        answer.attributes = [SDPAttribute("group", SDPGroup(semantics: "BUNDLE", mids: acceptedMids).attributeValue),
                             SDPAttribute("ice-lite")]
        var tracks: [PublishedTrack] = []
        for (section, plan) in zip(offer.media, plans) {
            guard let plan else {
                answer.media.append(rejectedSection(section))
                continue
            }
            answer.media.append(answerSection(plan, offered: section, port: port, connection: connection, transport: transport))
            if plan.direction == .recvonly { tracks.append(plan.track) }
        }
        return PublishNegotiation(answer: answer, tracks: tracks, remoteUfrag: remote.ufrag,
                                  remotePassword: remote.password, remoteFingerprint: remote.fingerprint)
    }

    /// What Parley will answer for one accepted m-line.
    struct PublishPlan {
        var mid: String
        var track: PublishedTrack
        var rtx: RTPCodecParameters?
        var direction: Direction
        var simulcast: Simulcast?
        var rtcpReducedSize: Bool
    }

    /// Nil when the m-line must be rejected: not audio or video, not
    /// DTLS-SRTP, no rtcp-mux, or no codec in common.
    static func planPublishSection(_ section: MediaDescription, mid: String, in offer: SessionDescription,
                                   capabilities: MediaCapabilities) -> PublishPlan? {
        guard let kind = MediaKind(rawValue: section.kind),
              section.proto.hasSuffix("RTP/SAVPF") || section.proto.hasSuffix("RTP/SAVP"),
              section.rtcpMux else { return nil }
        let offered = section.codecs
        var choice: (offered: RTPCodecParameters, capability: RTPCodecParameters)? = nil
        search: for capability in capabilities.codecs(for: kind) {
            for codec in offered where !codec.isRTX && MediaCapabilities.codec(codec, matches: capability) {
                choice = (codec, capability)
                break search
            }
        }
        guard let (chosen, capability) = choice else { return nil }

        // H.264's profile-level-id is negotiated, so the answer echoes the
        // offer's parameters (RFC 6184 §8.2.2); for the others the fmtp states
        // what Parley wants to receive (RFC 7587 §7 for Opus), so it is ours.
        let fmtp = capability.isH264 ? chosen.fmtp : capability.fmtp
        let feedback = capability.feedback.filter { chosen.feedback.contains($0) }
        let codec = RTPCodecParameters(payloadType: chosen.payloadType, name: chosen.name, clockRate: chosen.clockRate,
                                       channels: chosen.channels, fmtp: fmtp, feedback: feedback)
        var rtx: RTPCodecParameters? = nil
        if kind == .video, capabilities.videoRTX,
           let offeredRTX = offered.first(where: { $0.isRTX && $0.associatedPayloadType == chosen.payloadType }) {
            rtx = RTPCodecParameters(payloadType: offeredRTX.payloadType, name: offeredRTX.name,
                                     clockRate: offeredRTX.clockRate, fmtp: "apt=\(chosen.payloadType)")
        }

        // Header extensions: ours, with the offer's ids. Only ids 1-14, because
        // the answer does not signal extmap-allow-mixed and so the browser must
        // be able to use the one-byte form (RFC 8285 §4.2, §6). An extension the
        // offerer only receives is no use on a publish m-line.
        let accepted = Set(capabilities.headerExtensionURIs)
        var extensions: [HeaderExtension] = []
        for offeredExtension in section.headerExtensions
        where accepted.contains(offeredExtension.uri) && offeredExtension.id <= 14
            && !extensions.contains(where: { $0.id == offeredExtension.id || $0.uri == offeredExtension.uri }) {
            switch offeredExtension.direction {
            case nil, "sendrecv":
                extensions.append(HeaderExtension(id: offeredExtension.id, uri: offeredExtension.uri))
            case "sendonly":
                extensions.append(HeaderExtension(id: offeredExtension.id, uri: offeredExtension.uri, direction: "recvonly"))
            default:
                continue
            }
        }

        // Simulcast (RFC 8853 §5.3): take the first alternative of each send
        // stream that has an `a=rid ... send` line; answer them as recv.
        var rids: [String] = []
        var simulcast: Simulcast? = nil
        if let offeredSimulcast = section.simulcast, !offeredSimulcast.send.isEmpty {
            let sendRIDs = Set(section.rids.filter { $0.direction == "send" }.map(\.id))
            for stream in offeredSimulcast.send {
                if let rid = stream.first(where: { sendRIDs.contains($0) }), !rids.contains(rid) { rids.append(rid) }
            }
            if !rids.isEmpty {
                simulcast = Simulcast(recv: rids.map { [$0] }, paused: offeredSimulcast.paused.intersection(rids))
            }
        }

        var ssrc: UInt32? = nil, rtxSSRC: UInt32? = nil
        if simulcast == nil {
            if let fid = section.ssrcGroups.first(where: { $0.semantics == "FID" && $0.ssrcs.count >= 2 }) {
                ssrc = fid.ssrcs[0]
                if rtx != nil { rtxSSRC = fid.ssrcs[1] }
            } else {
                ssrc = section.ssrcs.first
            }
        }
        let msid = section.msid ?? section.ssrcMSID
        let direction: Direction = offer.direction(of: section).sends ? .recvonly : .inactive
        let track = PublishedTrack(mid: mid, kind: kind, codec: codec, rtxPayloadType: rtx?.payloadType,
                                   headerExtensions: extensions, ssrc: ssrc, rtxSSRC: rtxSSRC, rids: rids,
                                   streamID: msid?.stream, trackID: msid.flatMap { $0.track.isEmpty ? nil : $0.track })
        return PublishPlan(mid: mid, track: track, rtx: rtx, direction: direction, simulcast: simulcast,
                           rtcpReducedSize: section.rtcpReducedSize)
    }

    /// An accepted m-line of the answer.
    static func answerSection(_ plan: PublishPlan, offered: MediaDescription, port: UInt16, connection: Connection,
                              transport: TransportParameters) -> MediaDescription {
        let codec = plan.track.codec
        var section = MediaDescription(kind: offered.kind, port: port, proto: offered.proto,
                                       formats: [String(codec.payloadType)] + (plan.rtx.map { [String($0.payloadType)] } ?? []),
                                       connection: connection)
        section.addAttribute("mid", plan.mid)
        section.attributes += transportAttributes(transport, setup: "passive")
        section.addAttribute(plan.direction.rawValue)
        section.addAttribute("rtcp-mux")
        if plan.rtcpReducedSize { section.addAttribute("rtcp-rsize") }
        for headerExtension in plan.track.headerExtensions { section.addAttribute("extmap", headerExtension.attributeValue) }
        section.attributes += codecAttributes(codec)
        if let rtx = plan.rtx { section.attributes += codecAttributes(rtx) }
        if let simulcast = plan.simulcast {
            for rid in plan.track.rids { section.addAttribute("rid", RID(id: rid, direction: "recv").attributeValue) }
            section.addAttribute("simulcast", simulcast.attributeValue)
        }
        section.attributes += candidateAttributes(transport)
        return section
    }

    /// A rejected m-line (RFC 3264 §6: port 0, same media and proto; RFC 8829
    /// §5.3.1 keeps the mid).
    static func rejectedSection(_ offered: MediaDescription) -> MediaDescription {
        var section = MediaDescription(kind: offered.kind, port: 0, proto: offered.proto, formats: offered.formats,
                                       connection: Connection(address: "0.0.0.0"))
        if let mid = offered.mid { section.addAttribute("mid", mid) }
        return section
    }

    /// `a=rtpmap`, `a=rtcp-fb` and `a=fmtp` for one codec.
    static func codecAttributes(_ codec: RTPCodecParameters) -> [SDPAttribute] {
        var attributes = [SDPAttribute("rtpmap", "\(codec.payloadType) \(codec.rtpmap)")]
        for feedback in codec.feedback { attributes.append(SDPAttribute("rtcp-fb", "\(codec.payloadType) \(feedback)")) }
        if let fmtp = codec.fmtp, !fmtp.isEmpty { attributes.append(SDPAttribute("fmtp", "\(codec.payloadType) \(fmtp)")) }
        return attributes
    }
}
