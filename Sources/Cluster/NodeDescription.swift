/// Who a node is and where it is reached, as it registers.
public struct NodeDescription: Sendable, Equatable {
    public var id: String
    public var name: String
    public var httpURL: String
    public var mediaAddress: String
    public var sipAddress: String
    public var version: String
    /// The id of the recording directory it serves (`RecordingService.node`).
    public var recordingStore: String
    /// People and calls it carries at full stress (`cluster.node_capacity`).
    public var capacity: Int
    /// The host its node pipes listen on (`media.pipe_address`); "" for the
    /// media address's host.
    public var pipeHost: String

    public init(id: String, name: String, httpURL: String, mediaAddress: String, sipAddress: String, version: String,
                recordingStore: String = "", capacity: Int = 0, pipeHost: String = "") {
        self.id = id
        self.name = name
        self.httpURL = httpURL
        self.mediaAddress = mediaAddress
        self.sipAddress = sipAddress
        self.version = version
        self.recordingStore = recordingStore
        self.capacity = capacity
        self.pipeHost = pipeHost
    }
}
