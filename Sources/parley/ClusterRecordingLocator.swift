import Cluster
import Logging
import Recording
import Rooms

/// The recording service's view of the cluster: which live node serves a
/// recording directory, from the nodes' rows (`RoomPlacer`).
struct ClusterRecordingLocator: RecordingLocator {
    let placer: RoomPlacer
    let logger: Logger

    func node(servingRecordings directoryID: String) async -> RoomLocation.RemoteNode? {
        do {
            return try await placer.node(servingRecordings: directoryID)
                .map { .init(name: $0.name, httpURL: $0.httpUrl, sipAddress: $0.sipAddress) }
        } catch {
            logger.warning("which node has a recording could not be read", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
