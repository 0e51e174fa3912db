import Logging
import NIOCore
import RTP
import SDP

/// One browser peer connection (publish or subscribe): its ICE-lite agent,
/// DTLS session, SRTP contexts, and the producers or consumers it carries.
///
/// Confined to the media event loop; the protocol logic lives in the state
/// machines it holds (`ICELiteAgent`, `DTLSSession`), this class wires them
/// to the port.
final class WebRTCTransport {
    enum Role: String, Sendable { case publish, subscribe }

    let id: String
    let role: Role
    unowned let engine: MediaEngine
    unowned let router: Router
    var ice: ICELiteAgent
    let dtls: DTLSSession
    private(set) var srtpIn: SRTPSession?
    private(set) var srtpOut: SRTPSession?
    /// The browser's address, once ICE selected it.
    var remoteAddress: SocketAddress? {
        didSet { remoteDestination = remoteAddress.flatMap(DatagramDestination.init) }
    }
    /// `remoteAddress` encoded for the batch's sends.
    private(set) var remoteDestination: DatagramDestination?
    /// The TCP connection ICE selected (RFC 6544), nil while the path is UDP;
    /// sends go out on it (WebRTCTransport+TCP.swift).
    var selectedConnection: TCPMediaConnection?
    private(set) var closed = false
    let logger: Logger
    /// The SSRC Parley uses as sender of the RTCP feedback on this transport.
    let feedbackSSRC = UInt32.random(in: 1...UInt32.max)

    // Publish side.
    var producersByMid: [String: Producer] = [:]
    /// Incoming SSRC → where it goes (learned from SDP or from the MID/RID header extensions).
    var ssrcTable: [UInt32: (producer: Producer, layer: ProducerLayer, isRTX: Bool)] = [:]
    var extensionIDs = PublishExtensionIDs()
    var feedback = TransportFeedbackRecorder()
    var publishAnswer: String?

    // Subscribe side.
    var slots: [SubscribeSlot] = []
    var consumersByMid: [String: Consumer] = [:]
    var consumersBySSRC: [UInt32: Consumer] = [:]
    /// The subscriber's receive estimate from REMB, bits per second.
    var estimatedBitrate: Int?
    /// Worst loss fraction (0–255, RFC 3550 §6.4.1) in the subscriber's last receiver reports.
    var reportedLoss: UInt8 = 0
    var sessionVersion: UInt64 = 1
    let sessionID = UInt64.random(in: 1...UInt64(Int64.max))
    var remoteCredentialsKnown = false
    /// Local ufrags of earlier ICE generations (ICE restarts), unregistered on close.
    var retiredUfrags: [String] = []
    /// Parley restarted ICE on this subscribe transport: the browser's answer
    /// brings new credentials.
    var awaitingRestartAnswer = false

    /// When the browser's ICE credentials arrived (its offer or answer);
    /// a transport that gets no valid check within `connectTimeout` after
    /// that is given up (the browser went away before connecting).
    var credentialsAt: NIODeadline?
    static let connectTimeout = TimeAmount.seconds(30)
    /// The run of the burst's `DatagramBatch` this transport's last RTP
    /// joined: its next packet may go out in the same segmented send.
    var batchRun = DatagramBatch.Run.none
    private var lastFeedbackAt: NIODeadline?
    private var lastReportAt: NIODeadline?

    var canSendMedia: Bool { !closed && srtpOut != nil && remoteAddress != nil }

    init(id: String, role: Role, engine: MediaEngine, router: Router, dtls: DTLSSession, logger: Logger) {
        self.id = id
        self.role = role
        self.engine = engine
        self.router = router
        self.dtls = dtls
        let credentials = ICELiteAgent.randomCredentials()
        self.ice = ICELiteAgent(localUfrag: credentials.ufrag, localPassword: credentials.password)
        self.ice.localPriorities = engine.candidatePriorities
        var logger = logger
        logger[metadataKey: "transport"] = "\(id)"
        logger[metadataKey: "role"] = "\(role.rawValue)"
        self.logger = logger
    }

    /// What Parley puts in its own SDP for this transport.
    var transportParameters: TransportParameters {
        TransportParameters(
            iceUfrag: ice.localUfrag, icePassword: ice.localPassword,
            fingerprint: engine.localFingerprint,
            candidates: engine.candidates)
    }

    // MARK: - Receiving

    func receiveSTUN(_ bytes: UnsafeRawBufferPointer, from address: SocketAddress, now: NIODeadline) {
        guard let source = STUNAddress(socketAddress: address) else { return }
        let outcome = ice.handle(bytes, from: source, now: ContinuousClock.now)
        if let response = outcome.response {
            engine.send(response, to: address)
        }
        for event in outcome.events {
            switch event {
            case .selected:
                if remoteAddress != address || selectedConnection != nil {
                    logger.debug("ICE selected \(address)")
                    engine.bind(address, to: self)
                    remoteAddress = address
                    selectedConnection = nil
                }
            case .consentRefreshed:
                // Browsers start DTLS as soon as a check succeeds, before
                // nominating (RFC 8445 §8.1.1 regular nomination): use the
                // first validated address until one is selected.
                if remoteAddress == nil {
                    engine.bind(address, to: self)
                    remoteAddress = address
                }
            case .rejected(let reason):
                engine.metrics.droppedPackets(kind: "stun", reason: reason.label)
            }
        }
    }

    func receiveDTLS(_ bytes: UnsafeRawBufferPointer) {
        let outcome = dtls.receive(bytes)
        sendDTLS(outcome.datagrams)
        if let event = outcome.event { handle(event) }
    }

    func handle(_ event: DTLSSession.Event) {
        switch event {
        case .connected(let keys):
            do {
                srtpIn = try SRTPSession(profile: keys.profile, keyAndSalt: keys.remoteKeyAndSalt, direction: .inbound)
                srtpOut = try SRTPSession(profile: keys.profile, keyAndSalt: keys.localKeyAndSalt, direction: .outbound)
                logger.info("DTLS connected", metadata: ["srtp": "\(keys.profile)"])
                engine.transportConnected(self)
            } catch {
                logger.error("SRTP set-up failed: \(error)")
                engine.close(self, reason: "srtp")
            }
        case .failed(let error):
            logger.warning("DTLS failed: \(error)")
            engine.metrics.droppedPackets(kind: "dtls", reason: "handshake")
            engine.close(self, reason: "dtls")
        case .closed:
            engine.close(self, reason: "closed")
        }
    }

    func sendDTLS(_ datagrams: [[UInt8]]) {
        guard let address = remoteAddress else { return }
        for d in datagrams { transmit(d, to: address) }
    }

    /// An SRTP packet from the browser: decrypted in place, then routed.
    func receiveRTP(_ packet: inout ByteBuffer, now: NIODeadline) {
        guard let srtpIn else { return }
        let length: Int
        do {
            length = try packet.withUnsafeMutableReadableBytes { try srtpIn.unprotectRTP($0, length: $0.count) }
        } catch {
            engine.metrics.droppedPackets(kind: "srtp", reason: "\(error)")
            return
        }
        packet.moveWriterIndex(to: packet.readerIndex + length)
        guard role == .publish else { return }
        let buffer = packet
        buffer.withUnsafeReadableBytes { bytes in
            let header: RTPHeader
            do { header = try RTPHeader(parsing: bytes) } catch {
                engine.metrics.droppedPackets(kind: "rtp", reason: "\(error)")
                return
            }
            if let id = extensionIDs.transportWideCC, let range = header.extensionElement(id: id, in: bytes), range.count >= 2 {
                let seq = UInt16(bytes[range.lowerBound]) << 8 | UInt16(bytes[range.lowerBound + 1])
                feedback.record(sequence: seq, arrivalMicros: Int64(now.uptimeNanoseconds / 1000))
            }
            guard let route = self.route(header, bytes: bytes) else {
                engine.metrics.droppedPackets(kind: "rtp", reason: "unknown_ssrc")
                return
            }
            if route.isRTX {
                receiveRetransmission(buffer, bytes: bytes, header: header, producer: route.producer, layer: route.layer, now: now)
                return
            }
            let hadBase = route.layer.statistics.baseSequence != nil
            let previousHighest = route.layer.statistics.highestSequence
            let extended = route.layer.statistics.record(sequence: header.sequenceNumber, timestamp: header.timestamp,
                                                         clockRate: route.producer.codec.clockRate, arrival: now, size: bytes.count)
            if route.producer.kind == .video {
                route.layer.lossRecovery.received(extended)
                if hadBase, let lost = route.layer.lossRecovery.gap(from: previousHighest, to: extended, now: now),
                   let ssrc = route.layer.ssrc {
                    sendNACK(mediaSSRC: ssrc, sequences: lost)
                }
            }
            route.producer.receive(buffer, bytes: bytes, header: header, layer: route.layer, extendedSequence: extended,
                                   audioLevelID: extensionIDs.audioLevel, now: now)
        }
    }

    /// RFC 4588 §4: an RTX packet carries the original sequence number in
    /// its first two payload bytes; rebuild the original and treat it as such.
    private func receiveRetransmission(_ packet: ByteBuffer, bytes: UnsafeRawBufferPointer, header: RTPHeader,
                                       producer: Producer, layer: ProducerLayer, now: NIODeadline) {
        let payload = header.payloadRange(packetLength: bytes.count)
        guard payload.count > 2, let ssrc = layer.ssrc else { return }
        let original = UInt16(bytes[payload.lowerBound]) << 8 | UInt16(bytes[payload.lowerBound + 1])
        var rebuilt = engine.allocator.buffer(capacity: bytes.count)
        rebuilt.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[0..<payload.lowerBound]))
        rebuilt.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[(payload.lowerBound + 2)..<bytes.count]))
        rebuilt.withUnsafeMutableReadableBytes { p in
            RTPHeaderWriter.setSSRC(ssrc, in: p)
            RTPHeaderWriter.setSequenceNumber(original, in: p)
            RTPHeaderWriter.setPayloadType(producer.codec.payloadType, in: p)
        }
        // Padding-only RTX probes (bandwidth probing) carry no media.
        if header.hasPadding && payload.count - header.paddingLength <= 2 { return }
        rebuilt.withUnsafeReadableBytes { rb in
            guard let h = try? RTPHeader(parsing: rb) else { return }
            let extended = layer.statistics.extendedSequence(h.sequenceNumber)
            layer.lossRecovery.received(extended)
            producer.receive(rebuilt, bytes: rb, header: h, layer: layer, extendedSequence: extended,
                             audioLevelID: extensionIDs.audioLevel, now: now)
        }
    }

    /// Finds the producer and layer of a packet: by SSRC, else by the MID and
    /// RID header extensions (RFC 8843 §9.2, RFC 8852), learning the SSRC.
    private func route(_ header: RTPHeader, bytes: UnsafeRawBufferPointer) -> (producer: Producer, layer: ProducerLayer, isRTX: Bool)? {
        if let known = ssrcTable[header.ssrc] { return known }
        guard let midID = extensionIDs.mid, let midRange = header.extensionElement(id: midID, in: bytes) else { return nil }
        let mid = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[midRange]), as: UTF8.self)
        guard let producer = producersByMid[mid] else { return nil }
        var layer = producer.layers[0]
        var isRTX = producer.rtxPayloadType == header.payloadType
        if producer.layers.count > 1 {
            let ridRange = extensionIDs.rid.flatMap { header.extensionElement(id: $0, in: bytes) }
            let repairedRange = extensionIDs.repairedRID.flatMap { header.extensionElement(id: $0, in: bytes) }
            guard let range = ridRange ?? repairedRange else { return nil }
            let rid = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
            guard let l = producer.layer(rid: rid) else { return nil }
            layer = l
            if ridRange == nil { isRTX = true }
        }
        if isRTX { layer.rtxSSRC = header.ssrc } else { layer.ssrc = header.ssrc }
        let entry = (producer, layer, isRTX)
        ssrcTable[header.ssrc] = entry
        return entry
    }

    // MARK: - Sending

    /// Copies `bytes` into room for them and the SRTP tag, lets `rewrite`
    /// change it in place, protects it in place and sends it: over UDP from
    /// the burst's `DatagramBatch`, else (TCP, or bigger than a slot) in a
    /// buffer of its own.
    func sendRTP(copying bytes: UnsafeRawBufferPointer, payloadOffset: Int, rewrite: (UnsafeMutableRawBufferPointer) -> Void) {
        guard let srtpOut, !closed else { return }
        let room = bytes.count + SRTPSession.maximumOverhead
        // The batch takes the encoded address: no `SocketAddress` is copied per packet.
        if selectedConnection == nil, let batch = engine.datagrams, let destination = remoteDestination,
           room <= DatagramBatch.slotSize {
            let queued = batch.append(to: destination, after: batchRun) { slot in
                prepareRTP(bytes, payloadOffset: payloadOffset, in: UnsafeMutableRawBufferPointer(rebasing: slot[0..<room]),
                           srtp: srtpOut, rewrite: rewrite)
            }
            batchRun = queued.run
            if let failure = queued.failure { engine.noteSendFailure(failure) }
            return
        }
        guard let address = remoteAddress else { return }
        var out = engine.allocator.buffer(capacity: room)
        let length = out.writeWithUnsafeMutableBytes(minimumWritableBytes: room) { p in
            prepareRTP(bytes, payloadOffset: payloadOffset, in: UnsafeMutableRawBufferPointer(rebasing: p[0..<room]),
                       srtp: srtpOut, rewrite: rewrite) ?? 0
        }
        guard length > 0 else { return }
        transmit(out, to: address)
    }

    /// `bytes` rewritten and protected into `room`; the protected length,
    /// or nil (counted) when SRTP refused it. Only the header and the
    /// rewritable start of the payload are copied: the cipher reads the rest
    /// of the payload from `bytes` (a video packet's 1,100 bytes were copied
    /// once per subscriber, then encrypted in place).
    private func prepareRTP(_ bytes: UnsafeRawBufferPointer, payloadOffset: Int, in room: UnsafeMutableRawBufferPointer,
                            srtp: SRTPSession, rewrite: (UnsafeMutableRawBufferPointer) -> Void) -> Int? {
        let copied = min(bytes.count, max(0, payloadOffset) + Self.rewritablePayloadLength)
        let start = UnsafeMutableRawBufferPointer(rebasing: room[0..<copied])
        start.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<copied]))
        rewrite(start)
        do {
            let length = try srtp.protectRTP(room, copied: copied, restOf: bytes)
            engine.metrics.forwardedPackets += 1
            return length
        } catch {
            engine.metrics.droppedPackets(kind: "srtp_out", reason: "\(error)")
            return nil
        }
    }

    /// Protects and sends one compound RTCP packet.
    func sendRTCP(_ compound: [UInt8]) {
        guard let srtpOut, let address = remoteAddress, !closed, !compound.isEmpty else { return }
        var out = engine.allocator.buffer(capacity: compound.count + SRTPSession.maximumOverhead)
        out.writeBytes(compound)
        out.writeRepeatingByte(0, count: SRTPSession.maximumOverhead)
        do {
            let length = try out.withUnsafeMutableReadableBytes { try srtpOut.protectRTCP($0, length: compound.count) }
            out.moveWriterIndex(to: out.readerIndex + length)
            transmit(out, to: address)
        } catch {
            engine.metrics.droppedPackets(kind: "srtcp_out", reason: "\(error)")
        }
    }

    /// Asks the publisher to resend packets lost on the way in (RFC 4585
    /// §6.2.1); the browser answers with RTX (RFC 4588), which fills the
    /// cache and reaches subscribers like any packet.
    func sendNACK(mediaSSRC: UInt32, sequences: [UInt16]) {
        guard !sequences.isEmpty else { return }
        var bytes: [UInt8] = []
        GenericNACK(senderSSRC: feedbackSSRC, mediaSSRC: mediaSSRC, lostSequenceNumbers: sequences).append(to: &bytes)
        sendRTCP(bytes)
        engine.metrics.nacksSent += 1
    }

    func sendPictureLossIndication(mediaSSRC: UInt32) {
        var bytes: [UInt8] = []
        PictureLossIndication(senderSSRC: feedbackSSRC, mediaSSRC: mediaSSRC).append(to: &bytes)
        sendRTCP(bytes)
        engine.metrics.keyframeRequests += 1
    }

    // MARK: - Timers

    /// Called every few tens of milliseconds by the engine.
    func tick(now: NIODeadline) {
        if ice.tick(now: ContinuousClock.now) {
            // RFC 7675 §5.1: no consent for 30 s — the browser is gone.
            logger.info("ICE consent expired")
            engine.close(self, reason: "disconnected")
            return
        }
        if remoteAddress == nil, let since = credentialsAt, now - since > Self.connectTimeout {
            logger.info("no ICE check arrived in time")
            engine.close(self, reason: "disconnected")
            return
        }
        if dtls.state == .handshaking, let ms = dtls.timeoutMilliseconds, ms == 0 {
            let outcome = dtls.handleTimeout()
            sendDTLS(outcome.datagrams)
            if let event = outcome.event { handle(event) }
        }
        guard canSendMedia else { return }
        // Transport-wide feedback every 50 ms keeps the browser's congestion
        // controller informed without flooding it.
        if role == .publish, feedback.hasPending, lastFeedbackAt.map({ now - $0 >= .milliseconds(50) }) ?? true {
            lastFeedbackAt = now
            let mediaSSRC = ssrcTable.keys.first ?? 0
            if let fb = feedback.makeFeedback(senderSSRC: feedbackSSRC, mediaSSRC: mediaSSRC) {
                var bytes: [UInt8] = []
                fb.append(to: &bytes)
                sendRTCP(bytes)
            }
        }
        if role == .publish {
            for (ssrc, route) in ssrcTable where !route.isRTX && route.producer.kind == .video {
                sendNACK(mediaSSRC: ssrc, sequences: route.layer.lossRecovery.retries(now: now))
            }
        }
        if lastReportAt.map({ now - $0 >= .seconds(1) }) ?? true {
            lastReportAt = now
            sendReports(now: now)
        }
    }

    func close() -> [[UInt8]] {
        closed = true
        return dtls.close().datagrams
    }

    func consumerClosed(_ consumer: Consumer) {
        consumersBySSRC[consumer.ssrc] = nil
        // The slot stays (mids are stable); the room's next offer marks it inactive.
    }
}

/// Header extension ids the publisher negotiated (same for all m-lines of a BUNDLE).
struct PublishExtensionIDs {
    var mid: UInt8?
    var rid: UInt8?
    var repairedRID: UInt8?
    var audioLevel: UInt8?
    var transportWideCC: UInt8?
    var absSendTime: UInt8?
    var videoOrientation: UInt8?
    var playoutDelay: UInt8?

    static let midURI = "urn:ietf:params:rtp-hdrext:sdes:mid"
    static let ridURI = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"
    static let repairedRIDURI = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id"
    static let audioLevelURI = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
    static let transportWideCCURI = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"
    static let absSendTimeURI = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
    static let videoOrientationURI = "urn:3gpp:video-orientation"
    static let playoutDelayURI = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay"

    mutating func learn(_ extensions: [HeaderExtension]) {
        for e in extensions {
            switch e.uri {
            case Self.midURI: mid = e.id
            case Self.ridURI: rid = e.id
            case Self.repairedRIDURI: repairedRID = e.id
            case Self.audioLevelURI: audioLevel = e.id
            case Self.transportWideCCURI: transportWideCC = e.id
            case Self.absSendTimeURI: absSendTime = e.id
            case Self.videoOrientationURI: videoOrientation = e.id
            case Self.playoutDelayURI: playoutDelay = e.id
            default: break
            }
        }
    }
}
