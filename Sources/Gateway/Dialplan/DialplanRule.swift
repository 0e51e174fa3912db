/// One line of a dialplan: `<condition> => <action>`.
public struct DialplanRule: Sendable, Equatable {
    /// The 1-based line number in the file.
    public var line: Int
    /// The line as written, without its comment (for logs).
    public var source: String
    /// When the rule applies.
    public var condition: DialplanCondition
    /// What it does.
    public var action: DialplanAction

    /// Creates a rule.
    public init(line: Int, source: String, condition: DialplanCondition, action: DialplanAction) {
        self.line = line
        self.source = source
        self.condition = condition
        self.action = action
    }
}
