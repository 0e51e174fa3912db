import Foundation
import Logging
import NIOCore
import NIOPosix
import Rooms
import SDP
import SFU
import Synchronization
import Testing
@testable import WebApp

/// The control plane of pipes between nodes: a live Parley (alpha, on
/// 127.0.0.1) and a second node's media (beta, on 127.0.0.2) that pipes one
/// of alpha's producers into its own transport over alpha's internal API,
/// signed with the key both derive from the shared secret.
@Suite struct NodePipeAPITests {
    final class Heard: Sendable {
        let count = Mutex(0)
        var sink: LocalMediaSink { { p in if !p.isRTCP { self.count.withLock { $0 += 1 } } } }
        var total: Int { count.withLock { $0 } }
    }

    static func packet(_ sequence: UInt16) -> ByteBuffer {
        // RTP fixed header (RFC 3550 §5.1): V=2, PT 111, sequence, timestamp, SSRC.
        let timestamp = UInt32(sequence) * 960
        let bytes: [UInt8] = [0x80, 111, UInt8(sequence >> 8), UInt8(sequence & 0xFF),
                              UInt8(timestamp >> 24), UInt8(timestamp >> 16 & 0xFF), UInt8(timestamp >> 8 & 0xFF), UInt8(timestamp & 0xFF),
                              0, 0, 0x42, 0x42]
        return ByteBuffer(bytes: bytes + [UInt8](repeating: 0xAB, count: 40))
    }

    @Test("a node pipes another node's producer into its own transport through the internal API; strangers are refused")
    func pipeThroughTheAPI() async throws {
        try await TestApp.run { app in
            let alpha = app.core.media
            let phone = try await alpha.createLocalTransport(routerID: "m-pipe", sink: { _ in })
            let opus = RTPCodecParameters(payloadType: 111, name: "opus", clockRate: 48000, channels: 2)
            let producer = try await alpha.produceLocal(transportID: phone.id, source: .microphone, codec: opus)

            var logger = Logger(label: "beta")
            logger.logLevel = .critical
            let beta = try MediaNode(configuration: MediaConfiguration(host: "127.0.0.2", port: 0, tcp: false),
                                     eventLoop: MultiThreadedEventLoopGroup.singleton.next(), logger: logger)
            try await beta.start()
            await beta.enableNodePipes(secret: NodePipeClient.secret(from: app.services.joinTokenKey))
            let heard = Heard()
            let tap = try await beta.createLocalTransport(routerID: "m-pipe", sink: heard.sink)
            let forwarder = NodeForwarder(from: "beta", signature: RelaySignature(secret: app.services.joinTokenKey))
            let client = NodePipeClient(media: beta, forwarder: forwarder)
            let node = RoomLocation.RemoteNode(name: "alpha", httpURL: "http://127.0.0.1:\(app.port)", sipAddress: "")

            let piped = try await client.pipe([producer.id, "pr-gone"], of: "m-pipe", from: node, into: tap.id)
            #expect(piped == [producer.id], "only the producer alpha has")
            #expect(try await beta.subscribeLocal(transportID: tap.id, producerIDs: [producer.id]).count == 1)
            phone.send((0..<10).map { (producer.id, Self.packet(UInt16($0))) })
            for _ in 0..<200 where heard.total < 10 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(heard.total == 10)

            // Without the cluster's signature: refused, whatever the body.
            let body: [String: Any] = ["meetingId": "m-pipe", "producerIds": [producer.id],
                                       "peer": ["host": "127.0.0.9", "port": 9, "epoch": 1]]
            let stranger = try await app.call(.post, PipeController.offerPath, json: body)
            #expect(stranger.status == .forbidden)
            #expect(stranger.errorCode == "not_a_node")
            let forged = try await app.call(.post, PipeController.startPath, json: body,
                                            headers: [SignalingRelay.relayedByHeader: "beta"])
            #expect(forged.status == .forbidden)
            // Another cluster's key signs nothing here.
            let other = NodePipeClient(media: beta, forwarder: NodeForwarder(
                from: "beta", signature: RelaySignature(secret: Data("another cluster".utf8))))
            await #expect(throws: NodeForwarder.CallError.self) {
                _ = try await other.pipe([producer.id], of: "m-pipe", from: node, into: tap.id)
            }
            await beta.stop()
        }
    }
}
