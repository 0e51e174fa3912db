import NIOCore
import NIOPosix
import Recording
import Rooms
import SFU

/// The parts of Parley's core that the web app serves, built and owned by
/// whoever assembles the server (the `parley` executable, or a test). The web
/// app uses them as an equal of the phone gateway: it neither creates nor
/// shuts them down.
public struct WebAppCore: Sendable {
    /// The WebRTC media plane of this node.
    public var media: MediaNode
    /// Live meetings.
    public var rooms: RoomRegistry
    /// Meetings' recordings: capture, composite queue, files.
    public var recordings: RecordingService
    /// The loops that run HTTP and WebSocket connections.
    public var httpLoops: any EventLoopGroup
    /// Threads for blocking work (bcrypt hashing), so it never stalls an event loop.
    public var blockingPool: NIOThreadPool
    /// Whether this node should get new work (`/readyz`).
    public var readiness: @Sendable () async -> ReadinessReport
    /// On a cluster node: where rooms here may attach participants' media
    /// on other nodes (nil: a single server, everything here).
    public var mediaSites: MediaSitePicker?

    public init(media: MediaNode, rooms: RoomRegistry, recordings: RecordingService, httpLoops: any EventLoopGroup,
                blockingPool: NIOThreadPool, readiness: @escaping @Sendable () async -> ReadinessReport = { .alwaysReady }) {
        self.readiness = readiness
        self.media = media
        self.rooms = rooms
        self.recordings = recordings
        self.httpLoops = httpLoops
        self.blockingPool = blockingPool
    }
}
