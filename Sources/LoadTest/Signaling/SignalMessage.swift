/// A server → client message of the signaling socket (Docs/signaling.md),
/// with the fields a simulated participant reads.
public struct SignalMessage: Sendable, Decodable {
    public struct Track: Sendable, Decodable {
        public var mid: String
        public var producerId: String?
        public var participantId: String?
        public var source: String?
    }

    public var type: String
    public var sdp: String?
    public var tracks: [Track]?
    public var participantId: String?
    public var code: String?
    public var message: String?
    public var requestType: String?
    /// In `joined`, `resumed` and `pong`: the token to come back with.
    public var resumeToken: String?

    public init(type: String) {
        self.type = type
    }
}
