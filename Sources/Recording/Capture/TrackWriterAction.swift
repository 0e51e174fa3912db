/// What a `TrackWriter` asks of its caller after a packet.
public enum TrackWriterAction: Sendable, Equatable {
    /// Send the producer a keyframe request (PLI/FIR): the track has none to
    /// start from yet, or lost one. Throttled by the writer.
    case requestKeyframe
    /// Writing the file failed (disk full, I/O error); the writer stops writing
    /// and keeps what is on disk. Reported once.
    case writeFailed(MatroskaWriterError)
}
