import Logging
import NIOCore
import NIOPosix
import Testing
@testable import SFU

/// The media port over real loopback sockets: TCP listens on the port number
/// UDP bound, a connectivity check framed per RFC 4571 gets its answer on the
/// connection, and `media.tcp = false` leaves TCP closed and unadvertised.
@Suite(.timeLimit(.minutes(1)))
struct MediaNodeTCPTests {
    func makeNode(tcp: Bool) throws -> MediaNode {
        var logger = Logger(label: "tcp-test")
        logger.logLevel = .critical
        return try MediaNode(configuration: MediaConfiguration(host: "127.0.0.1", port: 0, tcp: tcp),
                             eventLoop: MultiThreadedEventLoopGroup.singleton.next(), logger: logger)
    }

    /// The transport's local credentials and the node's candidate lines.
    func credentials(_ node: MediaNode, transportID: String) async throws -> (ufrag: String, password: String, candidates: [String]) {
        let engine = node.workers[0].engine
        return try await node.workers[0].eventLoop.submit {
            let t = engine.value.transports[transportID]!
            return (t.ice.localUfrag, t.ice.localPassword, engine.value.candidates.map(\.attributeValue))
        }.get()
    }

    @Test func aCheckOverTCPIsAnsweredOnTheConnectionAtTheUDPPortNumber() async throws {
        let node = try makeNode(tcp: true)
        let port = try await node.start()[0]
        let info = try await node.createTransport(routerID: "room", publish: true)
        let (ufrag, password, candidates) = try await credentials(node, transportID: info.id)
        #expect(candidates == ["1 1 udp 2130706431 127.0.0.1 \(port) typ host",
                               "tcp1 1 tcp 2124414975 127.0.0.1 \(port) typ host tcptype passive"])

        let client = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let localPort = try #require(client.channel.localAddress?.port)
        let request = STUNMessage(method: .binding, messageClass: .request, transactionID: .random(), attributes: [
            .username("\(ufrag):browser"), .priority(1_518_280_447), .iceControlling(7), .useCandidate,
        ]).serialized(integrityPassword: Array(password.utf8), fingerprint: true)
        let response: [UInt8]? = try await client.executeThenClose { inbound, outbound in
            // Split mid-header, as TCP may: the framer must put it together.
            let framed = [UInt8(request.count >> 8), UInt8(request.count & 0xFF)] + request
            try await outbound.write(ByteBuffer(bytes: framed[..<1]))
            try await outbound.write(ByteBuffer(bytes: framed[1...]))
            var framer = RFC4571Framer()
            for try await chunk in inbound {
                framer.append(Array(chunk.readableBytesView))
                if let frame = try framer.nextFrame() { return Array(frame) }
            }
            return nil
        }
        let message = try #require(try response.map { bytes in try bytes.withUnsafeBytes { try STUNMessage(parsing: $0) } })
        #expect(message.messageClass == .successResponse)
        #expect(message.xorMappedAddress == STUNAddress(string: "127.0.0.1", port: UInt16(localPort)))
        await node.stop()
    }

    @Test func stoppingTheNodeClosesItsTCPConnections() async throws {
        let node = try makeNode(tcp: true)
        let port = try await node.start()[0]
        let client = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        // Wait until the engine has the connection, then stop.
        let engine = node.workers[0].engine
        for _ in 0..<100 {
            if try await node.workers[0].eventLoop.submit({ engine.value.tcpConnections.count }).get() == 1 { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(await node.statistics().tcpConnections == 1)
        await node.stop()
        let ended: Bool = await {
            do {
                return try await client.executeThenClose { inbound, _ in
                    for try await _ in inbound {}
                    return true
                }
            } catch {
                return true   // a reset ends it too
            }
        }()
        #expect(ended)
        #expect(await node.statistics().tcpConnections == 0)
    }

    @Test func withTCPOffThePortTakesNoConnectionAndOnlyUDPIsAdvertised() async throws {
        let node = try makeNode(tcp: false)
        let port = try await node.start()[0]
        let info = try await node.createTransport(routerID: "room", publish: true)
        let (_, _, candidates) = try await credentials(node, transportID: info.id)
        #expect(candidates == ["1 1 udp 2130706431 127.0.0.1 \(port) typ host"])
        await #expect(throws: (any Error).self) {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port).get()
            try await channel.close()
        }
        await node.stop()
    }
}
