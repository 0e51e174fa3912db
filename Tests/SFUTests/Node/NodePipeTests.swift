import Foundation
import Logging
import NIOCore
import NIOPosix
import RTP
import SDP
import Synchronization
import Testing
@testable import SFU

/// A room that spans two nodes: two media nodes on two loopback addresses
/// (127.0.0.1 and 127.0.0.2), real UDP between their ports, SRTP-protected
/// pipe datagrams. The steps a cluster's control plane would carry between
/// the nodes are called here directly, in the same order.
@Suite(.timeLimit(.minutes(1)))
struct NodePipeTests {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    let opus = RTPCodecParameters(payloadType: 111, name: "opus", clockRate: 48000, channels: 2, fmtp: "minptime=10;useinbandfec=1")
    let vp8 = RTPCodecParameters(payloadType: 96, name: "VP8", clockRate: 90000, feedback: ["nack", "nack pli"])
    static let secret = [UInt8](repeating: 7, count: 32)

    typealias Collected = MediaPipeTests.Collected

    func makeNode(host: String, loop: Int) throws -> MediaNode {
        var logger = Logger(label: "node-pipe-test")
        logger.logLevel = .critical
        return try MediaNode(configuration: MediaConfiguration(host: host, port: 0, tcp: false),
                             eventLoop: Array(Self.group.makeIterator())[loop], logger: logger)
    }

    /// Two started nodes with pipes enabled (B with `secretB`, by default the same secret).
    func twoNodes(secretB: [UInt8] = NodePipeTests.secret) async throws -> (a: MediaNode, b: MediaNode) {
        let a = try makeNode(host: "127.0.0.1", loop: 0), b = try makeNode(host: "127.0.0.2", loop: 1)
        try await a.start()
        try await b.start()
        await a.enableNodePipes(secret: Self.secret)
        await b.enableNodePipes(secret: secretB)
        return (a, b)
    }

    /// A VP8 packet: a keyframe start when `keyframe`, else a delta frame.
    func videoPacket(sequence: UInt16, keyframe: Bool = false, ssrc: UInt32 = 0x5678) -> ByteBuffer {
        var bytes = [UInt8](repeating: 0, count: 12)
        bytes.withUnsafeMutableBytes {
            _ = RTPHeaderWriter.writeFixedHeader(marker: true, payloadType: 96, sequenceNumber: sequence,
                                                 timestamp: UInt32(sequence) * 3000, ssrc: ssrc, in: $0)
        }
        // VP8 payload descriptor (RFC 7741 §4.2): S=1, partition 0; then the
        // payload header, whose P bit is 0 for a keyframe (§4.3), with the
        // keyframe's start code and a 640×360 size.
        bytes += [0x10]
        bytes += keyframe ? [0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A, 0x80, 0x02, 0x68, 0x01] : [0x11, 0x02, 0x00]
        bytes += [UInt8](repeating: 0xCD, count: 200)
        return ByteBuffer(bytes: bytes)
    }

    func waitUntil(_ condition: () async -> Bool) async throws {
        for _ in 0..<300 where !(await condition()) { try await Task.sleep(for: .milliseconds(10)) }
    }

    /// Pipes `producers` of room "r" from `a` to the loop of `tap` on `b`, the
    /// three steps in order; returns the endpoint the copies arrive at.
    @discardableResult
    func pipe(_ producers: [String], from a: MediaNode, to b: MediaNode, tap: LocalTransportHandle) async throws -> NodePipeEndpoint {
        let endpoint = try await b.pipeEndpoint(forTransport: tap.id)
        let offers = try await a.offerPipes(routerID: "r", producerIDs: producers, to: endpoint)
        for offer in offers {
            // The control plane carries the offer as JSON.
            let carried = try JSONDecoder().decode(NodePipeOffer.self, from: JSONEncoder().encode(offer))
            try await b.acceptPipes(carried, routerID: "r", at: endpoint)
        }
        let gone = try await a.startPipes(routerID: "r", producerIDs: producers, to: endpoint)
        await b.dropCopies(routerID: "r", producerIDs: gone, at: endpoint)
        return endpoint
    }

    @Test("a producer on one node reaches two subscribers on another, crossing once, as SRTP datagrams")
    func producerCrossesNodes() async throws {
        let (a, b) = try await twoNodes()
        let phone = try await a.createLocalTransport(routerID: "r", sink: { _ in })
        let loopB = b.workers[0].eventLoop
        let first = Collected(loop: loopB), second = Collected(loop: loopB)
        let tap1 = try await b.createLocalTransport(routerID: "r", sink: first.sink)
        let tap2 = try await b.createLocalTransport(routerID: "r", sink: second.sink)
        let producer = try await a.produceLocal(transportID: phone.id, source: .microphone, codec: opus)
        try await pipe([producer.id], from: a, to: b, tap: tap1)
        #expect(await b.loopStatistics()[0].statistics.pipedProducers == 1)

        let s1 = try await b.subscribeLocal(transportID: tap1.id, producerIDs: [producer.id])
        let s2 = try await b.subscribeLocal(transportID: tap2.id, producerIDs: [producer.id])
        #expect(s1.map(\.producerID) == [producer.id] && s2.map(\.producerID) == [producer.id])
        phone.send((0..<20).map { (producer.id, MediaPipeTests().packet(sequence: UInt16($0))) })
        try await waitUntil { first.count >= 20 && second.count >= 20 }
        #expect(first.count == 20 && second.count == 20)
        #expect(first.packets.withLock { $0.allSatisfy { $0.ssrc == s1[0].ssrc && $0.onLoop } })
        let sent = try await a.workers[0].run { e in e.routers["r"]?.producers[producer.id]?.pipes.map(\.packetsSent) ?? [] }
        #expect(sent == [20], "one pipe to node B, each packet once")
        // The datagrams on the wire are SRTP: the payload is not the packets' bytes.
        let links = try await b.workers[0].run { e in e.nodeLinks.values.map(\.datagramsReceived) }
        #expect(links.count == 1 && links[0] >= 1)
        #expect(await b.droppedPackets().isEmpty)

        // A forged datagram with the link's SSRC and the next sequence number
        // (so not taken for a replay) but not its key: dropped and counted,
        // nothing forwarded.
        let inbound = try await b.workers[0].run { e in e.nodeLinks.values.first!.inboundSSRC }
        let next = try await a.workers[0].run { e in e.nodeLinks.values.first!.sequence &+ 1 }
        let stranger = try SocketAddress(ipAddress: "127.0.0.1", port: 9)
        try await b.workers[0].run { e in
            var forged = ByteBuffer(bytes: [0x80, 0x7F, UInt8(next >> 8), UInt8(next & 0xFF), 0, 0, 0, 0]
                                    + withUnsafeBytes(of: inbound.bigEndian, Array.init) + [UInt8](repeating: 0x42, count: 60))
            e.receive(&forged, from: stranger)
        }
        #expect(await b.droppedPackets()["pipe/authentication"] == 1)
        #expect(first.count == 20)
        await a.stop()
        await b.stop()
    }

    @Test("a node without the cluster's secret gets nothing it can read: its datagrams fail authentication")
    func wrongSecretIsRefused() async throws {
        let (a, b) = try await twoNodes(secretB: [UInt8](repeating: 9, count: 32))
        let phone = try await a.createLocalTransport(routerID: "r", sink: { _ in })
        let heard = Collected(loop: b.workers[0].eventLoop)
        let tap = try await b.createLocalTransport(routerID: "r", sink: heard.sink)
        let producer = try await a.produceLocal(transportID: phone.id, source: .microphone, codec: opus)
        try await pipe([producer.id], from: a, to: b, tap: tap)
        try await b.subscribeLocal(transportID: tap.id, producerIDs: [producer.id])
        phone.send((0..<5).map { (producer.id, MediaPipeTests().packet(sequence: UInt16($0))) })
        try await waitUntil { (await b.droppedPackets()["rtp/unknown_peer"] ?? 0) >= 1 }
        try await Task.sleep(for: .milliseconds(100))
        #expect(heard.count == 0)
        // Derived with another secret, the keys give another SSRC too: the
        // datagrams are strangers' RTP to node B, dropped and counted.
        #expect((await b.droppedPackets()["rtp/unknown_peer"] ?? 0) >= 1)
        await a.stop()
        await b.stop()
    }

    @Test("video lost between the nodes is asked for again and repaired from the origin's cache; keyframe requests cross back")
    func lossIsRepairedAcrossNodes() async throws {
        let (a, b) = try await twoNodes()
        let camera = try await a.createLocalTransport(routerID: "r", sink: { _ in })
        let heard = Collected(loop: b.workers[0].eventLoop)
        let tap = try await b.createLocalTransport(routerID: "r", sink: heard.sink)
        let producer = try await a.produceLocal(transportID: camera.id, source: .camera, codec: vp8)
        try await pipe([producer.id], from: a, to: b, tap: tap)
        try await b.subscribeLocal(transportID: tap.id, producerIDs: [producer.id])
        let requests = { try await a.workers[0].run { e in e.localTransports[camera.id]?.keyframeRequestsReceived ?? 0 } }

        // The link loses datagrams 3 and 4 (packets 2 and 3: one per flush below).
        try await a.workers[0].run { e in
            for link in e.nodeLinks.values { link.dropsOutgoing = { $0 == 3 || $0 == 4 } }
        }
        for i in 0..<8 {
            camera.send([(producer.id, videoPacket(sequence: UInt16(100 + i), keyframe: i == 0))])
            try await Task.sleep(for: .milliseconds(5))
        }
        try await waitUntil { heard.count >= 8 }
        #expect(heard.count == 8, "lost packets were not repaired")
        let resent = try await a.workers[0].run { e in e.routers["r"]?.producers[producer.id]?.pipes.map(\.packetsResent) ?? [] }
        #expect(resent == [2])

        // A subscriber's keyframe request crosses back to the publisher.
        let before = try await requests()
        try await Task.sleep(for: .milliseconds(600))  // past the origin's throttle
        tap.requestKeyframe(producerID: producer.id)
        try await waitUntil { ((try? await requests()) ?? 0) > before }
        #expect(try await requests() > before)
        await a.stop()
        await b.stop()
    }

    @Test("when the publisher leaves, its copy on the other node goes, and a dropped link closes what it fed")
    func closingCrossesNodes() async throws {
        let (a, b) = try await twoNodes()
        let phone = try await a.createLocalTransport(routerID: "r", sink: { _ in })
        let tap = try await b.createLocalTransport(routerID: "r", sink: { _ in })
        let mic = try await a.produceLocal(transportID: phone.id, source: .microphone, codec: opus)
        let camera = try await a.produceLocal(transportID: phone.id, source: .camera, codec: vp8)
        try await pipe([mic.id, camera.id], from: a, to: b, tap: tap)
        #expect(try await b.subscribeLocal(transportID: tap.id, producerIDs: [mic.id, camera.id]).count == 2)
        await a.closeTransport(phone.id)
        try await waitUntil { await b.loopStatistics()[0].statistics.pipedProducers == 0 }
        #expect(await b.loopStatistics()[0].statistics.pipedProducers == 0)
        #expect(try await b.subscribeLocal(transportID: tap.id, producerIDs: [mic.id, camera.id]).isEmpty)

        // A node that goes away: its links are dropped, and what they fed with them.
        let phone2 = try await a.createLocalTransport(routerID: "r", sink: { _ in })
        let mic2 = try await a.produceLocal(transportID: phone2.id, source: .microphone, codec: opus)
        try await pipe([mic2.id], from: a, to: b, tap: tap)
        #expect(await b.loopStatistics()[0].statistics.pipedProducers == 1)
        await b.dropPipes(toNodeAt: "127.0.0.1")
        #expect(await b.loopStatistics()[0].statistics.pipedProducers == 0)
        await a.stop()
        await b.stop()
    }

    @Test("a restarted node has a new epoch, so new keys: the old link is replaced, never reused")
    func restartedPeerGetsNewKeys() async throws {
        let a = NodePipeEndpoint(host: "127.0.0.1", port: 40000, epoch: 1)
        let b = NodePipeEndpoint(host: "127.0.0.2", port: 40000, epoch: 1)
        let restarted = NodePipeEndpoint(host: "127.0.0.2", port: 40000, epoch: 2)
        let ab = NodePipeKeys(secret: Self.secret, from: a, to: b)
        #expect(ab.keyAndSalt.count == 28)
        #expect(ab != NodePipeKeys(secret: Self.secret, from: b, to: a), "both directions share a key")
        #expect(ab != NodePipeKeys(secret: Self.secret, from: a, to: restarted), "a restarted peer reuses keys")
        #expect(ab == NodePipeKeys(secret: Self.secret, from: a, to: b), "the two nodes would not agree")
        #expect(ab != NodePipeKeys(secret: [UInt8](repeating: 1, count: 32), from: a, to: b))

        let node = try makeNode(host: "127.0.0.1", loop: 0)
        try await node.start()
        await node.enableNodePipes(secret: Self.secret)
        let count = try await node.workers[0].run { e -> Int in
            _ = try e.nodeLink(to: b)
            _ = try e.nodeLink(to: restarted)
            return e.nodeLinks.count + e.nodeLinksBySSRC.count
        }
        #expect(count == 2, "the link of the peer's earlier life was kept")
        await node.stop()
    }

    @Test("other nodes reach this node's pipes at media.pipe_address, else the media host, else the public address")
    func pipeAddress() {
        var c = MediaConfiguration(host: "127.0.0.2", port: 0)
        #expect(c.resolvedPipeAddress == "127.0.0.2")
        c = MediaConfiguration(host: "0.0.0.0", port: 0, publicAddress: "203.0.113.7")
        #expect(c.resolvedPipeAddress == "203.0.113.7")
        c.pipeAddress = "10.0.0.5"
        #expect(c.resolvedPipeAddress == "10.0.0.5")
    }

    @Test("a node without pipes enabled refuses to offer or accept them")
    func pipesNeedTheSecret() async throws {
        let node = try makeNode(host: "127.0.0.1", loop: 0)
        try await node.start()
        let phone = try await node.createLocalTransport(routerID: "r", sink: { _ in })
        let mic = try await node.produceLocal(transportID: phone.id, source: .microphone, codec: opus)
        let peer = NodePipeEndpoint(host: "127.0.0.2", port: 40000, epoch: 1)
        await #expect(throws: MediaError.self) {
            _ = try await node.offerPipes(routerID: "r", producerIDs: [mic.id], to: peer)
        }
        await node.stop()
    }
}
