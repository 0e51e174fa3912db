import SFU

/// How a cluster node lets rooms span nodes: this node as the others reach
/// it, and the cluster's choice of node for a new participant's media
/// (nil: this one). The executable makes it from the cluster's placement
/// policy; a single server has none.
public struct MediaSitePicker: Sendable {
    public var here: NodeReference
    public var choose: @Sendable (_ meetingID: String, _ arrivedThrough: String?) async -> NodeReference?

    public init(here: NodeReference, choose: @escaping @Sendable (_ meetingID: String, _ arrivedThrough: String?) async -> NodeReference?) {
        self.here = here
        self.choose = choose
    }
}
