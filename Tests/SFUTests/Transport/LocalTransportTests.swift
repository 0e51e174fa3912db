import Logging
import NIOCore
import NIOPosix
import RTP
import SDP
import SFU
import Synchronization
import Testing

/// In-process transports (phone gateway, recorder): packets fed in one end
/// reach another local transport's sink rewritten like any consumer's.
@Suite struct LocalTransportTests {
    final class Collected: Sendable {
        let packets = Mutex<[LocalMediaPacket]>([])
        var sink: LocalMediaSink { { p in self.packets.withLock { $0.append(p) } } }
        var count: Int { packets.withLock { $0.count } }
    }

    let opus = RTPCodecParameters(payloadType: 111, name: "opus", clockRate: 48000, channels: 2, fmtp: "minptime=10;useinbandfec=1")

    func makeNode() throws -> MediaNode {
        var logger = Logger(label: "local-test")
        logger.logLevel = .critical
        return try MediaNode(configuration: MediaConfiguration(host: "127.0.0.1", port: 0),
                             eventLoop: MultiThreadedEventLoopGroup.singleton.next(), logger: logger)
    }

    func packet(sequence: UInt16, timestamp: UInt32, ssrc: UInt32 = 0x1234, level: UInt8 = 30) -> ByteBuffer {
        // Fixed header, one-byte extension block (RFC 8285 §4.2) with the audio level, 10 payload bytes.
        var bytes = [UInt8](repeating: 0, count: 12)
        bytes.withUnsafeMutableBytes { _ = RTPHeaderWriter.writeFixedHeader(marker: false, payloadType: 111, sequenceNumber: sequence, timestamp: timestamp, ssrc: ssrc, in: $0) }
        bytes[0] |= 0x10
        bytes += [0xBE, 0xDE, 0, 1, 0x10, AudioLevel(voiceActivity: true, level: level).byte, 0, 0]
        bytes += [UInt8](repeating: 0xAB, count: 10)
        return ByteBuffer(bytes: bytes)
    }

    func settle() async throws { try await Task.sleep(for: .milliseconds(50)) }

    /// Waits (up to 3 s) for what the media loop delivers: the loop is shared
    /// with the other suites running at once, so a fixed pause is not enough.
    func until(_ condition: () -> Bool) async throws {
        for _ in 0..<300 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
    }

    @Test func packetsReachAnotherLocalTransportRewritten() async throws {
        let node = try makeNode()
        let received = Collected()
        let phone = try await node.createLocalTransport(routerID: "room", sink: { _ in })
        let tap = try await node.createLocalTransport(routerID: "room", sink: received.sink)
        let producer = try await node.produceLocal(transportID: phone.id, source: .microphone, codec: opus)
        #expect(producer.kind == "audio")
        let subs = try await node.subscribeLocal(transportID: tap.id, producerIDs: [producer.id])
        #expect(subs.map(\.producerID) == [producer.id])
        #expect(subs.first?.codec.name == "opus")
        phone.send((0..<5).map { (producer.id, packet(sequence: 65533 &+ UInt16($0), timestamp: UInt32($0) * 960)) })
        try await until { received.count >= 5 }
        let packets = received.packets.withLock { $0 }
        #expect(packets.count == 5)
        var previous: UInt16?
        for p in packets {
            #expect(p.producerID == producer.id)
            #expect(!p.isRTCP)
            try p.bytes.withUnsafeReadableBytes { bytes in
                let header = try RTPHeader(parsing: bytes)
                #expect(header.ssrc == subs[0].ssrc)
                if let previous { #expect(header.sequenceNumber == previous &+ 1) }
                previous = header.sequenceNumber
                // The level element keeps its meaning under the subscriber's id.
                let element = try #require(header.extensionElement(id: 1, in: bytes))
                #expect(AudioLevel(element: UnsafeRawBufferPointer(rebasing: bytes[element]))?.level == 30)
            }
        }
    }

    @Test func aTransportNeverConsumesItsOwnProducer() async throws {
        let node = try makeNode()
        let received = Collected()
        let phone = try await node.createLocalTransport(routerID: "room", sink: received.sink)
        let producer = try await node.produceLocal(transportID: phone.id, source: .microphone, codec: opus)
        let subs = try await node.subscribeLocal(transportID: phone.id, producerIDs: [producer.id])
        #expect(subs.isEmpty)
        phone.send([(producer.id, packet(sequence: 1, timestamp: 0))])
        try await settle()
        #expect(received.count == 0)
    }

    @Test func pausedProducersAndClosedTransportsStopForwarding() async throws {
        let node = try makeNode()
        let received = Collected()
        let phone = try await node.createLocalTransport(routerID: "room", sink: { _ in })
        let tap = try await node.createLocalTransport(routerID: "room", sink: received.sink)
        let producer = try await node.produceLocal(transportID: phone.id, source: .microphone, codec: opus)
        try await node.subscribeLocal(transportID: tap.id, producerIDs: [producer.id])
        await node.setPaused(producerID: producer.id, routerID: "room", paused: true)
        phone.send([(producer.id, packet(sequence: 1, timestamp: 0))])
        try await settle()
        #expect(received.count == 0)
        await node.setPaused(producerID: producer.id, routerID: "room", paused: false)
        phone.send([(producer.id, packet(sequence: 2, timestamp: 960))])
        try await until { received.count >= 1 }
        #expect(received.count == 1)
        await node.closeTransport(phone.id)
        phone.send([(producer.id, packet(sequence: 3, timestamp: 1920))])
        try await settle()
        #expect(received.count == 1)
        #expect(await node.statistics().producers == 0)
        // A stale subscription is dropped on the next update.
        #expect(try await node.subscribeLocal(transportID: tap.id, producerIDs: [producer.id]).isEmpty)
    }

    @Test func unknownProducersAndJunkAreDroppedAndCounted() async throws {
        let node = try makeNode()
        let phone = try await node.createLocalTransport(routerID: "room", sink: { _ in })
        let producer = try await node.produceLocal(transportID: phone.id, source: .microphone, codec: opus)
        phone.send([("nobody", packet(sequence: 1, timestamp: 0)), (producer.id, ByteBuffer(bytes: [0x80, 1, 2]))])
        try await settle()
        let dropped = await node.droppedPackets()
        #expect(dropped.keys.contains { $0.hasPrefix("local") && $0.contains("unknown_producer") })
        #expect(dropped.filter { $0.key.hasPrefix("local") }.values.reduce(0, +) == 2)
    }

    @Test func localAudioLevelsDriveActiveSpeakerDetection() async throws {
        let node = try makeNode()
        try await node.start()
        defer { Task { await node.stop() } }
        let phone = try await node.createLocalTransport(routerID: "room", sink: { _ in })
        let producer = try await node.produceLocal(transportID: phone.id, source: .microphone, codec: opus)
        let feeder = Task {
            for i in 0..<60 {
                phone.send([(producer.id, packet(sequence: UInt16(i), timestamp: UInt32(i) * 960, level: 10))])
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        var speaker: String?
        for await event in node.events {
            if case .activeSpeaker(_, let id) = event { speaker = id; break }
        }
        feeder.cancel()
        #expect(speaker == producer.id)
    }
}
