/// Why a recording could not do what was asked, in words a person understands.
public enum RecordingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Reading or writing a recording's files failed.
    case io(String)
    /// The request does not fit the recording's state (already recording, nobody in the room).
    case conflict(String)
    /// The server records as many meetings as it may.
    case busy(String)
    /// The recording directory's disk is (nearly) full.
    case noSpace(String)
    case notFound

    /// A short machine-readable code for API and signaling errors.
    public var code: String {
        switch self {
        case .io: "internal"
        case .conflict: "conflict"
        case .busy: "busy"
        case .noSpace: "insufficient_storage"
        case .notFound: "not_found"
        }
    }

    public var description: String {
        switch self {
        case .io(let m), .conflict(let m), .busy(let m), .noSpace(let m): m
        case .notFound: "There is no such recording."
        }
    }
}
