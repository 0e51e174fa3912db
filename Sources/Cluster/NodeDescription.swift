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

    public init(id: String, name: String, httpURL: String, mediaAddress: String, sipAddress: String, version: String,
                recordingStore: String = "") {
        self.id = id
        self.name = name
        self.httpURL = httpURL
        self.mediaAddress = mediaAddress
        self.sipAddress = sipAddress
        self.version = version
        self.recordingStore = recordingStore
    }
}
