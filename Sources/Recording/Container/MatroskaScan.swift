import Foundation

/// A tolerant reader of Matroska/WebM files such as `MatroskaWriter` writes:
/// unknown-size Segment and Clusters, SimpleBlocks, truncation anywhere.
///
/// It reads as far as the bytes make sense and says where it stopped, so that
/// after a crash the server can learn what a track file holds (codec, first and
/// last block timestamp) and cut it back to its last whole block. Other
/// writers' files (ffmpeg's known-size clusters, Cues, BlockGroups) read too.
public struct MatroskaScan: Sendable, Equatable {
    /// How the scan ended.
    public enum Stop: Sendable, Equatable {
        /// At the end of the bytes (or of a known-size Segment), on an element boundary.
        case end
        /// The bytes end inside an element.
        case truncated
        /// Bytes that are not a valid element, or an element too short for its type.
        case malformed
    }

    /// One track entry (RFC 9559 §5.1.4.1).
    public struct Track: Sendable, Equatable {
        public var number: UInt64
        /// 1 video, 2 audio (RFC 9559 §5.1.4.1.3).
        public var type: UInt64
        public var codecID: String
        public var codecPrivate: [UInt8]?
        public var pixelWidth: Int
        public var pixelHeight: Int
        public var channels: Int
        public var samplingFrequency: Double
        public var codecDelay: UInt64
    }

    /// One block: where its frame bytes are in the scanned buffer.
    public struct Block: Sendable, Equatable {
        public var trackNumber: UInt64
        /// Cluster timestamp plus the block's relative timestamp, in milliseconds.
        public var timestamp: Int64
        /// The SimpleBlock keyframe flag (a BlockGroup's Block counts as keyframe).
        public var keyframe: Bool
        /// Lacing bits set: `data` holds several frames with a lace header.
        public var laced: Bool
        /// The frame bytes (after the block header).
        public var data: Range<Int>
    }

    /// The EBML header's DocType; nil when the bytes ended inside the header.
    public var docType: String?
    public var tracks: [Track] = []
    /// Nanoseconds per timestamp tick (Info's TimestampScale, default 1 ms).
    public var timestampScale: UInt64 = 1_000_000
    public var blockCount = 0
    public var keyframeCount = 0
    /// Timestamp of the first block, milliseconds.
    public var firstTimestamp: Int64?
    /// Timestamp of the last block (not its end), milliseconds.
    public var lastTimestamp: Int64?
    /// Just past the last whole element read: truncating the file here leaves
    /// only whole blocks.
    public var endOffset = 0
    public var stop = Stop.end
    /// Every block, when the scan was asked to keep them.
    public var blocks: [Block] = []

    /// The number of tracks in the Tracks element.
    public var trackCount: Int { tracks.count }
    /// The first track's codec ID.
    public var codecID: String? { tracks.first?.codecID }
    /// `firstTimestamp` in seconds.
    public var firstSeconds: Double? { firstTimestamp.map { Double($0) / 1000 } }
    /// `lastTimestamp` in seconds.
    public var lastSeconds: Double? { lastTimestamp.map { Double($0) / 1000 } }

    /// Scans `bytes`. Throws only when they are not Matroska at all; an empty or
    /// cut-off header gives a scan with no tracks that stopped `.truncated`.
    public init(scanning bytes: UnsafeRawBufferPointer, keepBlocks: Bool = false) throws(MatroskaScanError) {
        var reader = Reader(bytes: bytes, keepBlocks: keepBlocks)
        try reader.run(into: &self)
    }

    /// Scans the file at `url` (memory-mapped, so a long recording is not read
    /// into memory; only block headers are touched).
    public init(file url: URL, keepBlocks: Bool = false) throws(MatroskaScanError) {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw .unreadable
        }
        let result = data.withUnsafeBytes { raw -> Result<MatroskaScan, MatroskaScanError> in
            do throws(MatroskaScanError) {
                return .success(try MatroskaScan(scanning: raw, keepBlocks: keepBlocks))
            } catch {
                return .failure(error)
            }
        }
        self = try result.get()
    }
}
