import Foundation

/// A dialplan: ordered rules mapping what a caller dialled to what happens to
/// the call. The first rule that matches wins; a call no rule matches is
/// rejected with 404. The format is documented in `Dialplans/default.dialplan`:
///
/// ```
/// # <field> <op> <pattern>  =>  <action>
/// user ~ ([0-9]{6,12})   => join $1
/// from is anonymous      => reject 433 "Anonymity Disallowed"
/// any                    => prompt
/// ```
public struct Dialplan: Sendable, Equatable {
    /// The name used in diagnostics.
    public var fileName: String
    /// The rules in file order.
    public var rules: [DialplanRule]
    /// Problems that did not stop the file from loading (unreachable rules).
    public var warnings: [DialplanDiagnostic]

    /// Parses a dialplan. Throws every error in the file (with warnings)
    /// rather than stopping at the first.
    public init(parsing text: String, fileName: String = "dialplan") throws(DialplanError) {
        var parser = DialplanParser(fileName: fileName)
        parser.parse(text)
        guard !parser.diagnostics.contains(where: { $0.severity == .error }) else {
            throw DialplanError(diagnostics: parser.diagnostics)
        }
        self.fileName = fileName
        self.rules = parser.rules
        self.warnings = parser.diagnostics
    }

    /// Reads and parses a file; diagnostics name it by its last path
    /// component.
    public static func load(path: String) throws(DialplanError) -> Dialplan {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw DialplanError(diagnostics: [DialplanDiagnostic(fileName: path, line: nil, column: nil,
                                                                 message: "cannot read the file (\(error.localizedDescription))")])
        }
        return try Dialplan(parsing: text, fileName: name)
    }

    /// The first rule that matches the call and its decision. A `join` whose
    /// code comes out empty (an optional group that did not match) does not
    /// match, so routing goes on to the next rule. No match: `reject 404`.
    public func route(_ call: DialedCall) -> DialplanRoute {
        for rule in rules {
            guard let captures = Self.captures(of: rule.condition, in: call) else { continue }
            switch rule.action {
            case .join(let template):
                let code = DialplanPattern.substitute(template, captures: captures)
                guard !code.isEmpty else { continue }
                return DialplanRoute(decision: .join(dialInCode: code), rule: rule)
            case .prompt:
                return DialplanRoute(decision: .prompt, rule: rule)
            case .reject(let status, let reason):
                return DialplanRoute(decision: .reject(status: status, reason: reason), rule: rule)
            }
        }
        return DialplanRoute(decision: .reject(status: 404, reason: "Not Found"), rule: nil)
    }

    /// Nil when the condition does not hold; else the captures (index 0 is
    /// the whole value).
    static func captures(of condition: DialplanCondition, in call: DialedCall) -> [String]? {
        switch condition {
        case .any:
            return [""]
        case .exact(let field, let text):
            let value = field.value(in: call)
            return value.lowercased() == text.lowercased() ? [value] : nil
        case .regex(let field, let pattern, _):
            return DialplanPattern.wholeMatch(pattern, in: field.value(in: call))
        }
    }
}
