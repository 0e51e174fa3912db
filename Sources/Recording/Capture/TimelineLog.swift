import Foundation

/// The append-only `timeline.jsonl` of a recording.
///
/// Each event is one JSON line written with one `write(2)` straight to the
/// file, with no buffer in between: a process killed at any moment leaves
/// every earlier line intact. `read` skips a torn last line.
public final class TimelineLog {
    private let descriptor: Int32
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Opens (creating, or appending to) the log at `url`.
    public init(url: URL) throws {
        descriptor = open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw RecordingError.io("cannot open \(url.lastPathComponent): \(String(cString: strerror(errno)))") }
        // A line torn by a crash is ended first, so the next event starts a line of its own.
        let size = lseek(descriptor, 0, SEEK_END)
        if size > 0 {
            let reader = open(url.path, O_RDONLY | O_CLOEXEC)
            var last: UInt8 = 0x0A
            if reader >= 0 {
                _ = pread(reader, &last, 1, size - 1)
                close(reader)
            }
            if last != 0x0A {
                var newline: UInt8 = 0x0A
                _ = write(descriptor, &newline, 1)
            }
        }
    }

    deinit { close(descriptor) }

    public func append(_ event: TimelineEvent) throws {
        var line = try encoder.encode(event)
        line.append(0x0A)
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == line.count else { throw RecordingError.io("timeline write failed: \(String(cString: strerror(errno)))") }
    }

    /// Flushes to the disk (power loss; a killed process loses nothing without it).
    public func sync() { fsync(descriptor) }

    /// The events of a log, in order; a torn or unreadable line is skipped.
    public static func read(url: URL) throws -> [TimelineEvent] {
        let data = try Data(contentsOf: url)
        let decoder = JSONDecoder()
        return data.split(separator: 0x0A).compactMap { try? decoder.decode(TimelineEvent.self, from: Data($0)) }
    }
}
