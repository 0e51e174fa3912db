import Logging
import NIOCore
import NIOPosix
import RTP
import SDP
import Synchronization
import Testing
@testable import SFU

/// A room that spans two media loops: its producers are piped once to the
/// loop where their subscribers are, pausing and closing follow them, and
/// the home loop alone tells who speaks.
@Suite(.timeLimit(.minutes(1)))
struct MediaPipeTests {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    let opus = RTPCodecParameters(payloadType: 111, name: "opus", clockRate: 48000, channels: 2, fmtp: "minptime=10;useinbandfec=1")

    final class Collected: Sendable {
        let packets = Mutex<[(ssrc: UInt32, onLoop: Bool)]>([])
        let loop: any EventLoop
        init(loop: any EventLoop) { self.loop = loop }
        var sink: LocalMediaSink {
            { p in
                guard !p.isRTCP, let ssrc = p.bytes.getInteger(at: p.bytes.readerIndex + 8, as: UInt32.self) else { return }
                let onLoop = self.loop.inEventLoop
                self.packets.withLock { $0.append((ssrc, onLoop)) }
            }
        }
        var count: Int { packets.withLock { $0.count } }
    }

    /// Two loops; a loop holds `capacity` transports before rooms spill.
    func makeNode(capacity: Int) throws -> MediaNode {
        var logger = Logger(label: "pipe-test")
        logger.logLevel = .critical
        return try MediaNode(configuration: MediaConfiguration(host: "127.0.0.1", port: 0, loopCapacity: capacity),
                             eventLoops: Array(Self.group.makeIterator()), logger: logger)
    }

    func packet(sequence: UInt16, ssrc: UInt32 = 0x1234, level: UInt8 = 30) -> ByteBuffer {
        // Fixed header, one-byte extension block (RFC 8285 §4.2) with the audio level, 10 payload bytes.
        var bytes = [UInt8](repeating: 0, count: 12)
        bytes.withUnsafeMutableBytes {
            _ = RTPHeaderWriter.writeFixedHeader(marker: false, payloadType: 111, sequenceNumber: sequence,
                                                 timestamp: UInt32(sequence) * 960, ssrc: ssrc, in: $0)
        }
        bytes[0] |= 0x10
        bytes += [0xBE, 0xDE, 0, 1, 0x10, AudioLevel(voiceActivity: true, level: level).byte, 0, 0]
        bytes += [UInt8](repeating: 0xAB, count: 10)
        return ByteBuffer(bytes: bytes)
    }

    func waitUntil(_ condition: () async -> Bool) async throws {
        for _ in 0..<300 where !(await condition()) { try await Task.sleep(for: .milliseconds(10)) }
    }

    /// The origin's pipes of a producer and the packets each has carried.
    func pipes(_ node: MediaNode, loop: Int, room: String, producer: String) async throws -> [Int] {
        try await node.workers[loop].run { e in e.routers[room]?.producers[producer]?.pipes.map(\.packetsSent) ?? [] }
    }

    @Test("a producer crosses once to the loop of its two subscribers, which get it rewritten on their own loop")
    func subscribersOnAnotherLoop() async throws {
        let node = try makeNode(capacity: 2)
        try await node.start()
        let phone = try await node.createLocalTransport(routerID: "r", sink: { _ in })
        _ = try await node.createLocalTransport(routerID: "r", sink: { _ in })  // fills loop 0
        let loop1 = node.workers[1].eventLoop
        let first = Collected(loop: loop1), second = Collected(loop: loop1)
        let tap1 = try await node.createLocalTransport(routerID: "r", sink: first.sink)
        let tap2 = try await node.createLocalTransport(routerID: "r", sink: second.sink)
        #expect(node.worker(forTransport: phone.id)?.index == 0)
        #expect(node.worker(forTransport: tap1.id)?.index == 1, "the full home did not spill")
        #expect(node.worker(forTransport: tap2.id)?.index == 1, "a spilled room should reuse its other loop")
        #expect(node.placement.withLock { $0.loops(of: "r") } == [0, 1])

        let producer = try await node.produceLocal(transportID: phone.id, source: .microphone, codec: opus)
        let s1 = try await node.subscribeLocal(transportID: tap1.id, producerIDs: [producer.id])
        let s2 = try await node.subscribeLocal(transportID: tap2.id, producerIDs: [producer.id])
        #expect(s1.map(\.producerID) == [producer.id])
        #expect(s2.map(\.producerID) == [producer.id])
        #expect(s1[0].ssrc != s2[0].ssrc)
        phone.send((0..<10).map { (producer.id, packet(sequence: UInt16($0))) })
        try await waitUntil { first.count >= 10 && second.count >= 10 }

        #expect(first.count == 10 && second.count == 10)
        #expect(first.packets.withLock { $0.allSatisfy { $0.ssrc == s1[0].ssrc && $0.onLoop } })
        #expect(second.packets.withLock { $0.allSatisfy { $0.ssrc == s2[0].ssrc && $0.onLoop } })
        #expect(try await pipes(node, loop: 0, room: "r", producer: producer.id) == [10], "one pipe, each packet once")
        let loops = await node.loopStatistics()
        #expect(loops.map(\.statistics.pipedProducers) == [0, 1])
        #expect(loops.map(\.statistics.producers) == [1, 0], "a copy is not counted as a producer")
        await node.stop()
    }

    @Test("a copy whose last subscriber left is dropped and the origin stops piping; a new subscriber pipes again")
    func idleCopiesAreDropped() async throws {
        let node = try makeNode(capacity: 1)
        try await node.start()
        for worker in node.workers { try await worker.run { $0.pipeIdleTimeout = .milliseconds(200) } }
        let phone = try await node.createLocalTransport(routerID: "r", sink: { _ in })
        let heard = Collected(loop: node.workers[1].eventLoop)
        let tap = try await node.createLocalTransport(routerID: "r", sink: heard.sink)
        let producer = try await node.produceLocal(transportID: phone.id, source: .microphone, codec: opus)
        try await node.subscribeLocal(transportID: tap.id, producerIDs: [producer.id])
        #expect(try await pipes(node, loop: 0, room: "r", producer: producer.id).count == 1)
        // The subscriber drops the track: after the idle time the copy and the pipe are gone.
        try await node.subscribeLocal(transportID: tap.id, producerIDs: [])
        try await waitUntil { (try? await self.pipes(node, loop: 0, room: "r", producer: producer.id).isEmpty) ?? false }
        #expect(try await pipes(node, loop: 0, room: "r", producer: producer.id).isEmpty, "the origin still pipes to an idle loop")
        #expect(await node.loopStatistics()[1].statistics.pipedProducers == 0)
        // Subscribing again pipes again, and packets flow.
        try await node.subscribeLocal(transportID: tap.id, producerIDs: [producer.id])
        phone.send([(producer.id, packet(sequence: 1))])
        try await waitUntil { heard.count == 1 }
        #expect(heard.count == 1)
        await node.stop()
    }

    @Test("pausing stops the piped copy too; resuming brings it back")
    func pauseFollowsThePipe() async throws {
        let node = try makeNode(capacity: 1)
        try await node.start()
        let phone = try await node.createLocalTransport(routerID: "r", sink: { _ in })
        let heard = Collected(loop: node.workers[1].eventLoop)
        let tap = try await node.createLocalTransport(routerID: "r", sink: heard.sink)
        #expect(node.worker(forTransport: tap.id)?.index == 1)
        let producer = try await node.produceLocal(transportID: phone.id, source: .microphone, codec: opus)
        try await node.subscribeLocal(transportID: tap.id, producerIDs: [producer.id])
        phone.send([(producer.id, packet(sequence: 1))])
        try await waitUntil { heard.count == 1 }
        await node.setPaused(producerID: producer.id, routerID: "r", paused: true)
        phone.send((2..<6).map { (producer.id, packet(sequence: UInt16($0))) })
        try await Task.sleep(for: .milliseconds(100))
        #expect(heard.count == 1, "a paused producer was forwarded through the pipe")
        await node.setPaused(producerID: producer.id, routerID: "r", paused: false)
        phone.send([(producer.id, packet(sequence: 6))])
        try await waitUntil { heard.count == 2 }
        #expect(heard.count == 2)
        await node.stop()
    }

    @Test("when the publisher leaves, the copy and its consumers go too; the room closes on every loop")
    func closingFollowsThePipe() async throws {
        let node = try makeNode(capacity: 1)
        try await node.start()
        let phone = try await node.createLocalTransport(routerID: "r", sink: { _ in })
        let tap = try await node.createLocalTransport(routerID: "r", sink: { _ in })
        let producer = try await node.produceLocal(transportID: phone.id, source: .microphone, codec: opus)
        #expect(try await node.subscribeLocal(transportID: tap.id, producerIDs: [producer.id]).count == 1)
        await node.closeTransport(phone.id)
        try await waitUntil { await node.loopStatistics()[1].statistics.pipedProducers == 0 }
        #expect(await node.loopStatistics()[1].statistics.pipedProducers == 0)
        #expect(try await node.subscribeLocal(transportID: tap.id, producerIDs: [producer.id]).isEmpty)
        await node.closeRouter("r")
        #expect(await node.statistics().routers == 0, "a router was left on a loop")
        #expect(node.placement.withLock { $0.loops(of: "r") }.isEmpty)
        await node.stop()
    }

    @Test("a caller on the spilled loop is heard by the home's speaker detection, which alone announces it")
    func speakerDetectionAtHome() async throws {
        let node = try makeNode(capacity: 1)
        try await node.start()
        _ = try await node.createLocalTransport(routerID: "r", sink: { _ in })
        let caller = try await node.createLocalTransport(routerID: "r", sink: { _ in })
        #expect(node.worker(forTransport: caller.id)?.index == 1)
        let producer = try await node.produceLocal(transportID: caller.id, source: .microphone, codec: opus)
        #expect(await node.loopStatistics().map(\.statistics.pipedProducers) == [1, 0], "audio was not piped home")
        let feeder = Task {
            for i in 0..<100 {
                caller.send([(producer.id, packet(sequence: UInt16(i), level: 10))])
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        let announced = Mutex<[String?]>([])
        let listener = Task {
            for await event in node.events {
                if case .activeSpeaker(_, let id) = event { announced.withLock { $0.append(id) } }
            }
        }
        // Detection runs every 300 ms: wait for the first, then a while for a second.
        try await waitUntil { announced.withLock { !$0.isEmpty } }
        try await Task.sleep(for: .milliseconds(700))
        listener.cancel()
        feeder.cancel()
        #expect(announced.withLock { $0 } == [producer.id], "each loop announced its own speaker")
        await node.stop()
    }
}
