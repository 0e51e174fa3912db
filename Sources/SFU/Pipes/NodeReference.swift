/// Another node of the cluster as its control plane reaches it: where the
/// producers of a room that spans nodes really are, and whom to ask for them.
public struct NodeReference: Sendable, Hashable, Codable {
    /// The node's name (unique in the cluster).
    public var name: String
    /// Where other nodes reach its HTTP server (`cluster.internal_url`).
    public var controlURL: String

    public init(name: String, controlURL: String) {
        self.name = name
        self.controlURL = controlURL
    }
}
