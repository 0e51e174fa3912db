/// Why a session description could not be parsed, and where.
public struct SDPParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The 1-based line number of the offending line (LF-separated; a preceding
    /// CR is part of the line ending).
    public var line: Int
    /// What is wrong, in words.
    public var reason: String

    /// Creates an error for a line.
    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "SDP line \(line): \(reason)" }
}
