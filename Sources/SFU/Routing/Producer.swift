import NIOCore
import RTP
import SDP

/// An incoming track: what one participant publishes from one source
/// (mediasoup's vocabulary). It keeps the recent packets of each layer for
/// retransmissions and fans each packet out to its consumers.
final class Producer {
    let id: String
    let source: MediaSource
    let kind: MediaKind
    let codec: RTPCodecParameters
    let rtxPayloadType: UInt8?
    let mid: String
    /// The publishing transport (owns this producer; weak to avoid a cycle).
    weak var transport: (any MediaTransport)?
    weak var router: Router?
    let layers: [ProducerLayer]
    var consumers: [Consumer] = []
    /// Pipes to the room's routers on other loops that have subscribers of
    /// it: each gets every packet once, whatever the subscribers there.
    var pipes: [ProducerPipe] = []
    /// A copy of a producer on another loop, fed by a pipe (its transport is
    /// the pipe's receiving end).
    var isPipedCopy: Bool { transport is PipeTransport }
    /// Paused by its owner (muted) or a host: nothing is forwarded.
    var paused = false
    let isVP8: Bool
    let isH264: Bool

    /// Audio level (RFC 6464) of the current speaker-detection window.
    var levelSum = 0
    var levelCount = 0

    init(id: String, source: MediaSource, track: PublishedTrack, router: Router, transport: any MediaTransport) {
        self.id = id
        self.source = source
        self.kind = track.kind
        self.codec = track.codec
        self.rtxPayloadType = track.rtxPayloadType
        self.mid = track.mid
        self.router = router
        self.transport = transport
        let name = track.codec.name.uppercased()
        self.isVP8 = name == "VP8"
        self.isH264 = name == "H264"
        if track.rids.isEmpty {
            layers = [ProducerLayer(index: 0, rid: nil, ssrc: track.ssrc, rtxSSRC: track.rtxSSRC)]
        } else {
            layers = Producer.orderedRIDs(track.rids).enumerated().map { ProducerLayer(index: $0.offset, rid: $0.element, ssrc: nil, rtxSSRC: nil) }
        }
    }

    /// Simulcast layers lowest first. Parley's client names them q, h, f
    /// (quarter, half, full), as most WebRTC apps do; other names keep the
    /// order of `a=simulcast`, which the client lists lowest first.
    static func orderedRIDs(_ rids: [String]) -> [String] {
        let rank = ["q": 0, "l": 0, "low": 0, "h": 1, "m": 1, "mid": 1, "f": 2, "high": 2, "full": 2]
        guard rids.allSatisfy({ rank[$0.lowercased()] != nil }) else { return rids }
        return rids.sorted { rank[$0.lowercased()]! < rank[$1.lowercased()]! }
    }

    func layer(rid: String) -> ProducerLayer? { layers.first { $0.rid == rid } }

    /// What a video payload says: its VP8 descriptor (parsed here once per
    /// packet, then shared by every consumer) and whether it starts a
    /// keyframe (RFC 7741 §4.3, RFC 6184).
    func inspect(_ bytes: UnsafeRawBufferPointer, header: RTPHeader) -> (vp8: VP8PayloadDescriptor?, keyframe: Bool) {
        guard kind == .video else { return (nil, false) }
        let payload = UnsafeRawBufferPointer(rebasing: bytes[header.payloadRange(packetLength: bytes.count)])
        if isVP8 {
            let d = try? VP8PayloadDescriptor(parsing: payload)
            return (d, d?.isKeyframe ?? false)
        }
        return (nil, isH264 && H264Payload.isKeyframe(payload))
    }

    /// One packet of `layer`, already decrypted, header parsed.
    func receive(_ packet: ByteBuffer, bytes: UnsafeRawBufferPointer, header: RTPHeader, layer: ProducerLayer,
                 extendedSequence: Int64, audioLevelID: UInt8?, now: NIODeadline) {
        layer.lastPacketAt = now
        layer.countBytes(bytes.count, now: now)
        var picture: (vp8: VP8PayloadDescriptor?, keyframe: Bool) = (nil, false)
        if kind == .video {
            layer.cache.store(packet, sequence: header.sequenceNumber, now: now)
            picture = inspect(bytes, header: header)
            if picture.keyframe {
                layer.lastKeyframeAt = now
                if let d = picture.vp8, let w = d.width, let h = d.height, w > 0 { layer.width = Int(w); layer.height = Int(h) }
            }
        } else if let id = audioLevelID, let range = header.extensionElement(id: id, in: bytes),
                  let level = AudioLevel(element: UnsafeRawBufferPointer(rebasing: bytes[range])) {
            if !paused {
                levelSum += Int(level.level)
                levelCount += 1
            }
        }
        guard !paused else { return }
        for pipe in pipes { pipe.forward(packet, layer: layer.index, extendedSequence: extendedSequence) }
        for consumer in consumers {
            consumer.forward(packet, bytes: bytes, header: header, layer: layer.index,
                             extendedSequence: extendedSequence, keyframe: picture.keyframe, vp8: picture.vp8, now: now)
        }
    }

    /// The worst loss a subscriber reported for this producer in the last
    /// `reportsKeptFor` (fraction lost in 256ths), nil when none reported.
    /// Copies piped to other loops or nodes report to their own side.
    func downstreamLoss(now: NIODeadline) -> UInt8? {
        var worst: UInt8?
        for consumer in consumers {
            guard let report = consumer.reportedLoss, now - report.at < Self.reportsKeptFor else { continue }
            worst = max(worst ?? 0, report.fraction)
        }
        return worst
    }

    /// How long a subscriber's receiver report counts (browsers send one every 1-5 s).
    static let reportsKeptFor: TimeAmount = .seconds(6)

    /// The publisher's sender report for `layer`, passed on to every
    /// subscriber translated to its stream (RFC 3550 §7.2), and down each pipe.
    func passOn(_ report: SenderReport, layer: Int) {
        for consumer in consumers {
            guard let translated = consumer.translatedSenderReport(report, layer: layer) else { continue }
            var out: [UInt8] = []
            translated.append(to: &out)
            consumer.transport?.sendRTCP(out)
        }
        for pipe in pipes { pipe.passOn(report, layer: layer) }
    }

    /// What a pipe's far side needs to make a copy of this producer.
    func pipedDescription() -> PipedProducer {
        let track = PublishedTrack(mid: mid, kind: kind, codec: codec, rtxPayloadType: rtxPayloadType,
                                   ssrc: layers.count == 1 ? layers[0].ssrc : nil,
                                   rids: layers.count > 1 ? layers.compactMap(\.rid) : [])
        return PipedProducer(id: id, source: source, track: track,
                             extensionIDs: transport?.extensionIDs ?? PublishExtensionIDs(), paused: paused)
    }

    /// Asks the publisher for a keyframe on `layer`, at most every 500 ms
    /// (RFC 4585 §6.3.1 PLI; throttled so many consumers joining at once cost
    /// one keyframe, not one each).
    /// `urgent` (a subscriber's transport just came up: the keyframe sent for
    /// an earlier request may have gone out before it could receive) shortens
    /// the throttle to 100 ms.
    func requestKeyframe(layer index: Int, now: NIODeadline, urgent: Bool = false) {
        guard kind == .video, layers.indices.contains(index) else { return }
        let layer = layers[index]
        let interval: TimeAmount = urgent ? .milliseconds(100) : .milliseconds(500)
        if let last = layer.lastKeyframeRequestAt, now - last < interval { return }
        guard let ssrc = layer.ssrc else { return }
        layer.lastKeyframeRequestAt = now
        transport?.sendPictureLossIndication(mediaSSRC: ssrc)
    }
}
