/// When a rule applies.
public enum DialplanCondition: Sendable, Equatable {
    /// Every call (`any`).
    case any
    /// The field equals the text, ignoring case (`user is lobby`).
    case exact(DialplanField, String)
    /// The whole field matches the regular expression (`user ~ ([0-9]{6,12})`);
    /// `groups` is the number of capture groups, which `$1…$9` may use.
    case regex(DialplanField, pattern: String, groups: Int)

    /// The capture groups a join action may refer to.
    public var groupCount: Int {
        if case .regex(_, _, let groups) = self { return groups }
        return 0
    }
}
