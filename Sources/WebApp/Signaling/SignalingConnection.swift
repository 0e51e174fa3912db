import Foundation
import Rooms

/// A room's way to a browser: events become JSON texts queued on the
/// socket's outbound stream (bounded, so a stalled browser cannot grow the
/// server's memory; it is dropped by ICE consent and WebSocket pings).
final class SignalingConnection: ParticipantConnection {
    let continuation: AsyncStream<String>.Continuation
    let iceServers: [ICEServer]

    init(continuation: AsyncStream<String>.Continuation, iceServers: [ICEServer]) {
        self.continuation = continuation
        self.iceServers = iceServers
    }

    func deliver(_ event: RoomEvent) {
        continuation.yield(SignalingMessage.text(for: event, iceServers: iceServers))
    }

    func send(_ text: String) { continuation.yield(text) }

    func close() { continuation.finish() }
}
