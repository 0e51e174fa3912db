/// What `/readyz` says: whether this node should be sent new work. The
/// executable fills it from the cluster membership; without one (tests that
/// assemble a web app alone) a node is ready.
public struct ReadinessReport: Sendable, Equatable, Encodable {
    public var ready: Bool
    /// The node's state as operators set it (ready, cordoned, draining).
    public var state: String
    /// Why it is not ready; nil when it is.
    public var reason: String?
    /// The reason in words.
    public var message: String?

    public init(ready: Bool, state: String, reason: String? = nil, message: String? = nil) {
        self.ready = ready
        self.state = state
        self.reason = reason
        self.message = message
    }

    public static let alwaysReady = ReadinessReport(ready: true, state: "ready")
}
