import Foundation

extension TrackExtent {
    /// Reads a track file back (after a normal stop, or after a crash cut it
    /// short): nil when it holds no block at all.
    public init?(scanning file: URL) {
        guard let scan = try? MatroskaScan(file: file), let first = scan.firstSeconds, let last = scan.lastSeconds else {
            return nil
        }
        let video = scan.tracks.first { $0.pixelWidth > 0 }
        self.init(start: first, end: last, width: video?.pixelWidth ?? 0, height: video?.pixelHeight ?? 0)
    }
}
