import Foundation

/// Writes one track to a Matroska/WebM file as it arrives, so that the file is
/// readable up to its last whole block whenever the process dies.
///
/// `MatroskaMuxer` makes the bytes; each `write` hands them to one write(2)
/// straight from a buffer holding the whole block (and the Cluster start in
/// front of it when one begins). Nothing waits in user space, so SIGKILL loses
/// at most the block being written at that instant, and a reader stops cleanly
/// before it. `sync()` adds fsync(2) against power loss; call it every few seconds.
///
/// The file on disk is either empty or holds the header and at least one whole
/// block (ffmpeg refuses a file that ends right after its Tracks).
///
/// Not thread-safe: one owner calls it.
public final class MatroskaWriter {
    /// Where the file is.
    public let file: URL
    /// The track, once `start(track:)` set it.
    public var track: MatroskaTrack? { muxer?.track }
    /// Timestamp of the first block, milliseconds.
    public var firstTimestamp: Int64? { muxer?.firstTimestamp }
    /// Timestamp of the last block, milliseconds.
    public var lastTimestamp: Int64? { muxer?.lastTimestamp }
    public var blockCount: Int { muxer?.blockCount ?? 0 }
    public private(set) var bytesWritten = 0

    private let maximumClusterDuration: Int64?
    private var muxer: MatroskaMuxer?
    private var descriptor: Int32

    /// Creates (or truncates) `file`; writes nothing until the first block.
    /// `maximumClusterDuration` overrides the per-kind default (see `MatroskaMuxer`).
    public init(file: URL, maximumClusterDuration: Int64? = nil) throws(MatroskaWriterError) {
        self.file = file
        self.maximumClusterDuration = maximumClusterDuration
        let fd = POSIXFile.create(file)
        guard fd >= 0 else { throw .open(errno: errno) }
        descriptor = fd
    }

    /// Creates the file and sets the track.
    public convenience init(file: URL, track: MatroskaTrack, maximumClusterDuration: Int64? = nil) throws(MatroskaWriterError) {
        try self.init(file: file, maximumClusterDuration: maximumClusterDuration)
        try start(track: track)
    }

    deinit {
        if descriptor >= 0 { POSIXFile.close(descriptor) }
    }

    /// Sets the track. Its header goes out in one write with the first block;
    /// `close()` writes it alone if no block came.
    public func start(track: MatroskaTrack) throws(MatroskaWriterError) {
        guard descriptor >= 0 else { throw .closed }
        guard muxer == nil else { throw .alreadyStarted }
        muxer = MatroskaMuxer(track: track, maximumClusterDuration: maximumClusterDuration)
    }

    /// Appends one frame at `timestamp` milliseconds on the recording timeline
    /// (see `MatroskaMuxer.append` for clusters and timestamps). When the write
    /// fails nothing is counted; the file keeps what reached it.
    public func write(frame: [UInt8], timestamp: Int64, keyframe: Bool) throws(MatroskaWriterError) {
        guard descriptor >= 0 else { throw .closed }
        guard var next = muxer else { throw .notStarted }
        let bytes = next.append(frame: frame, timestamp: timestamp, keyframe: keyframe)
        try writeAll(bytes)
        muxer = next
    }

    /// fsync(2): makes what was written survive a power loss, not only a crash.
    public func sync() throws(MatroskaWriterError) {
        guard descriptor >= 0 else { throw .closed }
        if let code = POSIXFile.sync(descriptor) { throw .sync(errno: code) }
    }

    /// Closes the file (fsync first). The file is complete as it is: nothing is
    /// patched at the end (a track without blocks gets its header now). Calling
    /// it again does nothing.
    public func close() {
        guard descriptor >= 0 else { return }
        if let header = muxer?.takeHeader() { try? writeAll(header) }
        _ = POSIXFile.sync(descriptor)
        POSIXFile.close(descriptor)
        descriptor = -1
    }

    /// One write(2) for the whole buffer (repeated only for a short write or EINTR).
    private func writeAll(_ bytes: [UInt8]) throws(MatroskaWriterError) {
        var written = 0
        let failure = bytes.withUnsafeBytes { POSIXFile.writeAll(descriptor, $0, written: &written) }
        bytesWritten += written
        if let failure { throw .write(errno: failure) }
    }
}
