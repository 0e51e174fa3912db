import NIOCore
import RTP
import SDP

/// One track in a subscribe offer, for the room to tell the browser whose it is.
public struct SubscribedTrack: Sendable, Equatable, Codable {
    public var mid: String
    public var producerID: String
    public var consumerID: String
}

extension WebRTCTransport {
    /// Makes the subscribe connection carry exactly `producers`: consumers of
    /// producers no longer wanted stop and their m-lines go inactive (kept, so
    /// mids never change meaning mid-call); new producers reuse an inactive
    /// m-line of their kind or get a new one. Returns the new offer, or nil
    /// when nothing changed and `force` is false (with `force`, an offer is
    /// made anyway: after an ICE restart, or to replace one that was lost).
    func updateSubscriptions(to producers: [Producer], force: Bool = false, makeID: () -> String) -> (offer: String, tracks: [SubscribedTrack])? {
        guard role == .subscribe else { return nil }
        let wanted = Set(producers.map(\.id))
        var changed = false
        for (mid, consumer) in consumersByMid where !wanted.contains(consumer.producer.id) || consumer.producer.router !== router || router.producers[consumer.producer.id] == nil {
            stop(consumer)
            consumersByMid[mid] = nil
            if let i = slots.firstIndex(where: { $0.mid == mid }) { slots[i].active = false }
            changed = true
        }
        let current = Set(consumersByMid.values.map { $0.producer.id })
        for producer in producers where !current.contains(producer.id) {
            let ssrc = UInt32.random(in: 1...UInt32.max)
            let mid: String
            if let i = slots.firstIndex(where: { !$0.active && $0.kind == producer.kind && consumersByMid[$0.mid] == nil }) {
                mid = slots[i].mid
                slots[i] = slot(mid: mid, producer: producer, ssrc: ssrc)
            } else {
                mid = String(slots.count)
                slots.append(slot(mid: mid, producer: producer, ssrc: ssrc))
            }
            let consumer = Consumer(id: makeID(), producer: producer, transport: self, ssrc: ssrc, mid: mid,
                                    extensionMap: extensionMap(for: producer))
            consumersByMid[mid] = consumer
            consumersBySSRC[ssrc] = consumer
            producer.consumers.append(consumer)
            changed = true
        }
        guard changed || force, !slots.isEmpty else { return nil }
        sessionVersion += 1
        let offer: SessionDescription
        do {
            offer = try WebRTCNegotiation.makeSubscribeOffer(slots: slots, transport: transportParameters,
                                                             sessionID: sessionID, sessionVersion: sessionVersion)
        } catch {
            logger.error("could not write a subscribe offer: \(error)")
            return nil
        }
        let tracks = slots.compactMap { s -> SubscribedTrack? in
            guard s.active, let c = consumersByMid[s.mid] else { return nil }
            return SubscribedTrack(mid: s.mid, producerID: c.producer.id, consumerID: c.id)
        }
        return (offer.serialized, tracks)
    }

    /// The browser's answer to the latest subscribe offer.
    func applySubscribeAnswer(_ sdp: String, now: NIODeadline) throws(MediaError) {
        guard role == .subscribe else { throw .wrongTransportRole }
        let parsed: SessionDescription
        do { parsed = try SessionDescription(parsing: sdp) } catch { throw .badSDP("line \(error.line): \(error.reason)") }
        let answer: SubscribeAnswer
        do { answer = try WebRTCNegotiation.readSubscribeAnswer(parsed, offered: slots) } catch { throw .negotiation("\(error)") }
        try acceptRemoteCredentials(ufrag: answer.remoteUfrag, password: answer.remotePassword, fingerprint: answer.remoteFingerprint)
        for (mid, consumer) in consumersByMid {
            let accepted = answer.acceptedMids.contains(mid)
            if accepted && !consumer.active {
                consumer.active = true
                consumer.resetLayer()
                // Before DTLS is up nothing reaches the subscriber; the
                // request then goes out when the transport connects.
                if canSendMedia { consumer.requestKeyframe(now: now, urgent: true) }
            } else if !accepted {
                consumer.active = false
            }
        }
    }

    /// Chooses each video consumer's simulcast layer from its tile size and
    /// the subscriber's bandwidth estimate (REMB), every half second.
    func chooseLayers(now: NIODeadline) {
        guard role == .subscribe else { return }
        let video = consumersByMid.values.filter { $0.producer.kind == .video && $0.active }
        guard !video.isEmpty else { return }
        // The receiver's REMB estimate follows what it receives (it grows to
        // about 1.5x the incoming rate), so as a hard cap it would pin a
        // subscriber to the lowest layer forever. Trust it only while the
        // subscriber reports loss above 2%: then the path is congested.
        let congested = reportedLoss > 5
        let limit = congested ? estimatedBitrate : nil
        // Screens first: they carry text and are shown large.
        var budget = limit ?? Int.max
        for consumer in video.sorted(by: { ($0.producer.source == .screen ? 0 : 1) < ($1.producer.source == .screen ? 0 : 1) }) {
            let layers = consumer.producer.layers
            guard consumer.preferredSize.width > 0, consumer.preferredSize.height > 0 else {
                consumer.targetLayer = nil
                continue
            }
            if layers.count == 1 {
                consumer.targetLayer = 0
                if limit != nil { budget -= layers[0].bitrate }
                continue
            }
            let active = layers.filter { $0.isActive(now: now) }
            guard let lowest = active.first, var chosen = active.last?.index else { continue }
            // The smallest layer that covers the tile (sizes known from keyframes).
            if let covering = active.first(where: { $0.height > 0 && $0.height >= consumer.preferredSize.height }) {
                chosen = covering.index
            }
            // Then step down while the subscriber's bandwidth cannot carry it.
            while chosen > lowest.index, layers[chosen].bitrate > budget,
                  let lower = active.last(where: { $0.index < chosen }) {
                chosen = lower.index
            }
            if consumer.targetLayer != chosen {
                consumer.targetLayer = chosen
                consumer.producer.requestKeyframe(layer: chosen, now: now)
            }
            if limit != nil { budget -= layers[chosen].bitrate }
        }
    }

    private func stop(_ consumer: Consumer) {
        consumer.active = false
        consumersBySSRC[consumer.ssrc] = nil
        consumer.producer.consumers.removeAll { $0 === consumer }
    }

    func stopAllConsumers() {
        for consumer in consumersByMid.values { stop(consumer) }
        consumersByMid.removeAll()
    }

    private func slot(mid: String, producer: Producer, ssrc: UInt32) -> SubscribeSlot {
        SubscribeSlot(mid: mid, kind: producer.kind, active: true, codec: producer.codec, rtxPayloadType: nil,
                      ssrc: ssrc, rtxSSRC: nil, streamID: producer.id, trackID: producer.id + "-" + producer.source.rawValue,
                      cname: "parley")
    }

    /// Producer's extension ids → the ids Parley's subscribe offer uses;
    /// everything else (MID, RID, transport-cc of the publisher) is blanked.
    private func extensionMap(for producer: Producer) -> RTPExtensionIDMap {
        guard let ids = producer.transport?.extensionIDs else { return RTPExtensionIDMap() }
        var map = RTPExtensionIDMap()
        if producer.kind == .audio, let level = ids.audioLevel { map[level] = SubscribeHeaderExtensionIDs.audioLevel }
        if let abs = ids.absSendTime { map[abs] = SubscribeHeaderExtensionIDs.absSendTime }
        if producer.kind == .video, let orientation = ids.videoOrientation { map[orientation] = SubscribeHeaderExtensionIDs.videoOrientation }
        return map
    }
}
