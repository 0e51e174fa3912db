import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOCore
import Rooms
import Synchronization

/// A participant whose meeting runs on another node of the cluster: this
/// node keeps the browser's signaling socket and relays it, message for
/// message, to the signaling socket of the node that runs the room (its
/// `cluster.internal_url`). The browser sees one server; its media goes
/// straight to the other node, whose addresses are in the SDP. When the
/// other node's socket ends (the node stopped or died), the browser's does
/// too, and the browser comes back with its resume token the usual way
/// (Docs/signaling.md, "Staying in the meeting") to wherever the meeting
/// runs by then.
final class SignalingRelay: Sendable {
    /// Marks a socket opened by another node's relay: it is never relayed
    /// again, so two nodes that disagree for a moment cannot bounce a
    /// participant between them.
    static let relayedByHeader = HTTPField.Name("Parley-Relayed-By")!

    private let writer = Mutex<WebSocketOutboundWriter?>(nil)
    private let task = Mutex<Task<Void, Never>?>(nil)

    private init() {}

    /// Connects to `node`'s signaling socket and sends `first` (the join or
    /// resume that decided the relay); what the node sends goes to `outbox`,
    /// which finishes when the node's socket ends. Throws when the node
    /// cannot be reached.
    static func open(to node: RoomLocation.RemoteNode, first: String, outbox: SocketOutbox, forwarder: NodeForwarder,
                     eventLoopGroup: any EventLoopGroup, logger: Logger) async throws -> SignalingRelay {
        let relay = SignalingRelay()
        guard let url = node.url("/api/v1/signal", webSocket: true) else { throw RelayError.badAddress(node.httpURL) }
        var configuration = WebSocketClientConfiguration(maxFrameSize: 1 << 16, closeTimeout: .seconds(5), autoPing: .disabled)
        configuration.additionalHeaders[relayedByHeader] = forwarder.relayedBy(method: "GET", path: SignalingSocket.path)
        let opened = AsyncStream.makeStream(of: Bool.self)
        let task = Task {
            do {
                try await WebSocketClient.connect(url: url, configuration: configuration, eventLoopGroup: eventLoopGroup,
                                                  logger: logger) { inbound, outbound, _ in
                    try await outbound.write(.text(first))
                    relay.writer.withLock { $0 = outbound }
                    opened.continuation.yield(true)
                    for try await message in inbound.messages(maxSize: SignalingSocket.maxMessageBytes) {
                        if case .text(let text) = message { outbox.yield(text) }
                    }
                }
            } catch {
                logger.debug("relayed signaling socket ended", metadata: ["node": "\(node.name)", "error": "\(error)"])
            }
            opened.continuation.yield(false)
            relay.writer.withLock { $0 = nil }
            outbox.finish()
        }
        relay.task.withLock { $0 = task }
        var iterator = opened.stream.makeAsyncIterator()
        guard await iterator.next() == true else { throw RelayError.unreachable(node.name) }
        return relay
    }

    /// Sends one of the browser's messages on, in order. A socket already
    /// gone drops it: the browser's own socket is closing then.
    func forward(_ text: String) async {
        guard let writer = writer.withLock({ $0 }) else { return }
        try? await writer.write(.text(text))
    }

    /// The browser went: the relayed socket closes, and the other node keeps
    /// the participant's place for the grace period as for any lost socket.
    func close() {
        task.withLock { $0?.cancel() }
    }

    enum RelayError: Error {
        case badAddress(String)
        case unreachable(String)
    }
}
