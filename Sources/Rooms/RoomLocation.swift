import SFU

/// Where a meeting's room runs, as a front door needs to know it: here, on
/// another node of the cluster (reached at its addresses), or nowhere
/// (no node may start it).
public enum RoomLocation: Sendable, Equatable {
    case here
    case elsewhere(RemoteNode)
    case nowhere

    /// The other node, when the room runs on one.
    public var remoteNode: RemoteNode? {
        if case .elsewhere(let node) = self { return node }
        return nil
    }

    /// Another node, as the doors reach it.
    public struct RemoteNode: Sendable, Equatable {
        public var name: String
        /// Its HTTP server for other nodes (signaling is relayed there).
        public var httpURL: String
        /// host:port of its SIP gateway; empty when it has none.
        public var sipAddress: String

        public init(name: String, httpURL: String, sipAddress: String) {
            self.name = name
            self.httpURL = httpURL
            self.sipAddress = sipAddress
        }

        /// A node as its media plane names it (`NodeReference`), for the
        /// control plane's calls; its SIP address is not needed there.
        public init(_ node: NodeReference) {
            self.init(name: node.name, httpURL: node.controlURL, sipAddress: "")
        }
    }
}

/// Finds (and claims) where a meeting's room runs across nodes; the
/// executable hands the registry one backed by the cluster's database.
public protocol RoomLocator: Sendable {
    /// Where `meetingID`'s room runs; `.here` means this node has claimed it.
    func locate(_ meetingID: String) async -> RoomLocation
    /// The meeting's room closed on this node.
    func released(_ meetingID: String) async
    /// A room for the meeting started on this node: the placement names
    /// this node (a no-op when it already does).
    func claimed(_ meetingID: String) async
    /// The live node other than this one that runs `meetingID`, if any;
    /// unlike `locate`, it never places the meeting.
    func holder(of meetingID: String) async -> RoomLocation.RemoteNode?
}
