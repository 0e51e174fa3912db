import Foundation
import Rooms

/// A room's way to a browser: events become JSON texts queued on the
/// socket's outbox (bounded: a browser that stops reading is disconnected,
/// never left out of step).
final class SignalingConnection: ParticipantConnection {
    let continuation: SocketOutbox
    let iceServers: [ICEServer]
    /// Goes into `joined` and `resumed`.
    let resumeToken: String

    init(continuation: SocketOutbox, iceServers: [ICEServer], resumeToken: String) {
        self.continuation = continuation
        self.iceServers = iceServers
        self.resumeToken = resumeToken
    }

    func deliver(_ event: RoomEvent) {
        continuation.yield(SignalingMessage.text(for: event, iceServers: iceServers, resumeToken: resumeToken))
    }

    func send(_ text: String) { continuation.yield(text) }

    func close() { continuation.finish() }
}
