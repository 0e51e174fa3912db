/// One client → server message of the signaling protocol (Docs/signaling.md).
/// Every field but `type` is optional here; each handler checks what it needs.
struct SignalingRequest: Decodable {
    struct Track: Decodable {
        var mid: String
        var source: String
    }

    var type: String
    var token: String?
    var sdp: String?
    var tracks: [Track]?
    var source: String?
    var muted: Bool?
    var producerId: String?
    var width: Int?
    var height: Int?
    var text: String?
    var raised: Bool?
    var participantId: String?
    var locked: Bool?
    var admit: Bool?
    var cohost: Bool?
    var message: String?
    /// `phone.call`, `phone.transfer`: a SIP URI or a phone number;
    /// `phone.move`: a meeting's link, code or dial-in code.
    var target: String?
    /// `resume`: the token from `joined`, `resumed` or the latest `pong`.
    var resumeToken: String?
    /// `resume`: the browser's peer connections are still up; keep the
    /// server's transports if they are too.
    var keepMedia: Bool?
    /// `reaction.send`: one of `Room.reactionEmoji`.
    var emoji: String?
    /// `host.lobby`: the lobby on or off.
    var enabled: Bool?
}
