/// An `a=msid:<stream> [<track>]` line (RFC 8830 §2): the MediaStream and
/// MediaStreamTrack a browser associates with an m-line. `-` as the stream means
/// "no stream".
public struct MediaStreamID: Sendable, Hashable {
    /// The stream id.
    public var stream: String
    /// The track id (`msid-appdata`); empty when the line has none.
    public var track: String

    /// Creates an msid.
    public init(stream: String, track: String) {
        self.stream = stream
        self.track = track
    }

    /// Parses an `a=msid` value (or an `a=ssrc:<n> msid:` value): one or two
    /// tokens.
    public init?(attributeValue: String) {
        let fields = SDPSyntax.fields(attributeValue)
        guard fields.count == 1 || fields.count == 2, fields.allSatisfy(SDPSyntax.isToken) else { return nil }
        self.init(stream: String(fields[0]), track: fields.count == 2 ? String(fields[1]) : "")
    }

    /// The value of an `a=msid` attribute.
    public var attributeValue: String { track.isEmpty ? stream : "\(stream) \(track)" }
}
