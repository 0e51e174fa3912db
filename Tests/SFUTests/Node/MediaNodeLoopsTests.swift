import Logging
import NIOCore
import NIOPosix
import RTP
import SDP
import Synchronization
import Testing
@testable import SFU

/// A media node on two loops: each loop has its own port and its own rooms,
/// a room's packets are handled on its loop only, and operations find the
/// loop from a transport's id.
@Suite(.timeLimit(.minutes(1)))
struct MediaNodeLoopsTests {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    let opus = RTPCodecParameters(payloadType: 111, name: "opus", clockRate: 48000, channels: 2, fmtp: "minptime=10;useinbandfec=1")

    func makeNode() throws -> MediaNode {
        var logger = Logger(label: "loops-test")
        logger.logLevel = .critical
        return try MediaNode(configuration: MediaConfiguration(host: "127.0.0.1", port: 0),
                             eventLoops: Array(Self.group.makeIterator()), logger: logger)
    }

    /// The candidate lines a transport's loop advertises.
    func candidates(_ node: MediaNode, transportID: String) async throws -> [String] {
        let worker = try #require(node.worker(forTransport: transportID))
        return try await worker.run { e in
            #expect(e.transports[transportID] != nil, "the transport is not on the loop its id names")
            return e.candidates.map(\.attributeValue)
        }
    }

    @Test func twoRoomsGoToTwoLoopsEachWithItsOwnPort() async throws {
        let node = try makeNode()
        let ports = try await node.start()
        #expect(ports.count == 2)
        #expect(Set(ports).count == 2, "the loops share a port")
        let a = try await node.createTransport(routerID: "room-a", publish: true)
        let b = try await node.createTransport(routerID: "room-b", publish: true)
        let a2 = try await node.createTransport(routerID: "room-a", publish: false)
        #expect(node.worker(forTransport: a.id)?.index == 0)
        #expect(node.worker(forTransport: b.id)?.index == 1)
        #expect(node.worker(forTransport: a2.id)?.index == 0, "a room's transports must stay on its loop")
        #expect(try await candidates(node, transportID: a.id).first?.contains(" \(ports[0]) typ host") == true)
        #expect(try await candidates(node, transportID: b.id).first?.contains(" \(ports[1]) typ host") == true)

        // Each loop's thread runs its own 20 ms ticks and shows its CPU time.
        for _ in 0..<100 where await node.loopStatistics().contains(where: { $0.cpuSeconds == 0 }) {
            try await Task.sleep(for: .milliseconds(10))
        }
        let loops = await node.loopStatistics()
        #expect(loops.allSatisfy { $0.cpuSeconds > 0 }, "\(loops.map(\.cpuSeconds))")
        #expect(loops.map(\.index) == [0, 1])
        #expect(loops.map(\.statistics.routers) == [1, 1])
        #expect(loops.map(\.statistics.transports) == [2, 1])
        #expect(await node.statistics().transports == 3)

        // Operations by id reach the right loop.
        await node.closeTransport(b.id)
        #expect(await node.loopStatistics().map(\.statistics.transports) == [2, 0])
        await node.closeRouter("room-a")
        #expect(await node.statistics().routers == 1, "room-b's router stays until it is closed")
        await node.closeRouter("room-b")
        #expect(await node.statistics().routers == 0)
        await node.stop()
    }

    @Test func aRoomsPacketsAreHandledOnItsOwnLoop() async throws {
        let node = try makeNode()
        try await node.start()
        // Fill loop 0 so the next room goes to loop 1.
        _ = try await node.createLocalTransport(routerID: "busy", sink: { _ in })
        let loop = Mutex<[Bool]>([])
        let expected = try #require(node.workers.last?.eventLoop)
        let phone = try await node.createLocalTransport(routerID: "quiet", sink: { _ in })
        let tap = try await node.createLocalTransport(routerID: "quiet", sink: { _ in
            loop.withLock { $0.append(expected.inEventLoop) }
        })
        #expect(node.worker(forTransport: tap.id)?.index == 1)
        let producer = try await node.produceLocal(transportID: phone.id, source: .microphone, codec: opus)
        try await node.subscribeLocal(transportID: tap.id, producerIDs: [producer.id])
        phone.send((0..<3).map { i in
            var bytes = [UInt8](repeating: 0, count: 22)
            bytes.withUnsafeMutableBytes {
                _ = RTPHeaderWriter.writeFixedHeader(marker: false, payloadType: 111, sequenceNumber: UInt16(i),
                                                     timestamp: UInt32(i) * 960, ssrc: 7, in: $0)
            }
            return (producer.id, ByteBuffer(bytes: bytes))
        })
        for _ in 0..<300 where loop.withLock({ $0.count }) < 3 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(loop.withLock { $0 } == [true, true, true], "a packet of the room was handled off its loop")
        await node.stop()
    }

    @Test func unknownOrMalformedTransportIDsAreRefused() async throws {
        let node = try makeNode()
        await #expect(throws: MediaError.self) { try await node.publish(transportID: "t7-x", offer: "", sources: [:]) }
        await #expect(throws: MediaError.self) { try await node.publish(transportID: "nonsense", offer: "", sources: [:]) }
        await #expect(throws: MediaError.self) { try await node.applySubscribeAnswer(transportID: "t1-gone", answer: "") }
    }
}
