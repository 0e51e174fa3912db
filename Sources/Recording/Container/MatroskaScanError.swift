/// Why bytes are not a Matroska file at all (as opposed to a truncated one,
/// which `MatroskaScan` reads as far as it goes).
public enum MatroskaScanError: Error, Equatable, Sendable {
    /// The bytes do not start with an EBML header (RFC 8794 §11.2).
    case notEBML
    /// The EBML header is malformed or its DocType is neither `webm` nor `matroska`.
    case badHeader
    /// The file could not be read.
    case unreadable
}
