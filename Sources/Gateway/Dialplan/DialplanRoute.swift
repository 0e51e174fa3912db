/// The result of routing a call: the decision and the rule that made it.
public struct DialplanRoute: Sendable, Equatable, CustomStringConvertible {
    /// What to do.
    public var decision: DialplanDecision
    /// The matching rule; nil when no rule matched (the decision is then
    /// `reject 404`).
    public var rule: DialplanRule?

    /// Creates a route.
    public init(decision: DialplanDecision, rule: DialplanRule?) {
        self.decision = decision
        self.rule = rule
    }

    /// `join 123456 (line 3: user ~ ([0-9]{6,12}) => join $1)`, for logs.
    public var description: String {
        guard let rule else { return "\(decision) (no rule matched)" }
        return "\(decision) (line \(rule.line): \(rule.source))"
    }
}
