/// Offering to a phone and reading its answer.
extension PhoneNegotiation {
    /// Parley's offer (RFC 3264 §5) for an INVITE without a body (the offer
    /// then goes in the 200 OK) and for dial-out: one `m=audio` with every
    /// codec of `preferences` in that order, telephone-event at 8000 and, when
    /// Opus is offered, at 48000 (RFC 4733 §2.1: one per clock rate),
    /// `a=ptime:20`, `a=sendrecv`.
    ///
    /// With `srtp`, the m-line is RTP/SAVP with two `a=crypto` lines, tag 1
    /// AES_CM_128_HMAC_SHA1_80 and tag 2 _32, each with its own key from
    /// `keyProvider` (RFC 4568 §6.1: keys are per line). `readAnswer` finds
    /// the key of the tag the phone accepts in this text, so keep it.
    public static func offer(localAddress: String, localPort: UInt16,
                             preferences: [PhoneCodec] = PhoneCodec.defaultPreference,
                             srtp: Bool = false, keyProvider: SRTPKeyProvider = .system,
                             sessionID: UInt64, sessionVersion: UInt64) -> String {
        var description = skeleton(localAddress: localAddress, sessionID: sessionID, sessionVersion: sessionVersion)
        var codecs: [RTPCodecParameters] = []
        for codec in preferences where !codecs.contains(where: { $0.payloadType == codec.offerPayloadType }) {
            codecs.append(codec.parameters(payloadType: codec.offerPayloadType))
        }
        if codecs.contains(where: { $0.clockRate == 8000 }) {
            codecs.append(RTPCodecParameters(payloadType: telephoneEvent8000PayloadType, name: "telephone-event",
                                             clockRate: 8000, fmtp: telephoneEvents))
        }
        if codecs.contains(where: { $0.clockRate == 48000 }) {
            codecs.append(RTPCodecParameters(payloadType: telephoneEvent48000PayloadType, name: "telephone-event",
                                             clockRate: 48000, fmtp: telephoneEvents))
        }
        var attributes: [SDPAttribute] = []
        for codec in codecs {
            // Static payload types need no rtpmap, but phones and people
            // reading traces like one (RFC 8866 §6.6 allows it).
            attributes += formatAttributes(codec)
        }
        attributes.append(SDPAttribute("ptime", String(localPtime)))
        attributes.append(SDPAttribute(Direction.sendrecv.rawValue))
        if srtp {
            for (index, suite) in SRTPCryptoSuite.preference.enumerated() {
                let key = keyProvider.makeKey()
                precondition(key.count == SRTPCryptoSuite.keyMaterialLength, "an SRTPKeyProvider must return 30 bytes")
                let line = SDESCrypto(tag: UInt32(index + 1), suite: suite, keyMaterial: key)
                attributes.append(SDPAttribute("crypto", line.attributeValue))
            }
        }
        description.media = [MediaDescription(kind: "audio", port: localPort, proto: srtp ? "RTP/SAVP" : "RTP/AVP",
                                              formats: codecs.map { String($0.payloadType) }, attributes: attributes)]
        return description.serialized
    }

    /// Reads a phone's answer to an offer Parley made with `offer(…)`
    /// (RFC 3264 §6): the answer must keep the m-line count, accept the audio
    /// m-line with a codec Parley offered, and for SRTP accept one of the
    /// offered `a=crypto` tags with the same suite (RFC 4568 §7.1.3).
    ///
    /// The codec is the answer's first format that Parley offered: what the
    /// phone will send, and what Parley sends with the answer's payload type.
    public static func readAnswer(_ answer: String, toOffer offer: String) throws(PhoneNegotiationError) -> PhoneMedia {
        let ours: SessionDescription
        do {
            ours = try SessionDescription(parsing: offer)
        } catch {
            throw .invalidOffer(error.description)
        }
        guard let index = ours.media.firstIndex(where: { $0.kind == "audio" && !$0.isRejected }) else {
            throw .invalidOffer("no audio m-line")
        }
        let offered = ours.media[index]
        let theirs: SessionDescription
        do {
            theirs = try SessionDescription(parsing: answer)
        } catch {
            throw .malformed(error)
        }
        guard theirs.media.count == ours.media.count else {
            throw .badAnswer("\(theirs.media.count) m-lines for an offer of \(ours.media.count) (RFC 3264 §6)")
        }
        let section = theirs.media[index]
        guard section.kind == "audio" else { throw .badAnswer("m-line \(index + 1) is \(section.kind), not audio") }
        guard !section.isRejected else { throw .noAudio }
        guard section.proto == offered.proto else {
            throw .badAnswer("proto \(section.proto) for an offer of \(offered.proto)")
        }

        let ourCodecs = offered.codecs
        var choice: (PhoneCodec, RTPCodecParameters, UInt8)? = nil
        for codec in section.codecs {
            guard let kind = PhoneCodec(codec),
                  let mine = ourCodecs.first(where: { PhoneCodec($0) == kind }) else { continue }
            choice = (kind, codec, mine.payloadType)
            break
        }
        guard let (codec, parameters, receivePayloadType) = choice else {
            throw .noCommonCodec(offered: offeredNames(section))
        }
        let event = section.codecs.first { isTelephoneEvent($0) && $0.clockRate == codec.clockRate }
        let ourEvent = ourCodecs.first { isTelephoneEvent($0) && $0.clockRate == codec.clockRate }

        var srtp: PhoneSRTP? = nil
        if isSecure(offered.proto) {
            let ourLines = offered.attributeValues("crypto").compactMap(SDESCrypto.init(attributeValue:))
            let answered = section.attributeValues("crypto").compactMap(SDESCrypto.init(attributeValue:))
            guard answered.count == 1, let line = answered.first else {
                throw .badAnswer("an SRTP answer needs exactly one usable a=crypto (RFC 4568 §7.1.2)")
            }
            guard let mine = ourLines.first(where: { $0.tag == line.tag }), mine.suite == line.suite else {
                throw .badAnswer("a=crypto tag \(line.tag) with \(line.suite.rawValue) was not offered")
            }
            srtp = PhoneSRTP(suite: line.suite, tag: line.tag, remoteKey: line.keyMaterial, localKey: mine.keyMaterial)
        }
        let endpoint = try remoteEndpoint(of: section, in: theirs)
        // Parley offered sendrecv, so its direction is the mirror of the answer's.
        return PhoneMedia(mediaIndex: index, codec: codec, parameters: parameters, receivePayloadType: receivePayloadType,
                          telephoneEventPayloadType: ourEvent == nil ? nil : event?.payloadType,
                          telephoneEventReceivePayloadType: event == nil ? nil : ourEvent?.payloadType,
                          remoteAddress: endpoint.address, remotePort: endpoint.port, remoteRTCPPort: endpoint.rtcpPort,
                          remotePtime: endpoint.ptime, remoteDirection: endpoint.direction,
                          localDirection: endpoint.direction.reversed, srtp: srtp)
    }
}
