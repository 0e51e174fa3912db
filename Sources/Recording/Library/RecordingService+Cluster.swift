import Rooms
import Store

/// Recordings captured by another node of a cluster: their files are in
/// that node's directory (unless the nodes share one: then the directory's
/// id is the same, and every node serves them itself).
extension RecordingService {
    /// Sets where other nodes' recordings are found (a cluster).
    public func setLocator(_ locator: any RecordingLocator) {
        self.locator = locator
    }

    /// Whether the files of `record` are in another node's directory.
    public nonisolated func isElsewhere(_ record: RecordingRecord) -> Bool {
        !record.node.isEmpty && record.node != node
    }

    /// The live node that has the files of `record`, when they are not here;
    /// nil when they are here, or when no live node has them.
    public func holder(of record: RecordingRecord) async -> RoomLocation.RemoteNode? {
        guard isElsewhere(record), let locator else { return nil }
        return await locator.node(servingRecordings: record.node)
    }
}
