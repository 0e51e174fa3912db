import NIOCore
import NIOPosix

/// Every thread Parley runs on, created once by `parley serve` and handed to
/// the parts that need them: nothing below the executable makes a loop of
/// its own or reaches for a global one (DESIGN.md "Modules").
///
/// The media plane and the phone gateway get loops apart from the HTTP
/// loops: a burst of API work must not delay packets, ICE consent checks or
/// the gateway's 20 ms clock.
struct ServerLoops: Sendable {
    /// HTTP, WebSockets and the database connections.
    let http: MultiThreadedEventLoopGroup
    /// The WebRTC media plane: one `MediaWorker` (its own port and rooms) per loop.
    let media: MultiThreadedEventLoopGroup
    /// Phone calls' RTP and the 20 ms mixing clocks: one `GatewayEngine` per loop.
    let gateway: MultiThreadedEventLoopGroup
    /// Recorders writing tracks to disk, one loop per core, spread over them.
    let recording: MultiThreadedEventLoopGroup
    /// Blocking work: bcrypt, SQLite.
    let blocking: NIOThreadPool

    /// `httpThreads`, `mediaThreads` and `gatewayThreads` default to one loop per core (0 too).
    init(httpThreads: Int = System.coreCount, mediaThreads: Int = 0, gatewayThreads: Int = 0) {
        http = MultiThreadedEventLoopGroup(numberOfThreads: max(1, httpThreads))
        media = MultiThreadedEventLoopGroup(numberOfThreads: mediaThreads > 0 ? mediaThreads : System.coreCount)
        gateway = MultiThreadedEventLoopGroup(numberOfThreads: gatewayThreads > 0 ? gatewayThreads : System.coreCount)
        recording = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        blocking = NIOThreadPool(numberOfThreads: 2)
        blocking.start()
    }

    /// Stops every thread; call once nothing runs on them any more.
    func shutdown() async {
        try? await gateway.shutdownGracefully()
        try? await recording.shutdownGracefully()
        try? await media.shutdownGracefully()
        try? await blocking.shutdownGracefully()
        try? await http.shutdownGracefully()
    }
}
