/// Where the media plane listens and what it advertises.
public struct MediaConfiguration: Sendable {
    /// The address the one UDP port binds to (all WebRTC traffic of the node, RFC 7983 demultiplexing).
    public var host: String
    public var port: Int
    /// The address put in ICE candidates: the public address behind NAT, or the bind host.
    public var publicAddress: String
    /// Prefer H.264 over VP8 when a browser offers both.
    public var preferH264: Bool

    public init(host: String, port: Int, publicAddress: String? = nil, preferH264: Bool = false) {
        self.host = host
        self.port = port
        self.publicAddress = publicAddress ?? host
        self.preferH264 = preferH264
    }
}
