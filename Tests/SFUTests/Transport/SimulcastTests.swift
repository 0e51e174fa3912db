import Foundation
import NIOCore
import RTP
import SDP
import Testing
@testable import SFU

/// A subscriber gets one simulcast layer at a time, chosen by its tile size,
/// and moves to another only on that layer's keyframe, with no gap or jump
/// in its sequence numbers.
@Suite struct SimulcastTests {
    @Test func switchesLayersOnKeyframesKeepingOneContinuousStream() throws {
        let h = try MediaEngineTests.Harness()
        h.publish = try h.engine.createTransport(routerID: "room", role: .publish)
        let result = try h.publish.applyPublishOffer(simulcastOffer(peer: h.alice), sources: ["0": .camera], makeID: { "cam" })
        let answer = try SessionDescription(parsing: result.answer)
        #expect(answer.media[0].simulcast?.recv.count == 3)
        try h.alice.connect(to: h.engine, channel: h.channel, serverUfrag: answer.media[0].iceUfrag!,
                            serverPassword: answer.media[0].icePassword!, serverFingerprint: h.engine.localFingerprint.value)
        h.subscribe = try h.engine.createTransport(routerID: "room", role: .subscribe)
        let producer = try #require(h.publish.producersByMid["0"])
        let update = try #require(h.subscribe.updateSubscriptions(to: [producer], makeID: { "c" }))
        try h.subscribe.applySubscribeAnswer(try subscribeAnswer(to: update.offer, peer: h.bob), now: .now())
        let offer = try SessionDescription(parsing: update.offer)
        try h.bob.connect(to: h.engine, channel: h.channel, serverUfrag: offer.media[0].iceUfrag!,
                          serverPassword: offer.media[0].icePassword!, serverFingerprint: h.engine.localFingerprint.value)

        let sizes: [(UInt16, UInt16)] = [(320, 180), (640, 360), (1280, 720)]
        let ssrcs: [UInt32] = [0xA0, 0xB0, 0xC0]
        let rids = ["q", "h", "f"]
        var seq: [UInt16] = [100, 5000, 30000]
        var ts: UInt32 = 90_000
        var picture: UInt16 = 1
        /// One frame (two packets) on every layer; keyframes on `keyLayers`.
        /// Each layer numbers its pictures on its own (as a browser's
        /// encoders do): layer n's are 1,000 × n ahead.
        func frame(keyLayers: Set<Int>) throws {
            for layer in 0..<3 {
                let id = picture &+ UInt16(layer) * 1000
                for part in 0..<2 {
                    let key = keyLayers.contains(layer) && part == 0
                    let payload = part == 0
                        ? vp8Payload(pictureID: id, keyframe: key, width: sizes[layer].0, height: sizes[layer].1)
                        : [0x80, 0x80, 0x80 | UInt8(id >> 8), UInt8(id & 0xFF)] + [UInt8](repeating: 0x5A, count: 100)
                    try h.alice.sendRTP(rtpPacket(pt: 96, seq: seq[layer], ts: ts, ssrc: ssrcs[layer], marker: part == 1,
                                                  extensions: [(4, Array("0".utf8)), (10, Array(rids[layer].utf8))],
                                                  payload: payload), to: h.engine)
                    seq[layer] &+= 1
                }
            }
            ts &+= 3000
            picture &+= 1
        }

        // Keyframes everywhere: the consumer takes the top layer (no size known yet).
        try frame(keyLayers: [0, 1, 2])
        var got = try h.bobRTP()
        #expect(got.count == 2)
        #expect(got.first.map { keyframeWidth($0.bytes) } == 1280)   // the top layer's keyframe
        #expect(producer.layers.map(\.height) == [180, 360, 720])
        var last = try #require(got.last)

        // The tile shrinks to 320x180: the target drops to layer 0 but
        // nothing changes until layer 0's keyframe arrives.
        let consumer = try #require(h.subscribe.consumersByMid.values.first)
        consumer.preferredSize = (320, 180)
        h.subscribe.chooseLayers(now: .now())
        #expect(consumer.targetLayer == 0)
        try frame(keyLayers: [])
        got = try h.bobRTP()
        #expect(got.count == 2)   // still the top layer
        #expect(got[0].header.sequenceNumber == last.header.sequenceNumber &+ 1)
        last = got[1]
        try frame(keyLayers: [0])
        got = try h.bobRTP()
        #expect(got.count == 2)   // now layer 0, from its keyframe on
        #expect(keyframeWidth(got[0].bytes) == 320)
        #expect(got[0].header.sequenceNumber == last.header.sequenceNumber &+ 1)
        #expect(got[0].header.timestamp &- last.header.timestamp < 90_000)   // no jump backwards or far ahead
        // Picture ids go on from the top layer's (rewritten in the copy
        // sent), and the payload after the descriptor arrives intact.
        #expect(pictureID(got[0].bytes) == pictureID(last.bytes).map { $0 &+ 1 })
        #expect(pictureID(got[1].bytes) == pictureID(got[0].bytes))
        #expect(got[1].bytes.suffix(100) == ArraySlice([UInt8](repeating: 0x5A, count: 100)))
        #expect(got.allSatisfy { $0.header.ssrc == consumer.ssrc })
        // A late packet of layer 0 from before its keyframe (a repair, or
        // reordered) would reuse a sequence number the top layer already
        // used: it is not forwarded.
        try h.alice.sendRTP(rtpPacket(pt: 96, seq: seq[0] &- 3, ts: ts &- 6000, ssrc: ssrcs[0], marker: true,
                                      extensions: [(4, Array("0".utf8)), (10, Array(rids[0].utf8))],
                                      payload: [0x80, 0x80, 0x80, 0x01] + [UInt8](repeating: 0x5A, count: 100)), to: h.engine)
        #expect(try h.bobRTP().isEmpty, "a packet from before the switch was forwarded under a used sequence number")
        // The MID and RID of the publisher are not passed on (blanked as padding).
        let view = got[0].bytes
        view.withUnsafeBytes { b in
            let header = try! RTPHeader(parsing: b)
            #expect(header.extensionElement(id: 4, in: b) == nil && header.extensionElement(id: 10, in: b) == nil)
        }
    }
}

extension SimulcastTests {
    /// The recorder (a local transport) takes the best layer the publisher
    /// actually sends — a browser whose camera cannot fill the top layer never
    /// sends it — and starts on the first keyframe of any layer.
    @Test func aLocalConsumerTakesTheBestLayerSentAndStartsOnAnyKeyframe() throws {
        let h = try MediaEngineTests.Harness()
        h.publish = try h.engine.createTransport(routerID: "room", role: .publish)
        let result = try h.publish.applyPublishOffer(simulcastOffer(peer: h.alice), sources: ["0": .camera], makeID: { "cam" })
        let answer = try SessionDescription(parsing: result.answer)
        try h.alice.connect(to: h.engine, channel: h.channel, serverUfrag: answer.media[0].iceUfrag!,
                            serverPassword: answer.media[0].icePassword!, serverFingerprint: h.engine.localFingerprint.value)
        let producer = try #require(h.publish.producersByMid["0"])
        let received = ReceivedPackets()
        let local = h.engine.createLocalTransport(routerID: "room", sink: { received.append($0) })

        let sizes: [(UInt16, UInt16)] = [(160, 90), (320, 180), (640, 360)]
        let ssrcs: [UInt32] = [0xA0, 0xB0, 0xC0]
        let rids = ["q", "h", "f"]
        var seq: [UInt16] = [100, 5000, 30000]
        var ts: UInt32 = 90_000
        var picture: UInt16 = 1
        /// One single-packet frame on layers 0 and 1 only; keyframes on `keyLayers`.
        func frame(keyLayers: Set<Int>) throws {
            for layer in 0..<2 {
                let payload = vp8Payload(pictureID: picture, keyframe: keyLayers.contains(layer),
                                         width: sizes[layer].0, height: sizes[layer].1)
                try h.alice.sendRTP(rtpPacket(pt: 96, seq: seq[layer], ts: ts, ssrc: ssrcs[layer], marker: true,
                                              extensions: [(4, Array("0".utf8)), (10, Array(rids[layer].utf8))],
                                              payload: payload), to: h.engine)
                seq[layer] &+= 1
            }
            ts &+= 3000
            picture &+= 1
        }
        try frame(keyLayers: [])   // the layers are seen, no keyframe yet
        _ = local.updateSubscriptions(to: [producer], makeID: { "rec" })
        let consumer = try #require(local.consumersByProducer[producer.id])
        #expect(consumer.targetLayer == 1, "the top layer is not sent: the best one that is")
        try frame(keyLayers: [0])
        #expect(received.packets.compactMap { keyframeWidth($0) } == [160], "a picture from the first keyframe")
        try frame(keyLayers: [1])
        #expect(received.packets.compactMap { keyframeWidth($0) } == [160, 320], "then the target's size")
        #expect(received.packets.count == 3)
    }
}

/// Packets a local transport's sink received, as bytes.
final class ReceivedPackets: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [[UInt8]] = []
    var packets: [[UInt8]] { lock.withLock { stored } }
    func append(_ packet: LocalMediaPacket) {
        guard !packet.isRTCP else { return }
        lock.withLock { stored.append(Array(packet.bytes.readableBytesView)) }
    }
}

/// The width in a forwarded VP8 keyframe's header (RFC 6386 §9.1), nil for other packets.
func pictureID(_ packet: [UInt8]) -> UInt16? {
    packet.withUnsafeBytes { b -> UInt16? in
        guard let header = try? RTPHeader(parsing: b) else { return nil }
        return (try? VP8PayloadDescriptor(parsing: UnsafeRawBufferPointer(rebasing: b[header.payloadRange(packetLength: b.count)])))?
            .pictureID
    }
}

func keyframeWidth(_ packet: [UInt8]) -> Int? {
    packet.withUnsafeBytes { b -> Int? in
        guard let header = try? RTPHeader(parsing: b) else { return nil }
        let payload = UnsafeRawBufferPointer(rebasing: b[header.payloadRange(packetLength: b.count)])
        guard let d = try? VP8PayloadDescriptor(parsing: payload), d.isKeyframe else { return nil }
        return d.width.map(Int.init)
    }
}
