import Foundation

/// The shape of a load: rooms × (publishers + subscribers), what is sent,
/// how fast people join and how long the load runs.
public struct LoadTestConfiguration: Sendable {
    /// The SFU the load goes to.
    public enum Target: Sendable, Equatable {
        /// Parley at `server` (its API and signaling socket).
        case parley
        /// Janus's VideoRoom plugin through its HTTP API at this URL (…/janus).
        case janus(URL)
    }

    public var server: URL
    public var target: Target = .parley
    public var rooms = 1
    public var publishersPerRoom = 2
    public var subscribersPerRoom = 4
    public var audio = true
    public var video = true
    /// Joins per second across all rooms.
    public var rampRate = 5.0
    /// How long the full load runs once everyone has joined, in seconds.
    public var duration = 20.0
    /// Seconds after the ramp before the measured window starts.
    public var warmup = 2.0
    /// The server's process id, for CPU time and RSS from /proc.
    public var serverPID: Int32?
    /// Event loop threads for the generator.
    public var threads = 1
    /// How the simulated participants' sockets are opened: the address they
    /// bind to (and our ICE candidate), and whether they accept segmented
    /// datagrams whole.
    public var sockets = ClientSocketSettings()
    /// Tile size sent with `layers.prefer`; nil: the page's grid in a 1280×720 window.
    public var tile: (width: Int, height: Int)?
    /// Other servers of the same cluster a participant whose socket drops
    /// tries to come back through, after the one it joined through (a load
    /// balancer in front of the nodes would send it to a live one).
    public var resumeThrough: [URL] = []
    /// Print a progress line every second (to standard error).
    public var progress = true

    public init(server: URL) {
        self.server = server
    }

    /// The tile the page's grid gives each of `videos` tiles in a 1280×720
    /// viewport (columns = ⌈√n⌉, 16:9 tiles), as `layers.prefer` reports it.
    public func tileSize(videos: Int) -> (width: Int, height: Int) {
        if let tile { return tile }
        let n = max(1, videos)
        let columns = Int(Double(n).squareRoot().rounded(.up))
        let rows = (n + columns - 1) / columns
        var width = 1280 / columns
        var height = width * 9 / 16
        if height * rows > 720 {
            height = 720 / rows
            width = height * 16 / 9
        }
        return (width, height)
    }
}
