/// Why `MatroskaWriter` could not write. Carries the `errno` of a failed system call.
public enum MatroskaWriterError: Error, Equatable, Sendable {
    /// open(2) failed.
    case open(errno: Int32)
    /// write(2) failed (disk full, I/O error); the file keeps what was written before.
    case write(errno: Int32)
    /// fsync(2) failed.
    case sync(errno: Int32)
    /// A block was written before the header (`start(track:)`).
    case notStarted
    /// `start(track:)` was called twice.
    case alreadyStarted
    /// The writer was closed.
    case closed
}
