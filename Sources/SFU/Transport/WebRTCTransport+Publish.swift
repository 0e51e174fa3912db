import NIOCore
import SDP

extension WebRTCTransport {
    /// Answers the browser's (re)offer on the publish connection (JSEP,
    /// RFC 8829 §5.3): new m-lines become producers, m-lines gone or no
    /// longer sending close theirs. `sources` names what each mid carries.
    func applyPublishOffer(_ sdp: String, sources: [String: MediaSource], makeID: () -> String)
        throws(MediaError) -> (answer: String, added: [Producer], removed: [String])
    {
        guard role == .publish else { throw .wrongTransportRole }
        let offer: SessionDescription
        do { offer = try SessionDescription(parsing: sdp) } catch { throw .badSDP("line \(error.line): \(error.reason)") }
        var negotiation: PublishNegotiation
        do {
            negotiation = try WebRTCNegotiation.answerPublishOffer(offer, capabilities: engine.capabilities, transport: transportParameters)
        } catch { throw .negotiation("\(error)") }
        // The browser restarted ICE (`restartIce()`, RFC 8445 §9): new ufrag
        // and password in its offer. Parley answers with fresh ones of its own
        // (RFC 8839 §4.4.1.1.1), so the answer is made again with them.
        if remoteCredentialsKnown && negotiation.remoteUfrag != ice.remoteUfrag {
            try checkSameCertificate(negotiation.remoteFingerprint)
            restartICE()
            do {
                negotiation = try WebRTCNegotiation.answerPublishOffer(offer, capabilities: engine.capabilities, transport: transportParameters)
            } catch { throw .negotiation("\(error)") }
        }
        try acceptRemoteCredentials(ufrag: negotiation.remoteUfrag, password: negotiation.remotePassword,
                                    fingerprint: negotiation.remoteFingerprint)
        for track in negotiation.tracks { extensionIDs.learn(track.headerExtensions) }

        var added: [Producer] = []
        var seen: Set<String> = []
        for track in negotiation.tracks {
            seen.insert(track.mid)
            if producersByMid[track.mid] != nil { continue }
            guard let source = sources[track.mid] else { throw .unknownSource(mid: track.mid) }
            guard source.isVideo == (track.kind == .video) else { throw .unknownSource(mid: track.mid) }
            let producer = Producer(id: makeID(), source: source, track: track, router: router, transport: self)
            producersByMid[track.mid] = producer
            if let ssrc = track.ssrc, track.rids.isEmpty {
                ssrcTable[ssrc] = (producer, producer.layers[0], false)
                if let rtx = track.rtxSSRC { ssrcTable[rtx] = (producer, producer.layers[0], true) }
            }
            router.add(producer)
            added.append(producer)
        }
        var removed: [String] = []
        for (mid, producer) in producersByMid where !seen.contains(mid) {
            producersByMid[mid] = nil
            ssrcTable = ssrcTable.filter { $0.value.producer !== producer }
            router.remove(producerID: producer.id)
            removed.append(producer.id)
        }
        let answer = negotiation.answer.serialized
        publishAnswer = answer
        return (answer, added, removed)
    }

    /// Takes the browser's ICE credentials and DTLS fingerprint from its SDP.
    /// The credentials change only with an ICE restart (ours, on the
    /// subscribe side, or the browser's offer on the publish side, which
    /// `restartICE` has already answered); the certificate never does.
    func acceptRemoteCredentials(ufrag: String, password: String, fingerprint: Fingerprint) throws(MediaError) {
        if remoteCredentialsKnown {
            try checkSameCertificate(fingerprint)
            if ice.remoteUfrag == nil || awaitingRestartAnswer {
                awaitingRestartAnswer = false
                ice.remoteUfrag = ufrag
                ice.remotePassword = password
                return
            }
            guard ice.remoteUfrag == ufrag else {
                throw .negotiation("The ICE credentials changed without an ICE restart.")
            }
            return
        }
        remoteCredentialsKnown = true
        credentialsAt = .now()
        ice.remoteUfrag = ufrag
        ice.remotePassword = password
        if let event = dtls.setRemoteFingerprint(algorithm: fingerprint.algorithm, bytes: fingerprint.bytes) {
            handle(event)
        }
    }
}
