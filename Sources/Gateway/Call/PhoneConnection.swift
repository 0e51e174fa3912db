import NIOCore
import Rooms

/// A phone call as the room sees it: the room's events are handed to the
/// call on the gateway's event loop, where the call turns them into tones,
/// prompts, mute state and hang-ups.
struct PhoneConnection: ParticipantConnection {
    let eventLoop: any EventLoop
    let handle: @Sendable (RoomEvent) -> Void
    let closed: @Sendable () -> Void

    func deliver(_ event: RoomEvent) { eventLoop.execute { handle(event) } }
    func close() { eventLoop.execute { closed() } }
}
