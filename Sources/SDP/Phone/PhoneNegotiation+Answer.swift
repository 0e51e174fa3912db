/// Answering a phone's offer.
extension PhoneNegotiation {
    /// Answers a phone's offer (RFC 3264 §6): the INVITE's body, or a
    /// re-INVITE's (a re-INVITE is just a new offer; pass the call's session id
    /// and its previous version + 1).
    ///
    /// The first `m=audio` with a non-zero port over RTP/AVP(F) or RTP/SAVP(F)
    /// and a codec in `preferences` is accepted; every other m-line (video, a
    /// second audio stream) is rejected with port 0, in the offer's order. The
    /// answer carries one codec, the phone's telephone-event at that codec's
    /// clock rate if it offered one, `a=ptime:20`, and the mirror of the
    /// phone's direction (RFC 3264 §6.1). For RTP/SAVP it answers the best
    /// offered `a=crypto` with the same tag and a fresh key (RFC 4568 §7.1.2).
    ///
    /// With `requireSRTP` (the INVITE came over TLS) only RTP/SAVP(F) is
    /// accepted: keys sent over an encrypted signalling path must not guard
    /// media sent in the clear (RFC 4568 §8.3 expects SDES over a secure path).
    ///
    /// - Throws: `.malformed` (→ 400) or another `PhoneNegotiationError`
    ///   (→ 488); `sipStatus` gives the status.
    public static func answer(offer: String, localAddress: String, localPort: UInt16,
                              preferences: [PhoneCodec] = PhoneCodec.defaultPreference,
                              requireSRTP: Bool = false, keyProvider: SRTPKeyProvider = .system,
                              sessionID: UInt64, sessionVersion: UInt64) throws(PhoneNegotiationError) -> PhoneAnswer {
        let description: SessionDescription
        do {
            description = try SessionDescription(parsing: offer)
        } catch {
            throw .malformed(error)
        }
        return try answer(offer: description, localAddress: localAddress, localPort: localPort,
                          preferences: preferences, requireSRTP: requireSRTP, keyProvider: keyProvider,
                          sessionID: sessionID, sessionVersion: sessionVersion)
    }

    /// `answer(offer:…)` for an offer already parsed.
    public static func answer(offer: SessionDescription, localAddress: String, localPort: UInt16,
                              preferences: [PhoneCodec] = PhoneCodec.defaultPreference,
                              requireSRTP: Bool = false, keyProvider: SRTPKeyProvider = .system,
                              sessionID: UInt64, sessionVersion: UInt64) throws(PhoneNegotiationError) -> PhoneAnswer {
        var chosen: (index: Int, plan: AudioPlan)? = nil
        var firstProblem: PhoneNegotiationError? = nil
        var unsupportedProtos: [String] = []
        var plainRTP = false
        for (index, section) in offer.media.enumerated() where section.kind == "audio" && !section.isRejected {
            guard isRTPProfile(section.proto) else {
                unsupportedProtos.append(section.proto)
                continue
            }
            guard !requireSRTP || isSecure(section.proto) else {
                plainRTP = true
                continue
            }
            do {
                chosen = (index, try plan(section, in: offer, preferences: preferences))
                break
            } catch {
                if firstProblem == nil { firstProblem = error }
            }
        }
        guard let (audioIndex, plan) = chosen else {
            if let firstProblem { throw firstProblem }
            if plainRTP { throw .srtpRequired }
            if !unsupportedProtos.isEmpty { throw .unsupportedTransport(unsupportedProtos) }
            throw .noAudio
        }

        var srtp: PhoneSRTP? = nil
        if let crypto = plan.crypto {
            let localKey = keyProvider.makeKey()
            precondition(localKey.count == SRTPCryptoSuite.keyMaterialLength, "an SRTPKeyProvider must return 30 bytes")
            srtp = PhoneSRTP(suite: crypto.suite, tag: crypto.tag, remoteKey: crypto.keyMaterial, localKey: localKey)
        }
        let localDirection = plan.endpoint.direction.reversed

        var answer = skeleton(localAddress: localAddress, sessionID: sessionID, sessionVersion: sessionVersion)
        for (index, section) in offer.media.enumerated() {
            guard index == audioIndex else {
                answer.media.append(rejected(section))
                continue
            }
            // The answer uses the offer's payload types (RFC 3264 §6.1) and
            // states the fmtp Parley wants to receive.
            let codec = plan.codec.parameters(payloadType: plan.offered.payloadType)
            var formats = [String(codec.payloadType)]
            var attributes = formatAttributes(codec)
            if let event = plan.telephoneEvent {
                formats.append(String(event.payloadType))
                attributes += formatAttributes(RTPCodecParameters(payloadType: event.payloadType, name: event.name,
                                                                  clockRate: event.clockRate, fmtp: telephoneEvents))
            }
            attributes.append(SDPAttribute("ptime", String(localPtime)))
            attributes.append(SDPAttribute(localDirection.rawValue))
            if let srtp {
                let line = SDESCrypto(tag: srtp.tag, suite: srtp.suite, keyMaterial: srtp.localKey)
                attributes.append(SDPAttribute("crypto", line.attributeValue))
            }
            answer.media.append(MediaDescription(kind: "audio", port: localPort, proto: section.proto,
                                                 formats: formats, attributes: attributes))
        }

        let media = PhoneMedia(mediaIndex: audioIndex, codec: plan.codec, parameters: plan.offered,
                               receivePayloadType: plan.offered.payloadType,
                               telephoneEventPayloadType: plan.telephoneEvent?.payloadType,
                               telephoneEventReceivePayloadType: plan.telephoneEvent?.payloadType,
                               remoteAddress: plan.endpoint.address, remotePort: plan.endpoint.port,
                               remoteRTCPPort: plan.endpoint.rtcpPort, remotePtime: plan.endpoint.ptime,
                               remoteDirection: plan.endpoint.direction, localDirection: localDirection, srtp: srtp)
        return PhoneAnswer(description: answer, media: media)
    }

    /// What Parley will answer for the accepted audio m-line.
    struct AudioPlan {
        var codec: PhoneCodec
        var offered: RTPCodecParameters
        var telephoneEvent: RTPCodecParameters?
        var crypto: SDESCrypto?
        var endpoint: RemoteEndpoint
    }

    /// Plans one offered audio m-line, or says why it cannot be used.
    static func plan(_ section: MediaDescription, in offer: SessionDescription,
                     preferences: [PhoneCodec]) throws(PhoneNegotiationError) -> AudioPlan {
        let offered = section.codecs
        var choice: (PhoneCodec, RTPCodecParameters)? = nil
        search: for preference in preferences {
            for codec in offered where PhoneCodec(codec) == preference {
                choice = (preference, codec)
                break search
            }
        }
        guard let (codec, parameters) = choice else { throw .noCommonCodec(offered: offeredNames(section)) }
        // RFC 4733 §2.1: events use the clock of the audio they accompany.
        let event = offered.first { isTelephoneEvent($0) && $0.clockRate == codec.clockRate }

        var crypto: SDESCrypto? = nil
        if isSecure(section.proto) {
            let lines = section.attributeValues("crypto").compactMap(SDESCrypto.init(attributeValue:))
            crypto = SRTPCryptoSuite.preference.lazy.compactMap { suite in lines.first { $0.suite == suite } }.first
            guard crypto != nil else { throw .noUsableCrypto }
        }
        let endpoint = try remoteEndpoint(of: section, in: offer)
        return AudioPlan(codec: codec, offered: parameters, telephoneEvent: event, crypto: crypto, endpoint: endpoint)
    }
}
