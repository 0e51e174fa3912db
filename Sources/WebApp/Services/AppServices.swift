import Foundation
import Logging
import NIOCore
import NIOPosix
import Recording
import Rooms
import SFU
import Settings
import Store

/// What every handler needs, built once per server and passed explicitly
/// (no globals).
struct AppServices: Sendable {
    let configuration: ParleyConfiguration
    let store: Store
    let hub: LiveHub
    let notifier: Notifier
    let rateLimiter: SignInRateLimiter
    /// Wrong meeting passcodes, per meeting and per address.
    let passcodeLimiter: SignInRateLimiter
    let metrics: AppMetrics
    /// The WebRTC media plane of this node.
    let media: MediaNode
    /// Live meetings.
    let rooms: RoomRegistry
    /// Meetings' recordings: capture, composite queue, files.
    let recordings: RecordingService
    /// Whether this node should get new work (`/readyz`).
    let readiness: @Sendable () async -> ReadinessReport
    /// Threads for blocking work (bcrypt), owned by whoever assembled the server.
    let blockingPool: NIOThreadPool
    /// The HTTP loops, for connections this node makes to other nodes.
    let httpLoops: any EventLoopGroup
    /// Requests only a meeting's node can answer, sent on to it.
    let forwarder: NodeForwarder
    let logger: Logger
    /// Key for the short-lived join tokens handed to people entering a meeting.
    let joinTokenKey: Data
    /// A bcrypt hash at the configured cost that matches no password: checked
    /// when a username does not exist, so response time does not reveal that.
    let dummyPasswordHash: String

    var origin: String { configuration.publicOrigin }
}
