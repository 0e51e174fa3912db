/// An `a=simulcast` line (RFC 8853 §5.1): `send <streams> [recv <streams>]` or
/// the reverse, where streams are separated by `;`, alternative formats of one
/// stream by `,`, and a `~` before an id marks it initially paused.
public struct Simulcast: Sendable, Hashable {
    /// The streams the writer sends, each a list of alternative rids.
    public var send: [[String]]
    /// The streams the writer receives.
    public var recv: [[String]]
    /// Rids marked with `~` (paused when the session starts).
    public var paused: Set<String>

    /// Creates a simulcast description.
    public init(send: [[String]] = [], recv: [[String]] = [], paused: Set<String> = []) {
        self.send = send
        self.recv = recv
        self.paused = paused
    }

    /// Parses an `a=simulcast` value. Also accepts a leading space and the
    /// `rid=` prefix of the pre-RFC syntax (draft-ietf-mmusic-sdp-simulcast-03,
    /// still written by some clients).
    public init?(attributeValue: String) {
        let fields = SDPSyntax.fields(attributeValue)
        guard fields.count == 2 || fields.count == 4 else { return nil }
        var send: [[String]]? = nil, recv: [[String]]? = nil
        var paused = Set<String>()
        var i = 0
        while i < fields.count {
            guard let streams = Simulcast.parseStreams(fields[i + 1], paused: &paused) else { return nil }
            switch fields[i] {
            case "send" where send == nil: send = streams
            case "recv" where recv == nil: recv = streams
            default: return nil
            }
            i += 2
        }
        self.init(send: send ?? [], recv: recv ?? [], paused: paused)
    }

    /// The value of an `a=simulcast` attribute (send first).
    public var attributeValue: String {
        var parts: [String] = []
        if !send.isEmpty { parts.append("send " + format(send)) }
        if !recv.isEmpty { parts.append("recv " + format(recv)) }
        return parts.joined(separator: " ")
    }

    private func format(_ streams: [[String]]) -> String {
        streams.map { alternatives in
            alternatives.map { paused.contains($0) ? "~" + $0 : $0 }.joined(separator: ",")
        }.joined(separator: ";")
    }

    private static func parseStreams(_ text: Substring, paused: inout Set<String>) -> [[String]]? {
        var body = text
        if body.utf8.starts(with: "rid=".utf8) { body = Substring(body.utf8.dropFirst(4)) }
        var streams: [[String]] = []
        for stream in body.utf8.split(separator: 0x3B, omittingEmptySubsequences: false) {
            var alternatives: [String] = []
            for alternative in stream.split(separator: 0x2C, omittingEmptySubsequences: false) {
                var id = Substring(alternative)
                if id.utf8.first == 0x7E {
                    id = Substring(id.utf8.dropFirst())
                    guard RID.isValidID(id) else { return nil }
                    paused.insert(String(id))
                }
                guard RID.isValidID(id) else { return nil }
                alternatives.append(String(id))
            }
            streams.append(alternatives)
        }
        return streams
    }
}
