#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation

/// Free space on the file system that holds a directory.
enum DiskSpace {
    /// Bytes an unprivileged writer may still use there (statvfs's
    /// `f_bavail`, not `f_bfree`: the blocks kept for root do not count),
    /// or nil when the directory cannot be examined.
    static func available(at directory: URL) -> Int64? {
        var stats = statvfs()
        guard statvfs(directory.path, &stats) == 0 else { return nil }
        return Int64(stats.f_bavail) * Int64(stats.f_frsize)
    }

    /// "1.2 GB" or "350 MB", for messages people read.
    static func describe(_ bytes: Int64) -> String {
        let megabytes = Double(bytes) / 1_000_000
        return megabytes >= 1000 ? String(format: "%.1f GB", megabytes / 1000) : "\(Int(megabytes.rounded())) MB"
    }
}
