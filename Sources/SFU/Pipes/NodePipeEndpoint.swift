/// One media loop of a node as the other nodes of a cluster reach it for
/// pipes: its address and port, and the epoch of the process that bound it.
///
/// The epoch is drawn when the loop starts. Pipe keys are derived from both
/// ends' endpoints (`NodePipeKeys`), so a restarted node, whose SRTP
/// sequence numbers start again, never encrypts under a key it used before
/// (AES-GCM must never see a nonce twice under one key: RFC 7714 §8.2).
public struct NodePipeEndpoint: Sendable, Hashable, Codable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var epoch: UInt64

    public init(host: String, port: Int, epoch: UInt64) {
        self.host = host
        self.port = port
        self.epoch = epoch
    }

    public var description: String { "\(host):\(port)/\(String(epoch, radix: 16))" }
}
