/// The bytes of a live Matroska/WebM file with one track, block by block: a
/// pure value that decides clusters and block timestamps, so that it can be
/// tested and fuzzed without a file. `MatroskaWriter` writes what it returns.
///
/// Layout: EBML header, a Segment of unknown size, Info, Tracks, then Clusters
/// of unknown size holding SimpleBlocks (RFC 9559; RFC 8794 §6.2 for unknown
/// sizes). No SeekHead, Cues or Duration: nothing is ever rewritten, so every
/// byte is final once written.
public struct MatroskaMuxer: Sendable {
    public let track: MatroskaTrack
    /// A new cluster starts when a block would lie this many milliseconds after
    /// the cluster's timestamp (video also at every keyframe). Kept under the
    /// 16-bit signed relative timestamp of a block (RFC 9559 §10.1).
    public let maximumClusterDuration: Int64

    /// Timestamp of the first block, milliseconds.
    public private(set) var firstTimestamp: Int64?
    /// Timestamp of the last block, milliseconds.
    public private(set) var lastTimestamp: Int64?
    public private(set) var blockCount = 0
    /// The header, until the first block takes it along.
    public private(set) var pendingHeader: [UInt8]?
    private var clusterTimestamp: Int64?

    /// Audio clusters: about 5 s each, so a reader finds its place quickly.
    public static let audioClusterDuration: Int64 = 5000
    /// Video clusters end at the next keyframe or after 30 s.
    public static let videoClusterDuration: Int64 = 30000

    /// `maximumClusterDuration` overrides the per-kind default (clamped to 1...30000 ms).
    public init(track: MatroskaTrack, maximumClusterDuration: Int64? = nil) {
        self.track = track
        let standard = track.isVideo ? Self.videoClusterDuration : Self.audioClusterDuration
        self.maximumClusterDuration = min(max(maximumClusterDuration ?? standard, 1), Self.videoClusterDuration)
        pendingHeader = Self.header(for: track)
    }

    /// The bytes that append one frame as a SimpleBlock at `timestamp`
    /// milliseconds on the recording timeline: the header in front of the
    /// first block (so a file is never only a header), and a Cluster start
    /// when one begins.
    ///
    /// A timestamp earlier than the previous block's (or than 0) is raised to
    /// it, so block timestamps never decrease. A Cluster starts at a video
    /// keyframe, and when the block would lie `maximumClusterDuration` or more
    /// after the cluster's timestamp. Audio blocks are always keyframes.
    public mutating func append(frame: [UInt8], timestamp: Int64, keyframe: Bool) -> [UInt8] {
        let time = max(timestamp, lastTimestamp ?? 0, 0)
        var out = EBMLWriter(reservingCapacity: frame.count + 48 + (pendingHeader?.count ?? 0))
        if let pendingHeader { out.appendRaw(pendingHeader) }
        pendingHeader = nil
        var cluster = time
        if let open = clusterTimestamp, !(track.isVideo && keyframe), time - open < maximumClusterDuration {
            cluster = open
        } else {
            Self.appendClusterStart(to: &out, timestamp: time)
        }
        Self.appendSimpleBlock(to: &out, frame: frame, relativeTimestamp: Int16(clamping: time - cluster),
                               keyframe: keyframe || !track.isVideo)
        clusterTimestamp = cluster
        if firstTimestamp == nil { firstTimestamp = time }
        lastTimestamp = time
        blockCount += 1
        return out.bytes
    }

    /// The header if no block has taken it yet (a track closed without blocks).
    public mutating func takeHeader() -> [UInt8]? {
        defer { pendingHeader = nil }
        return pendingHeader
    }
}
