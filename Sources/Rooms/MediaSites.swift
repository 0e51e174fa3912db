import SFU

/// Where the media of a room's participants may attach: this node, or
/// another node of the cluster when this one is full or the participant is
/// better served there (a room that spans nodes). The room itself (who is
/// in it, its rules, its events) stays on its node; only transports and
/// tracks live elsewhere, and each track crosses between two nodes once.
/// The executable hands the registry one backed by the cluster.
public protocol MediaSites: Sendable {
    /// This node, as the other nodes reach it (the origin of its producers).
    var here: NodeReference { get }
    /// The node a new participant's media should attach to, nil for this
    /// one; `arrivedThrough` names the node whose front door they came in
    /// by (their signaling is relayed from there), if another.
    func site(forJoinOf meetingID: String, arrivedThrough: String?) async -> NodeReference?
    /// The media operations on `node`.
    func media(at node: NodeReference) -> any RoomMedia
}
