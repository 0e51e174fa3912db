import Rooms

/// Finds the node that has a recording's files, in a cluster whose nodes
/// keep recordings in directories of their own; the executable hands the
/// recording service one backed by the cluster's database.
public protocol RecordingLocator: Sendable {
    /// The live node, other than this one, serving the recording directory
    /// whose id is `directoryID` (`RecordingRecord.node`); nil for none.
    func node(servingRecordings directoryID: String) async -> RoomLocation.RemoteNode?
}
