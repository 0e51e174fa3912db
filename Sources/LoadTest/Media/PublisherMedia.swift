import RTP
import SFU

/// Everything a simulated publisher sends on its publish connection:
/// synthetic Opus and simulcast VP8 on their clocks, sender reports, and
/// answers to the SFU's feedback (NACK from the send history, keyframes on
/// PLI/FIR). No sockets: the transport asks it for packets and hands it RTCP.
public struct PublisherMedia: Sendable {
    public var audio: OpusSource?
    public var video: VP8SimulcastSource?
    public var history = SendHistory()
    public private(set) var counters = MediaCounters()
    /// The SSRC our RTCP feedback and reports are sent from.
    public let feedbackSSRC: UInt32
    var nextAudioAt: ContinuousClock.Instant?
    var nextVideoAt: ContinuousClock.Instant?
    var nextReportAt: ContinuousClock.Instant?
    /// Per SSRC: packets and payload octets sent and the last RTP timestamp,
    /// for sender reports (RFC 3550 §6.4.1).
    var sent: [UInt32: (packets: UInt32, octets: UInt32, timestamp: UInt32)] = [:]

    public init(audio: OpusSource?, video: VP8SimulcastSource?, feedbackSSRC: UInt32) {
        self.audio = audio
        self.video = video
        self.feedbackSSRC = feedbackSSRC
    }

    /// The RTP packets due at `now` (a 20 ms audio frame, a 33 ms video
    /// frame), recorded for NACKs. A caller that falls far behind skips
    /// frames rather than bursting them.
    public mutating func due(now: ContinuousClock.Instant, sendTime: Double) -> [[UInt8]] {
        var packets: [[UInt8]] = []
        if audio != nil {
            let next = nextAudioAt ?? now
            if now >= next {
                packets.append(audio!.nextPacket(sendTime: sendTime))
                nextAudioAt = next.duration(to: now) > .milliseconds(200) ? now + OpusSource.frameInterval
                                                                          : next + OpusSource.frameInterval
            }
        }
        if video != nil {
            let next = nextVideoAt ?? now
            if now >= next {
                let before = video!.keyframesSent
                packets += video!.nextFrame(sendTime: sendTime)
                counters.keyframesSent += video!.keyframesSent - before
                nextVideoAt = next.duration(to: now) > .milliseconds(200) ? now + VP8SimulcastSource.frameInterval
                                                                          : next + VP8SimulcastSource.frameInterval
            }
        }
        for packet in packets { account(packet) }
        return packets
    }

    /// The earliest instant something is due.
    public var nextDeadline: ContinuousClock.Instant? {
        [nextAudioAt, nextVideoAt].compactMap { $0 }.min()
    }

    mutating func account(_ packet: [UInt8]) {
        history.record(packet)
        let length = packet.count - SRTPSession.maximumOverhead
        counters.packetsSent += 1
        counters.bytesSent += length
        let ssrc = UInt32(packet[8]) << 24 | UInt32(packet[9]) << 16 | UInt32(packet[10]) << 8 | UInt32(packet[11])
        let timestamp = UInt32(packet[4]) << 24 | UInt32(packet[5]) << 16 | UInt32(packet[6]) << 8 | UInt32(packet[7])
        var entry = sent[ssrc] ?? (0, 0, 0)
        entry.packets &+= 1
        entry.octets &+= UInt32(truncatingIfNeeded: max(0, length - 12))
        entry.timestamp = timestamp
        sent[ssrc] = entry
    }

    /// One RTCP compound packet from the SFU (already unprotected): NACKs
    /// are answered with retransmissions (returned, ready for SRTP), PLI and
    /// FIR make the next frame of that layer a keyframe.
    public mutating func handleRTCP(_ compound: UnsafeRawBufferPointer, sendTime: Double) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var iterator = RTCPCompoundIterator(compound)
        while let view = iterator.next() {
            let bytes = view.bytes(in: compound)
            switch (view.packetType, view.count) {
            case (205, 1):  // generic NACK, RFC 4585 §6.2.1
                guard let nack = try? GenericNACK(parsing: bytes) else { continue }
                counters.nacksReceived += 1
                counters.nackedPacketsReceived += nack.lostSequenceNumbers.count
                for sequence in nack.lostSequenceNumbers {
                    if let packet = retransmission(ssrc: nack.mediaSSRC, sequenceNumber: sequence, sendTime: sendTime) {
                        out.append(packet)
                    }
                }
            case (206, 1):  // PLI, RFC 4585 §6.3.1
                guard let pli = try? PictureLossIndication(parsing: bytes) else { continue }
                counters.plisReceived += 1
                video?.requestKeyframe(ssrc: pli.mediaSSRC)
            case (206, 4):  // FIR, RFC 5104 §4.3.1
                guard let fir = try? FullIntraRequest(parsing: bytes) else { continue }
                counters.firsReceived += 1
                for entry in fir.entries { video?.requestKeyframe(ssrc: entry.ssrc) }
            default:
                continue
            }
        }
        counters.retransmissionsSent += out.count
        counters.packetsSent += out.count
        counters.bytesSent += out.reduce(0) { $0 + $1.count - SRTPSession.maximumOverhead }
        return out
    }

    /// RTX for video when negotiated (RFC 4588), else the packet again as it
    /// was (RFC 4585 §3.1 leaves the repair to the sender).
    mutating func retransmission(ssrc: UInt32, sequenceNumber: UInt16, sendTime: Double) -> [UInt8]? {
        guard let original = history.packet(ssrc: ssrc, sequenceNumber: sequenceNumber) else { return nil }
        if var video, let index = video.layerIndex(ssrc: ssrc), let rtxPT = video.rtxPayloadType {
            let layer = video.layers[index]
            let packet = SendHistory.rtxPacket(repairing: original, payloadType: rtxPT, ssrc: layer.rtxSSRC,
                                               sequenceNumber: layer.rtxSequenceNumber, mid: video.mid, rid: layer.rid,
                                               ids: video.ids, sendTime: sendTime)
            video.advanceRTXSequence(layer: index)
            self.video = video
            return packet
        }
        return original + [UInt8](repeating: 0, count: SRTPSession.maximumOverhead)
    }

    /// Sender reports for every stream, once a second (RFC 3550 §6.2 with
    /// the minimum interval reduced as RFC 8108 allows); nil when not due.
    public mutating func senderReports(now: ContinuousClock.Instant, ntp: UInt64) -> [UInt8]? {
        if let next = nextReportAt, now < next { return nil }
        nextReportAt = now + .seconds(1)
        guard !sent.isEmpty else { return nil }
        var bytes: [UInt8] = []
        for (ssrc, s) in sent.sorted(by: { $0.key < $1.key }) {
            SenderReport(ssrc: ssrc, ntpTimestamp: ntp, rtpTimestamp: s.timestamp, packetCount: s.packets,
                         octetCount: s.octets).append(to: &bytes)
        }
        return bytes
    }
}

extension VP8SimulcastSource {
    mutating func advanceRTXSequence(layer index: Int) {
        layers[index].rtxSequenceNumber &+= 1
    }
}
