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

    public func claimed(_ meetingID: String) async {
        do { try await placer.claim(meetingID) } catch {
            logger.warning("a room's placement could not be written", metadata: ["meeting": "\(meetingID)", "error": "\(error)"])
        }
    }

    public func holder(of meetingID: String) async -> RoomLocation.RemoteNode? {
        do {
            return try await placer.holder(of: meetingID).map { .init(name: $0.name, httpURL: $0.httpUrl, sipAddress: $0.sipAddress) }
        } catch {
            logger.warning("where the meeting runs could not be read", metadata: ["meeting": "\(meetingID)", "error": "\(error)"])
            return nil
        }
    }
}
