import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
@testable import LoadTest
@testable import SFU

/// The generator's sockets take a server's segmented send (UDP GSO) whole
/// and hand on the datagrams it was sent as, on real loopback sockets.
@Suite struct ClientReceiveOffloadTests {
    /// Keeps what the socket read: envelopes as they came, and the datagrams split out of them.
    final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let envelopes = NIOLockedValueBox<[(bytes: Int, segmentSize: Int?)]>([])
        let datagrams = NIOLockedValueBox<[[UInt8]]>([])

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            envelopes.withLockedValue { $0.append((envelope.data.readableBytes, envelope.metadata?.segmentSize)) }
            var split: [[UInt8]] = []
            ClientDatagramHandler.forEachDatagram(in: envelope) { split.append(Array($0.readableBytesView)) }
            datagrams.withLockedValue { $0 += split }
        }
    }

    /// Sends `payloads` to a generator socket opened with `settings` as one
    /// sender's run from the server's `DatagramBatch`; returns what the
    /// socket read.
    func deliver(_ payloads: [[UInt8]], settings: ClientSocketSettings) async throws -> Collector {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let collector = Collector()
        let channel = try await settings.bootstrap(on: group.next())
            .channelInitializer { $0.pipeline.addHandler(collector) }
            .bind(host: "127.0.0.1", port: 0).get()
        let address = try #require(channel.localAddress)
        let socket = try MediaWorker.openUDPSocket(boundTo: SocketAddress(ipAddress: "127.0.0.1", port: 0))
        let batch = DatagramBatch(socket: socket)
        var run = DatagramBatch.Run.none
        for payload in payloads {
            run = batch.append(to: address, after: run) { slot in
                slot.copyBytes(from: payload)
                return payload.count
            }.run
        }
        #expect(batch.flush() == nil)
        for _ in 0..<100 where collector.datagrams.withLockedValue({ $0.count }) < payloads.count {
            try await Task.sleep(for: .milliseconds(10))
        }
        close(socket)
        try await channel.close()
        try await group.shutdownGracefully()
        return collector
    }

    /// A frame's parts: four of 1,100 bytes and a shorter last, each numbered.
    static let frame: [[UInt8]] = (0..<5).map { i in [UInt8(i)] + [UInt8](repeating: 0xA5, count: i == 4 ? 599 : 1_099) }

    @Test func aSegmentedSendArrivesWholeAndIsSplitBackIntoItsDatagrams() async throws {
        try #require(System.supportsUDPReceiveOffload && System.supportsUDPSegmentationOffload)
        let collector = try await deliver(Self.frame, settings: ClientSocketSettings())
        #expect(collector.datagrams.withLockedValue { $0 } == Self.frame)
        // The kernel kept the run whole: one read, its segment size reported.
        let envelopes = collector.envelopes.withLockedValue { $0 }
        #expect(envelopes.count == 1)
        #expect(envelopes.first?.segmentSize == 1_100)
        #expect(envelopes.first?.bytes == 4 * 1_100 + 600)
    }

    @Test func withoutReceiveOffloadTheKernelSplitsIt() async throws {
        let collector = try await deliver(Self.frame, settings: ClientSocketSettings(receiveOffload: false))
        #expect(collector.datagrams.withLockedValue { $0 } == Self.frame)
        #expect(collector.envelopes.withLockedValue { $0.count } == Self.frame.count)
    }
}
