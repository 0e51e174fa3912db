/// Why a dialplan did not load: every problem in the file, in line order
/// (warnings included, so one report shows everything).
public struct DialplanError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The problems, errors and warnings, in line order.
    public var diagnostics: [DialplanDiagnostic]

    /// Creates an error.
    public init(diagnostics: [DialplanDiagnostic]) {
        self.diagnostics = diagnostics
    }

    /// Only the errors.
    public var errors: [DialplanDiagnostic] { diagnostics.filter { $0.severity == .error } }

    /// One diagnostic per line.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
