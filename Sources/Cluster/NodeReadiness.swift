import Foundation
import Store

/// Whether a node should be sent new work (`/readyz`), from what its
/// heartbeats found: readiness is not liveness. A node that loses the
/// database keeps its meetings going (media never waits on the database)
/// but is not ready; a draining node is not ready; a cordoned node is
/// ready for its own meetings but takes no new ones.
public struct NodeReadiness: Sendable, Equatable {
    /// Why a node is not ready; raw values are what `/readyz` says.
    public enum Reason: String, Sendable {
        /// No heartbeat has reached the database yet.
        case starting
        /// The last heartbeat failed, or none succeeded for too long.
        case databaseUnreachable = "database_unreachable"
        case draining
    }

    /// The state the node last read from its row.
    public private(set) var state: NodeState = .ready
    /// When a heartbeat last reached the database.
    public private(set) var lastSuccess: Date?
    /// The last heartbeat failed.
    public private(set) var failing = false
    /// How long a node stays ready without a successful heartbeat.
    public let tolerance: TimeInterval

    public init(tolerance: TimeInterval) {
        self.tolerance = tolerance
    }

    /// A heartbeat reached the database and read `state`.
    public mutating func heartbeatSucceeded(at time: Date, state: NodeState) {
        lastSuccess = time
        failing = false
        self.state = state
    }

    public mutating func heartbeatFailed() {
        failing = true
    }

    /// The node decided to drain on its own (a signal): it takes effect at
    /// once, before the database hears of it.
    public mutating func drain() {
        state = .draining
    }

    /// Why the node is not ready at `now`, or nil when it is.
    public func notReady(at now: Date) -> Reason? {
        if state == .draining { return .draining }
        guard let lastSuccess else { return .starting }
        if failing || now.timeIntervalSince(lastSuccess) > tolerance { return .databaseUnreachable }
        return nil
    }

    /// Whether the node starts rooms for meetings it does not carry yet.
    public var takesNewRooms: Bool { state == .ready }
}
