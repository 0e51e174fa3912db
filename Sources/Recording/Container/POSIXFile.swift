import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few system calls the writer needs, named so they do not collide with
/// methods called `write` and `close`. No buffering anywhere: each call goes
/// straight to the kernel.
enum POSIXFile {
    /// Opens `file` write-only, creating or truncating it; -1 and `errno` on failure.
    static func create(_ file: URL) -> Int32 {
        file.withUnsafeFileSystemRepresentation { path -> Int32 in
            guard let path else {
                errno = ENOENT
                return -1
            }
            #if canImport(Glibc)
            return Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            #else
            return Darwin.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            #endif
        }
    }

    /// Opens `file` write-only for appending, creating it if needed; -1 and `errno` on failure.
    static func openForAppend(_ file: URL) -> Int32 {
        file.withUnsafeFileSystemRepresentation { path -> Int32 in
            guard let path else {
                errno = ENOENT
                return -1
            }
            #if canImport(Glibc)
            return Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            #else
            return Darwin.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            #endif
        }
    }

    /// write(2) of a whole buffer, repeated only after a short write or EINTR.
    /// Returns nil on success, else the `errno`. `written` counts bytes that
    /// reached the file even when it fails.
    static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, written: inout Int) -> Int32? {
        guard let base = bytes.baseAddress else { return nil }
        var offset = 0
        while offset < bytes.count {
            #if canImport(Glibc)
            let result = Glibc.write(descriptor, base + offset, bytes.count - offset)
            #else
            let result = Darwin.write(descriptor, base + offset, bytes.count - offset)
            #endif
            if result < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += result
            written += result
        }
        return nil
    }

    /// fsync(2); nil on success, else the `errno`.
    static func sync(_ descriptor: Int32) -> Int32? {
        #if canImport(Glibc)
        Glibc.fsync(descriptor) == 0 ? nil : errno
        #else
        Darwin.fsync(descriptor) == 0 ? nil : errno
        #endif
    }

    static func close(_ descriptor: Int32) {
        #if canImport(Glibc)
        _ = Glibc.close(descriptor)
        #else
        _ = Darwin.close(descriptor)
        #endif
    }
}
