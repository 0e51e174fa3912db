/// What a cluster node does with new work. An operator sets it (`parley
/// node cordon|uncordon|drain`), the node reads it on its next heartbeat.
public enum NodeState: String, Codable, Sendable, CaseIterable {
    /// Takes new meetings and serves its own.
    case ready
    /// Serves the meetings it has, starts no new ones (maintenance ahead).
    case cordoned
    /// Starts nothing, reports itself not ready, and exits once its
    /// meetings have emptied or its drain deadline has passed.
    case draining
}
