/// A session description (RFC 8866): the session-level lines and the media
/// sections.
///
/// Parse with `init(parsing:)`, write with `serialized`. `r=`, `z=` and `k=`
/// lines are accepted and dropped: no browser or phone Parley talks to uses
/// repeat times or time zones, and `k=` is obsolete (RFC 8866 §5.12).
public struct SessionDescription: Sendable, Equatable {
    /// `o=`.
    public var origin: Origin
    /// `s=` (browsers write `-`).
    public var sessionName: String
    /// `i=`.
    public var information: String?
    /// `u=`.
    public var uri: String?
    /// `e=` lines.
    public var emails: [String]
    /// `p=` lines.
    public var phones: [String]
    /// The session-level `c=` line.
    public var connection: Connection?
    /// Session-level `b=` values verbatim.
    public var bandwidths: [String]
    /// `t=` values verbatim (`0 0`).
    public var timing: [String]
    /// Session-level `a=` lines, in order.
    public var attributes: [SDPAttribute]
    /// The media sections, in order.
    public var media: [MediaDescription]

    /// Creates a description.
    public init(origin: Origin, sessionName: String = "-", information: String? = nil, uri: String? = nil,
                emails: [String] = [], phones: [String] = [], connection: Connection? = nil,
                bandwidths: [String] = [], timing: [String] = ["0 0"], attributes: [SDPAttribute] = [],
                media: [MediaDescription] = []) {
        self.origin = origin
        self.sessionName = sessionName
        self.information = information
        self.uri = uri
        self.emails = emails
        self.phones = phones
        self.connection = connection
        self.bandwidths = bandwidths
        self.timing = timing
        self.attributes = attributes
        self.media = media
    }

    /// The largest description accepted, in bytes. Browser offers with three
    /// simulcast layers and every codec are about 10 KiB.
    public static let maximumSize = 64 * 1024
    /// The most media sections accepted.
    public static let maximumMediaCount = 128

    /// Parses a description. Lines end in CRLF or LF; blank lines are skipped.
    /// The first line must be `v=0`; `o=` is required; lines must have the form
    /// `<letter>=<value>` with a known letter (RFC 8866 §5); session-only lines
    /// may not follow an `m=` line; the attributes the typed accessors read
    /// (rtpmap, fmtp, rtcp-fb, extmap, ssrc, ssrc-group, mid, fingerprint,
    /// setup, rid, simulcast, msid, group, the directions) must be well formed;
    /// mids must be unique. Throws with the 1-based number of the offending
    /// line; never traps.
    public init(parsing text: String) throws(SDPParseError) {
        var copy = text
        let result = copy.withUTF8 { bytes in
            Result { () throws(SDPParseError) in try SDPParser.parse(bytes) }
        }
        self = try result.get()
    }

    /// Parses a description from bytes (invalid UTF-8 becomes U+FFFD).
    public init(parsing bytes: [UInt8]) throws(SDPParseError) {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(SDPParseError) in try SDPParser.parse(buffer) }
        }
        self = try result.get()
    }

    // MARK: - Session-level attributes

    /// The value of the first session-level attribute with this name.
    public func attribute(_ name: String) -> String? { attributes.firstValue(name) }

    /// Whether a session-level attribute with this name is present.
    public func hasAttribute(_ name: String) -> Bool { attributes.contains(name) }

    /// `a=group` lines (RFC 5888 §5).
    public var groups: [SDPGroup] {
        attributes.values("group").compactMap(SDPGroup.init(attributeValue:))
    }

    /// The mids of the first `a=group:BUNDLE` (RFC 9143 §7.1); empty when there
    /// is none.
    public var bundleMids: [String] {
        groups.first { $0.semantics == "BUNDLE" }?.mids ?? []
    }

    /// `a=ice-lite` (RFC 8839 §5.3).
    public var isICELite: Bool { hasAttribute("ice-lite") }
    /// The session-level `a=ice-ufrag`.
    public var iceUfrag: String? { attribute("ice-ufrag") }
    /// The session-level `a=ice-pwd`.
    public var icePassword: String? { attribute("ice-pwd") }
    /// The first session-level `a=fingerprint`.
    public var fingerprint: Fingerprint? {
        attributes.values("fingerprint").lazy.compactMap(Fingerprint.init(attributeValue:)).first
    }
    /// The session-level `a=setup`.
    public var setup: String? { attribute("setup") }
    /// The session-level direction attribute.
    public var direction: Direction? {
        for attribute in attributes where attribute.value == nil {
            if let direction = Direction(rawValue: attribute.name) { return direction }
        }
        return nil
    }

    // MARK: - Media-level values with session-level fallback

    /// A section's `a=ice-ufrag`, else the session's.
    public func iceUfrag(of media: MediaDescription) -> String? { media.iceUfrag ?? iceUfrag }
    /// A section's `a=ice-pwd`, else the session's.
    public func icePassword(of media: MediaDescription) -> String? { media.icePassword ?? icePassword }
    /// A section's `a=fingerprint`, else the session's.
    public func fingerprint(of media: MediaDescription) -> Fingerprint? { media.fingerprint ?? fingerprint }
    /// A section's `a=setup`, else the session's.
    public func setup(of media: MediaDescription) -> String? { media.setup ?? setup }
    /// A section's direction, else the session's, else `sendrecv` (RFC 8866 §6.7).
    public func direction(of media: MediaDescription) -> Direction { media.direction ?? direction ?? .sendrecv }
    /// A section's `c=`, else the session's.
    public func connection(of media: MediaDescription) -> Connection? { media.connection ?? connection }

    /// The section with this mid.
    public func media(mid: String) -> MediaDescription? { media.first { $0.mid == mid } }
}
