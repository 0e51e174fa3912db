/// One media section: the `m=` line and the `i=`, `c=`, `b=` and `a=` lines
/// after it (RFC 8866 §5.14).
///
/// The stored properties hold the section as written; the typed accessors
/// (`mid`, `codecs`, `ssrcs`, …) read the attributes each time they are called.
/// The parser has already checked the syntax of every attribute an accessor
/// reads, so for a parsed description an accessor never silently drops a line;
/// for a hand-built one, malformed values are skipped.
public struct MediaDescription: Sendable, Equatable {
    /// `audio`, `video`, `application`, …
    public var kind: String
    /// The transport port; 0 rejects (RFC 3264 §6) or disables the section.
    public var port: UInt16
    /// The `/<number of ports>` after the port, when written (RFC 8866 §5.14).
    public var portCount: UInt16?
    /// `UDP/TLS/RTP/SAVPF`, `RTP/AVP`, `UDP/DTLS/SCTP`, …
    public var proto: String
    /// The media formats: RTP payload types for RTP protocols.
    public var formats: [String]
    /// The `i=` title.
    public var information: String?
    /// The section's `c=` line.
    public var connection: Connection?
    /// The `b=` values verbatim (`AS:2000`, `TIAS:128000`).
    public var bandwidths: [String]
    /// The section's `a=` lines, in order.
    public var attributes: [SDPAttribute]

    /// Creates a media section.
    public init(kind: String, port: UInt16, portCount: UInt16? = nil, proto: String, formats: [String],
                information: String? = nil, connection: Connection? = nil, bandwidths: [String] = [],
                attributes: [SDPAttribute] = []) {
        self.kind = kind
        self.port = port
        self.portCount = portCount
        self.proto = proto
        self.formats = formats
        self.information = information
        self.connection = connection
        self.bandwidths = bandwidths
        self.attributes = attributes
    }

    /// Whether the section is rejected or disabled (port 0, RFC 3264 §6).
    public var isRejected: Bool { port == 0 }

    /// The text after `m=`.
    public var mediaLine: String {
        var line = kind + " " + String(port)
        if let portCount { line += "/" + String(portCount) }
        line += " " + proto
        for format in formats { line += " " + format }
        return line
    }

    // MARK: - Attributes

    /// The value of the first attribute with this name.
    public func attribute(_ name: String) -> String? { attributes.firstValue(name) }

    /// The values of every attribute with this name.
    public func attributeValues(_ name: String) -> [String] { attributes.values(name) }

    /// Whether an attribute with this name is present.
    public func hasAttribute(_ name: String) -> Bool { attributes.contains(name) }

    /// Appends an attribute.
    public mutating func addAttribute(_ name: String, _ value: String? = nil) {
        attributes.append(SDPAttribute(name, value))
    }

    /// Removes every attribute with this name.
    public mutating func removeAttributes(_ name: String) {
        attributes.removeAll { $0.name == name }
    }

    // MARK: - Typed accessors: identity and transport

    /// `a=mid` (RFC 9143 §9.2 via RFC 5888 §4).
    public var mid: String? { attribute("mid") }

    /// The section's direction attribute, nil when there is none (which means
    /// `sendrecv` unless the session level says otherwise, RFC 8866 §6.7).
    public var direction: Direction? {
        for attribute in attributes where attribute.value == nil {
            if let direction = Direction(rawValue: attribute.name) { return direction }
        }
        return nil
    }

    /// `a=ice-ufrag` of this section (RFC 8839 §5.4).
    public var iceUfrag: String? { attribute("ice-ufrag") }
    /// `a=ice-pwd` of this section (RFC 8839 §5.4).
    public var icePassword: String? { attribute("ice-pwd") }
    /// The first `a=fingerprint` of this section (RFC 8122 §5).
    public var fingerprint: Fingerprint? { fingerprints.first }
    /// Every `a=fingerprint` of this section (RFC 8122 §5 allows several).
    public var fingerprints: [Fingerprint] { attributeValues("fingerprint").compactMap(Fingerprint.init(attributeValue:)) }
    /// `a=setup`: `active`, `passive`, `actpass` or `holdconn` (RFC 4145 §4).
    public var setup: String? { attribute("setup") }
    /// `a=candidate` values verbatim (RFC 8839 §5.1).
    public var candidates: [String] { attributeValues("candidate") }
    /// `a=rtcp-mux` (RFC 5761 §5.1.1).
    public var rtcpMux: Bool { hasAttribute("rtcp-mux") }
    /// `a=rtcp-rsize` (RFC 5506 §5).
    public var rtcpReducedSize: Bool { hasAttribute("rtcp-rsize") }
    /// `a=bundle-only` (RFC 9143 §6).
    public var isBundleOnly: Bool { hasAttribute("bundle-only") }
    /// `a=ptime` in milliseconds (RFC 8866 §6.4), when it is a whole number.
    public var ptime: UInt32? { attribute("ptime").flatMap { SDPSyntax.decimal($0, as: UInt32.self) } }
    /// `a=maxptime` in milliseconds (RFC 8866 §6.5), when it is a whole number.
    public var maxPtime: UInt32? { attribute("maxptime").flatMap { SDPSyntax.decimal($0, as: UInt32.self) } }
}
