/// The part of a call a rule looks at.
public enum DialplanField: Sendable, Hashable {
    /// The Request-URI user.
    case user
    /// The To user.
    case to
    /// The From user.
    case from
    /// The To user under a trunk's name for it: the dialled number.
    case did
    /// A header of the INVITE, by name (case-insensitive, RFC 3261 §7.3.1),
    /// e.g. `X-Meeting` set by a PBX or a trunk; a missing header is "".
    case header(String)

    /// The field named by a rule's first word (`header` takes a name after it).
    init?(keyword: String) {
        switch keyword.lowercased() {
        case "user": self = .user
        case "to": self = .to
        case "from": self = .from
        case "did": self = .did
        default: return nil
        }
    }

    /// The field as a rule writes it.
    public var name: String {
        switch self {
        case .user: "user"
        case .to: "to"
        case .from: "from"
        case .did: "did"
        case .header(let header): "header \(header)"
        }
    }

    /// The field's value in a call.
    public func value(in call: DialedCall) -> String {
        switch self {
        case .user: call.user
        case .to, .did: call.to
        case .from: call.from
        case .header(let header): call.headers[header.lowercased()] ?? ""
        }
    }
}
