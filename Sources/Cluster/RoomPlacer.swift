import Foundation
import Logging
import Store

/// Decides, for this node, where a meeting's room runs in the cluster
/// (`room_placements`): the node already running it while that node lives
/// and is not draining, else the least stressed ready node
/// (`RoomPlacementPolicy`), claimed in the database so that every node
/// sends the meeting's people to the same place.
public actor RoomPlacer {
    /// Where a meeting's room runs.
    public enum Decision: Sendable, Equatable {
        /// On this node (the placement is ours now).
        case here
        /// On another live node.
        case node(NodeRecord)
        /// No node may start it (all cordoned or draining).
        case nowhere
    }

    public nonisolated let nodeID: String
    public nonisolated let policy: RoomPlacementPolicy
    private let store: Store
    private let logger: Logger

    public init(store: Store, nodeID: String, policy: RoomPlacementPolicy, logger: Logger) {
        self.store = store
        self.nodeID = nodeID
        self.policy = policy
        self.logger = logger
    }

    /// Where `meetingID`'s room runs, placing it if it runs nowhere alive.
    /// Throws when the database cannot be read.
    public func place(_ meetingID: String, now: Int = Timestamp.now) async throws -> Decision {
        var nodes = try await store.nodes()
        // Not registered yet (the first heartbeat is under way): this node
        // decides alone, as a single server does.
        guard nodes.contains(where: { $0.id == nodeID }) else { return .here }
        var replacing: String?
        if let held = try await store.roomPlacement(meetingId: meetingID) {
            if let holder = nodes.first(where: { $0.id == held.nodeId }), policy.keepsRooms(holder, now: now) {
                return held.nodeId == nodeID ? .here : .node(holder)
            }
            replacing = held.nodeId
        }
        let recent = try await store.recentRoomPlacements(since: now - policy.rampUpMilliseconds)
        guard let chosen = policy.choose(among: nodes, recentRooms: recent, preferring: nodeID, now: now) else { return .nowhere }
        let claimed = try await store.claimRoomPlacement(meetingId: meetingID, nodeId: chosen.id, at: now, replacing: replacing)
        if claimed.nodeId == nodeID { return .here }
        if !nodes.contains(where: { $0.id == claimed.nodeId }) { nodes = try await store.nodes() }
        guard let holder = nodes.first(where: { $0.id == claimed.nodeId }) else { return .nowhere }
        if claimed.nodeId == chosen.id {
            logger.info("meeting placed on another node", metadata: ["meeting": "\(meetingID)", "on": "\(holder.name)"])
        }
        return .node(holder)
    }

    /// The other live node (not draining) whose placement holds `meetingID`;
    /// nil when it runs here or nowhere. Reads only.
    public func holder(of meetingID: String, now: Int = Timestamp.now) async throws -> NodeRecord? {
        guard let held = try await store.roomPlacement(meetingId: meetingID), held.nodeId != nodeID else { return nil }
        return try await store.nodes().first { $0.id == held.nodeId && policy.keepsRooms($0, now: now) }
    }

    /// Another live node that serves the recording directory `directoryID`
    /// (any state: a draining node still serves its files). Reads only.
    public func node(servingRecordings directoryID: String, now: Int = Timestamp.now) async throws -> NodeRecord? {
        guard !directoryID.isEmpty else { return nil }
        return try await store.nodes()
            .filter { $0.recordingStore == directoryID && $0.id != nodeID && policy.isAlive($0, now: now) }
            .max { $0.heartbeatAt < $1.heartbeatAt }
    }

    /// The node a new participant's media should attach to for a room here,
    /// this node's stress being `homeStress` (`RoomPlacementPolicy.mediaSite`);
    /// nil: this node. Reads the database only past the spill threshold;
    /// throws when it cannot be read.
    public func mediaSite(homeStress: Double, arrivedThrough: String?, now: Int = Timestamp.now) async throws -> NodeRecord? {
        guard policy.spills(homeStress: homeStress) else { return nil }
        let nodes = try await store.nodes()
        let recent = try await store.recentRoomPlacements(since: now - policy.rampUpMilliseconds)
        return policy.mediaSite(home: nodeID, homeStress: homeStress, among: nodes, recentRooms: recent,
                                arrivedThrough: arrivedThrough, now: now)
    }

    /// The other nodes alive now (any state).
    public func liveNodes(now: Int = Timestamp.now) async throws -> [NodeRecord] {
        try await store.nodes().filter { $0.id != nodeID && policy.isAlive($0, now: now) }
    }

    /// A room for `meetingID` started here: the placement names this node,
    /// unless another live node holds it (then the meeting runs on both for
    /// now, which is logged; people who come next go to the holder).
    public func claim(_ meetingID: String, now: Int = Timestamp.now) async throws {
        var replacing: String?
        if let held = try await store.roomPlacement(meetingId: meetingID) {
            guard held.nodeId != nodeID else { return }
            if let holder = try await store.nodes().first(where: { $0.id == held.nodeId }), policy.keepsRooms(holder, now: now) {
                logger.warning("a meeting's room started here while another node runs it",
                               metadata: ["meeting": "\(meetingID)", "on": "\(holder.name)"])
                return
            }
            replacing = held.nodeId
        }
        _ = try await store.claimRoomPlacement(meetingId: meetingID, nodeId: nodeID, at: now, replacing: replacing)
    }

    /// The meeting's room closed here: it may start anywhere next time.
    public func release(_ meetingID: String) async {
        do { try await store.releaseRoomPlacement(meetingId: meetingID, nodeId: nodeID) } catch {
            logger.warning("a room's placement could not be released", metadata: ["meeting": "\(meetingID)", "error": "\(error)"])
        }
    }

    /// This node stops: its meetings may start anywhere.
    public func releaseAll() async {
        do { try await store.releaseRoomPlacements(nodeId: nodeID) } catch {
            logger.warning("the node's placements could not be released", metadata: ["error": "\(error)"])
        }
    }
}
