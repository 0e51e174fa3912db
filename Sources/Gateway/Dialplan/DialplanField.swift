/// The part of a call a rule looks at.
public enum DialplanField: String, Sendable, Hashable, CaseIterable {
    /// The Request-URI user.
    case user
    /// The To user.
    case to
    /// The From user.
    case from
    /// The To user under a trunk's name for it: the dialled number.
    case did

    /// The field's value in a call.
    public func value(in call: DialedCall) -> String {
        switch self {
        case .user: call.user
        case .to, .did: call.to
        case .from: call.from
        }
    }
}
