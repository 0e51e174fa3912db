/// One problem found in a dialplan file.
public struct DialplanDiagnostic: Sendable, Equatable, CustomStringConvertible {
    /// Whether the problem stops the dialplan from loading.
    public enum Severity: String, Sendable, Equatable {
        /// The file is rejected.
        case error
        /// The file loads, but probably does not do what was meant.
        case warning
    }

    /// The file name given to the parser.
    public var fileName: String
    /// The 1-based line, nil for a problem with the whole file.
    public var line: Int?
    /// The 1-based column (in Unicode scalars), nil for the whole line.
    public var column: Int?
    /// Error or warning.
    public var severity: Severity
    /// What is wrong, in words.
    public var message: String

    /// Creates a diagnostic.
    public init(fileName: String, line: Int?, column: Int?, severity: Severity = .error, message: String) {
        self.fileName = fileName
        self.line = line
        self.column = column
        self.severity = severity
        self.message = message
    }

    /// `default.dialplan:3:27: unknown action "jion" (expected join, prompt or reject)`,
    /// with `warning: ` before the message of a warning (the form compilers
    /// use, so editors can jump to it).
    public var description: String {
        var location = fileName
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        return "\(location): \(severity == .warning ? "warning: " : "")\(message)"
    }
}
