import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import Synchronization

/// The signaling WebSocket of one simulated participant
/// (`/api/v1/signal`, Docs/signaling.md): JSON text frames both ways.
/// Incoming messages arrive on `messages`; the stream ends when the socket closes.
public final class SignalingClient: Sendable {
    public let messages: AsyncStream<SignalMessage>
    private let continuation: AsyncStream<SignalMessage>.Continuation
    private let writer = Mutex<WebSocketOutboundWriter?>(nil)
    private let task = Mutex<Task<Void, Never>?>(nil)

    private init() {
        (messages, continuation) = AsyncStream.makeStream(of: SignalMessage.self)
    }

    /// Opens the socket; returns once it can send.
    public static func connect(url: String, eventLoopGroup: any EventLoopGroup, logger: Logger) async throws -> SignalingClient {
        let client = SignalingClient()
        let opened = AsyncStream.makeStream(of: Bool.self)
        let continuation = client.continuation
        let task = Task {
            do {
                try await WebSocketClient.connect(url: url, eventLoopGroup: eventLoopGroup, logger: logger) { inbound, outbound, _ in
                    client.writer.withLock { $0 = outbound }
                    opened.continuation.yield(true)
                    let decoder = JSONDecoder()
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        guard case .text(let text) = message,
                              let decoded = try? decoder.decode(SignalMessage.self, from: Data(text.utf8)) else { continue }
                        continuation.yield(decoded)
                    }
                }
            } catch {
                logger.debug("signaling socket ended", metadata: ["error": "\(error)"])
            }
            opened.continuation.yield(false)
            continuation.finish()
        }
        client.task.withLock { $0 = task }
        var iterator = opened.stream.makeAsyncIterator()
        guard await iterator.next() == true else { throw LoadTestError.signaling("the signaling socket did not open") }
        return client
    }

    /// Sends one message: `fields` plus `"type"`.
    public func send(_ type: String, _ fields: [String: any Sendable] = [:]) async throws {
        var object: [String: Any] = fields
        object["type"] = type
        let data = try JSONSerialization.data(withJSONObject: object)
        guard let writer = writer.withLock({ $0 }) else { throw LoadTestError.signaling("socket not open") }
        try await writer.write(.text(String(decoding: data, as: UTF8.self)))
    }

    /// Ends the socket (the server sees a close, or `leave` sent before).
    public func close() {
        task.withLock { $0?.cancel() }
        continuation.finish()
    }
}
