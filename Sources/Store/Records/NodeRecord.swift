/// One `parley serve` process on the shared database: who it is, where it
/// is reached, what it carries (as of its last heartbeat) and its state.
public struct NodeRecord: Codable, Sendable, Equatable {
    /// New at every start, so a restarted node is a new row.
    public var id: String
    /// What operators call it (`cluster.node_name`, default the host name).
    public var name: String
    public var httpUrl: String
    /// host:port of its WebRTC media and its SIP gateway ("" when off).
    public var mediaAddress: String
    public var sipAddress: String
    public var version: String
    public var state: NodeState
    /// Milliseconds since 1970.
    public var startedAt: Int
    public var heartbeatAt: Int
    /// Share of all its cores it used over the last heartbeat, in thousandths.
    public var cpuPermille: Int
    public var packetsPerSecond: Int
    public var participants: Int
    public var rooms: Int
    public var calls: Int
    public var recordings: Int
    /// The id of the recording directory it serves (`RecordingService.node`):
    /// recordings captured with that id have their files on this node.
    public var recordingStore: String
    /// People and calls it carries at full stress (its `cluster.node_capacity`);
    /// 0 when its row predates the column: the reader's own capacity applies.
    public var capacity: Int
    /// The host other nodes' pipes send to (`media.pipe_address`); "" when
    /// its row predates the column: the media address's host applies.
    public var pipeHost: String

    public init(id: String, name: String, httpUrl: String, mediaAddress: String, sipAddress: String, version: String,
                state: NodeState = .ready, startedAt: Int, heartbeatAt: Int, cpuPermille: Int = 0, packetsPerSecond: Int = 0,
                participants: Int = 0, rooms: Int = 0, calls: Int = 0, recordings: Int = 0, recordingStore: String = "",
                capacity: Int = 0, pipeHost: String = "") {
        self.id = id
        self.name = name
        self.httpUrl = httpUrl
        self.mediaAddress = mediaAddress
        self.sipAddress = sipAddress
        self.version = version
        self.state = state
        self.startedAt = startedAt
        self.heartbeatAt = heartbeatAt
        self.cpuPermille = cpuPermille
        self.packetsPerSecond = packetsPerSecond
        self.participants = participants
        self.rooms = rooms
        self.calls = calls
        self.recordings = recordings
        self.recordingStore = recordingStore
        self.capacity = capacity
        self.pipeHost = pipeHost
    }
}
