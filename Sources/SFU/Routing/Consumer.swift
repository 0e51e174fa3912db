import NIOCore
import RTP
import SDP

/// An outgoing copy of a producer for one subscriber (mediasoup's word).
///
/// Forwarding rewrites each packet for the subscriber: its own SSRC, a
/// continuous sequence number and timestamp across simulcast layer switches
/// and pauses, and the subscriber's header extension ids. For video it
/// switches layers only on a keyframe of the new layer, so the picture never
/// freezes on a missing reference.
final class Consumer {
    let id: String
    /// Strong: a closed producer stays readable until the subscriber's next offer drops this consumer.
    let producer: Producer
    weak var transport: (any MediaTransport)?
    let ssrc: UInt32
    let mid: String
    /// Producer's extension id → subscriber's id (others are blanked).
    var extensionMap: RTPExtensionIDMap
    /// The subscriber accepted this m-line and its transport is up.
    var active = false
    /// The layer being forwarded, nil until the first keyframe (video) or packet.
    private(set) var currentLayer: Int?
    /// The layer wanted (tile size and bandwidth); nil = send nothing (tile hidden).
    var targetLayer: Int?
    /// Starts forwarding on the first keyframe of any layer rather than wait
    /// for the target's own (then moves up on the target's keyframe). The
    /// recorder wants a picture at once; browsers keep the one-keyframe start.
    var startsOnAnyKeyframe = false
    /// Largest picture the subscriber shows this video at (from `layers.prefer`).
    var preferredSize: (width: Int, height: Int) = (.max, .max)

    // Rewriting state.
    private var sequenceDelta: Int64 = 0
    private var timestampDelta: UInt32 = 0
    private var lastOutSequence: Int64
    private var lastOutTimestamp: UInt32
    private var lastSentAt: NIODeadline?
    /// The producer's extended sequence number the current run started at
    /// (the keyframe a layer switch waited for).
    private var runStart: Int64 = .min
    private var pictureIDDelta: UInt16 = 0
    private var lastOutPictureID: UInt16?
    private var tl0Delta: UInt8 = 0
    private var lastOutTL0: UInt8?

    /// What was sent under each outgoing sequence number, for NACKs (video only: NACK is negotiated for video).
    private let history: SentPacketHistory?

    private(set) var packetsSent = 0
    private(set) var retransmissions = 0
    /// What the subscriber last reported losing of this stream (RFC 3550
    /// §6.4.1 fraction lost, in 256ths), and when.
    private(set) var reportedLoss: (fraction: UInt8, at: NIODeadline)?

    /// A receiver report block about this consumer's stream arrived.
    func receiverReported(fractionLost: UInt8, now: NIODeadline) { reportedLoss = (fractionLost, now) }

    init(id: String, producer: Producer, transport: any MediaTransport, ssrc: UInt32, mid: String, extensionMap: RTPExtensionIDMap) {
        self.id = id
        self.producer = producer
        self.transport = transport
        self.ssrc = ssrc
        self.mid = mid
        self.extensionMap = extensionMap
        self.lastOutSequence = Int64.random(in: 0..<0x4000)
        self.lastOutTimestamp = UInt32.random(in: 0..<0x1000_0000)
        self.targetLayer = producer.layers.count - 1
        self.history = producer.kind == .video ? SentPacketHistory() : nil
    }

    /// Called by the producer for every packet while not paused; `vp8` is
    /// the packet's descriptor, parsed once by the producer for all consumers.
    func forward(_ packet: ByteBuffer, bytes: UnsafeRawBufferPointer, header: RTPHeader, layer: Int,
                 extendedSequence: Int64, keyframe: Bool, vp8: VP8PayloadDescriptor?, now: NIODeadline) {
        guard active, let target = targetLayer else { return }
        // A simulcast layer this consumer neither sends nor waits for (two of
        // three layers, for every consumer): left before the transport, a weak
        // reference, is loaded. What follows would drop the packet too.
        if layer != target, let current = currentLayer, layer != current, producer.kind == .video { return }
        guard let transport, transport.canSendMedia else { return }
        if currentLayer != layer {
            let first = currentLayer == nil && startsOnAnyKeyframe
            let switchable = producer.kind == .audio || (keyframe && (layer == target || first))
            guard switchable else {
                // Waiting for the target layer's keyframe: ask for one.
                if layer == target || currentLayer == nil { producer.requestKeyframe(layer: target, now: now) }
                return
            }
            rebase(onto: layer, extendedSequence: extendedSequence, timestamp: header.timestamp, vp8: vp8, now: now)
        } else if target != layer, producer.kind == .video {
            // Keep sending the current layer until the target's keyframe comes.
            producer.requestKeyframe(layer: target, now: now)
        }
        // A late or repaired packet of this layer from before the run began
        // would take a sequence number the previous layer already used: the
        // subscriber would get two packets under one number (and SRTP would
        // refuse the second as a replay).
        guard extendedSequence >= runStart else { return }
        let outSequence = extendedSequence + sequenceDelta
        guard outSequence > lastOutSequence - 1000 else { return }  // very old packet
        if outSequence > lastOutSequence { lastOutSequence = outSequence }
        let outTimestamp = header.timestamp &+ timestampDelta
        if outSequence == lastOutSequence { lastOutTimestamp = outTimestamp; lastSentAt = now }
        send(via: transport, bytes: bytes, header: header, vp8: vp8, sequence: UInt16(truncatingIfNeeded: outSequence),
             timestamp: outTimestamp, retransmission: false)
        history?.record(.init(incoming: header.sequenceNumber, outgoing: UInt16(truncatingIfNeeded: outSequence),
                              timestampDelta: timestampDelta, layer: UInt8(layer), valid: true))
    }

    /// Starts forwarding `layer` from this packet on, continuing our own
    /// sequence and timestamp lines (so the receiver sees one stream).
    private func rebase(onto layer: Int, extendedSequence: Int64, timestamp: UInt32, vp8: VP8PayloadDescriptor?, now: NIODeadline) {
        sequenceDelta = lastOutSequence + 1 - extendedSequence
        let clockRate = UInt64(producer.codec.clockRate)
        var elapsedTicks: UInt32 = 1
        if let last = lastSentAt {
            let ns = UInt64(max(0, (now - last).nanoseconds))
            elapsedTicks = UInt32(truncatingIfNeeded: max(1, ns * clockRate / 1_000_000_000))
        }
        timestampDelta = (lastOutTimestamp &+ elapsedTicks) &- timestamp
        if let d = vp8 {
            if let pid = d.pictureID { pictureIDDelta = (lastOutPictureID.map { $0 &+ 1 } ?? pid) &- pid }
            if let tl0 = d.tl0PicIdx { tl0Delta = (lastOutTL0.map { $0 &+ 1 } ?? tl0) &- tl0 }
        }
        currentLayer = layer
        runStart = extendedSequence
    }

    /// Answers a NACK (RFC 4585 §6.2.1) from the producer's packet cache.
    func retransmit(sequences: [UInt16]) {
        guard active, let transport, transport.canSendMedia else { return }
        for s in sequences {
            guard let sent = history?.entry(outgoing: s) else { continue }
            let layerIndex = Int(sent.layer)
            guard producer.layers.indices.contains(layerIndex),
                  let packet = producer.layers[layerIndex].cache.packet(sequence: sent.incoming) else { continue }
            packet.withUnsafeReadableBytes { bytes in
                guard let header = try? RTPHeader(parsing: bytes) else { return }
                let vp8 = producer.inspect(bytes, header: header).vp8
                send(via: transport, bytes: bytes, header: header, vp8: vp8, sequence: s,
                     timestamp: header.timestamp &+ sent.timestampDelta, retransmission: true)
            }
            retransmissions += 1
        }
    }

    /// Asks the producer for a keyframe of the layer being sent (the
    /// subscriber sent PLI/FIR, or just joined).
    func requestKeyframe(now: NIODeadline, urgent: Bool = false) {
        producer.requestKeyframe(layer: currentLayer ?? targetLayer ?? 0, now: now, urgent: urgent)
    }

    /// Octets of payload sent, for our sender reports (RFC 3550 §6.4.1).
    private(set) var octetsSent = 0

    /// The publisher's sender report for `layer`, translated to this
    /// consumer's SSRC and timestamp line (RFC 3550 §6.4.1, §7.2: a
    /// translator passes SRs on with its own mapping). Browsers need an SR per
    /// stream to synchronise audio and video of one person; without it each
    /// plays on its own clock. Nil when this consumer is not forwarding that layer.
    func translatedSenderReport(_ report: SenderReport, layer: Int) -> SenderReport? {
        guard active, currentLayer == layer else { return nil }
        return SenderReport(ssrc: ssrc, ntpTimestamp: report.ntpTimestamp,
                            rtpTimestamp: report.rtpTimestamp &+ timestampDelta,
                            packetCount: UInt32(truncatingIfNeeded: packetsSent),
                            octetCount: UInt32(truncatingIfNeeded: octetsSent), reportBlocks: [])
    }

    /// Makes the next packet start a new run (after a pause or resume).
    func resetLayer() { currentLayer = nil }

    /// `transport` is the one the caller already loaded: reading the weak
    /// reference again would cost another trip through its side table.
    private func send(via transport: any MediaTransport, bytes: UnsafeRawBufferPointer, header: RTPHeader,
                      vp8: VP8PayloadDescriptor?, sequence: UInt16, timestamp: UInt32, retransmission: Bool) {
        let map = extensionMap
        // The copy has the original's layout, so the descriptor parsed from
        // the original tells where to rewrite picture ids.
        let outPictureID = vp8?.pictureID.map { ($0 &+ pictureIDDelta) & (vp8!.pictureIDIs15Bit ? 0x7FFF : 0x7F) }
        let outTL0 = vp8?.tl0PicIdx.map { $0 &+ tl0Delta }
        // The original's payload range: the copy may hold only the start of it.
        let payloadRange = header.payloadRange(packetLength: bytes.count)
        transport.sendRTP(copying: bytes, payloadOffset: header.payloadOffset) { p in
            RTPHeaderWriter.setSSRC(ssrc, in: p)
            RTPHeaderWriter.setSequenceNumber(sequence, in: p)
            RTPHeaderWriter.setTimestamp(timestamp, in: p)
            RTPHeaderWriter.remapExtensionIDs(in: p, header: header, map: map)
            if let d = vp8, outPictureID != nil || outTL0 != nil, payloadRange.lowerBound <= p.count {
                let payload = UnsafeMutableRawBufferPointer(
                    rebasing: p[payloadRange.lowerBound..<min(payloadRange.upperBound, p.count)])
                VP8PayloadDescriptor.rewrite(pictureID: outPictureID, tl0PicIdx: outTL0, in: payload, descriptor: d)
            }
        }
        if !retransmission {
            packetsSent += 1
            octetsSent += max(0, bytes.count - header.payloadOffset)
            if let outPictureID { lastOutPictureID = outPictureID }
            if let outTL0 { lastOutTL0 = outTL0 }
        }
    }
}
