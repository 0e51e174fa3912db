import Logging
import Rooms

/// The room registry's view of the cluster: `RoomPlacer`'s decisions as
/// the front doors use them. When the database cannot be read, the node
/// decides alone (`.here`): rooms that run here go on, and a new one starts
/// here if this node starts rooms, as a single server would.
public struct ClusterRoomLocator: RoomLocator {
    public let placer: RoomPlacer
    let logger: Logger

    public init(placer: RoomPlacer, logger: Logger) {
        self.placer = placer
        self.logger = logger
    }

    public func locate(_ meetingID: String) async -> RoomLocation {
        do {
            switch try await placer.place(meetingID) {
            case .here: return .here
            case .nowhere: return .nowhere
            case .node(let node):
                return .elsewhere(.init(name: node.name, httpURL: node.httpUrl, sipAddress: node.sipAddress))
            }
        } catch {
            logger.warning("where the meeting runs could not be read; deciding alone",
                           metadata: ["meeting": "\(meetingID)", "error": "\(error)"])
            return .here
        }
    }

    public func released(_ meetingID: String) async { await placer.release(meetingID) }
}
