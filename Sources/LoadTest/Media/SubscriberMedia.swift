import RTP
import SFU

/// Everything a simulated subscriber does with the media it receives:
/// per-stream statistics, one-way delay from abs-send-time, and the RTCP a
/// browser sends back (receiver reports, NACKs, PLIs). No sockets.
public struct SubscriberMedia: Sendable {
    /// What the subscribe offer said about one SSRC.
    public struct Track: Sendable, Equatable {
        public var mid: String
        public var isVideo: Bool
        public var clockRate: Double
        public var producerID: String
        /// The abs-send-time id on this m-line, 0 if none.
        public var absSendTimeID: UInt8
        /// The m-line offers generic NACK feedback (RFC 4585 §4.2).
        public var nack: Bool
        public init(mid: String, isVideo: Bool, clockRate: Double, producerID: String, absSendTimeID: UInt8,
                    nack: Bool = false) {
            self.mid = mid
            self.isVideo = isVideo
            self.clockRate = clockRate
            self.producerID = producerID
            self.absSendTimeID = absSendTimeID
            self.nack = nack
        }
    }

    public let feedbackSSRC: UInt32
    public private(set) var tracks: [UInt32: Track] = [:]
    public private(set) var streams: [UInt32: ReceiveStream] = [:]
    public private(set) var counters = MediaCounters()
    public private(set) var delays = LatencyHistogram()
    /// Packets whose SSRC no offer announced.
    public private(set) var unknownSSRCPackets = 0
    public private(set) var firstPacketAt: Double?
    var nextReportAt: Double?

    public init(feedbackSSRC: UInt32) {
        self.feedbackSSRC = feedbackSSRC
    }

    /// The tracks of the latest subscribe offer (active m-lines only).
    public mutating func setTracks(_ tracks: [UInt32: Track]) {
        self.tracks = tracks
    }

    /// Producers with at least one packet received.
    public var receivingProducers: Set<String> {
        Set(streams.keys.compactMap { ssrc in streams[ssrc]!.received > 0 ? tracks[ssrc]?.producerID : nil })
    }

    /// One unprotected RTP packet. `now` and `sendTime` are seconds on the
    /// monotonic clock and on the abs-send-time clock.
    public mutating func receive(_ packet: UnsafeRawBufferPointer, now: Double, sendTime: Double) {
        guard let header = try? RTPHeader(parsing: packet) else { return }
        guard let track = tracks[header.ssrc] else {
            unknownSSRCPackets += 1
            return
        }
        if firstPacketAt == nil { firstPacketAt = now }
        counters.packetsReceived += 1
        counters.bytesReceived += packet.count
        var keyframe = false
        if track.isVideo {
            let payload = UnsafeRawBufferPointer(rebasing: packet[header.payloadRange(packetLength: packet.count)])
            keyframe = (try? VP8PayloadDescriptor(parsing: payload))?.isKeyframe ?? false
        }
        // The stamp in the payload first: every SFU forwards payloads as they
        // are, while abs-send-time is forwarded by Parley but rewritten with
        // its own clock by Janus. abs-send-time for payloads without a stamp.
        if let sent = SendStamp.read(UnsafeRawBufferPointer(rebasing: packet[header.payloadRange(packetLength: packet.count)])) {
            delays.record(sendTime - sent)
        } else if track.absSendTimeID != 0, let range = header.extensionElement(id: track.absSendTimeID, in: packet),
                  let delay = RTPPacketBuilder.delay(fromAbsSendTime: packet[range], now: sendTime) {
            delays.record(delay)
        }
        var stream = streams[header.ssrc] ?? ReceiveStream(ssrc: header.ssrc, isVideo: track.isVideo, clockRate: track.clockRate,
                                                                 nacks: track.nack)
        let before = stream.duplicates
        stream.receive(sequenceNumber: header.sequenceNumber, timestamp: header.timestamp, arrival: now, keyframe: keyframe)
        counters.duplicatesReceived += stream.duplicates - before
        streams[header.ssrc] = stream
    }

    /// An SR forwarded by the SFU: kept for the LSR/DLSR of our reports.
    public mutating func handleRTCP(_ compound: UnsafeRawBufferPointer, now: Double) {
        var iterator = RTCPCompoundIterator(compound)
        while let view = iterator.next() {
            guard view.packetType == 200, let sr = try? SenderReport(parsing: view.bytes(in: compound)) else { continue }
            streams[sr.ssrc]?.senderReport(compactNTP: sr.compactNTP, at: now)
        }
    }

    /// The RTCP due at `now`, each element one compound packet: NACKs and
    /// PLIs as soon as needed (reduced size, RFC 5506), receiver reports
    /// once a second.
    public mutating func feedback(now: Double) -> [[UInt8]] {
        var out: [[UInt8]] = []
        for ssrc in streams.keys.sorted() {
            var stream = streams[ssrc]!
            let lost = stream.nackList(now: now)
            if !lost.isEmpty {
                var bytes: [UInt8] = []
                GenericNACK(senderSSRC: feedbackSSRC, mediaSSRC: ssrc, lostSequenceNumbers: lost).append(to: &bytes)
                out.append(bytes)
                counters.nacksSent += 1
            }
            if stream.wantsPLI(now: now) {
                var bytes: [UInt8] = []
                PictureLossIndication(senderSSRC: feedbackSSRC, mediaSSRC: ssrc).append(to: &bytes)
                out.append(bytes)
                counters.plisSent += 1
            }
            streams[ssrc] = stream
        }
        if nextReportAt == nil || now >= nextReportAt! {
            nextReportAt = now + 1
            var blocks: [ReportBlock] = []
            for ssrc in streams.keys.sorted() { blocks.append(streams[ssrc]!.reportBlock(now: now)) }
            if !blocks.isEmpty {
                var bytes: [UInt8] = []
                var start = 0
                while start < blocks.count {
                    let end = min(blocks.count, start + ReceiverReport.maxReportBlocks)
                    ReceiverReport(ssrc: feedbackSSRC, reportBlocks: Array(blocks[start..<end])).append(to: &bytes)
                    start = end
                }
                SourceDescription(chunks: [.init(ssrc: feedbackSSRC, cname: "loadtest")]).append(to: &bytes)
                out.append(bytes)
            }
        }
        return out
    }

    /// Counters with the loss figures of every stream folded in.
    public var totals: MediaCounters {
        var c = counters
        for stream in streams.values {
            c.packetsExpected += stream.expected
            c.packetsLost += stream.lost
            c.gapsSeen += stream.gaps
            if stream.isVideo {
                c.videoPacketsExpected += stream.expected
                c.videoPacketsLost += stream.lost
            }
        }
        return c
    }
}
