import Foundation

/// The append-only `timeline.jsonl` of a recording.
///
/// Each event is one JSON line written straight to the file (`POSIXFile`,
/// no buffer in between): a process killed at any moment leaves every
/// earlier line intact. `read` skips a torn last line.
public final class TimelineLog {
    private let descriptor: Int32
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Opens (creating, or appending to) the log at `url`.
    public init(url: URL) throws {
        descriptor = POSIXFile.openForAppend(url)
        guard descriptor >= 0 else { throw RecordingError.io("cannot open \(url.lastPathComponent): \(String(cString: strerror(errno)))") }
        // A line torn by a crash is ended first, so the next event starts a line of its own.
        if Self.endsMidLine(url) { try write(Data([0x0A])) }
    }

    deinit { POSIXFile.close(descriptor) }

    public func append(_ event: TimelineEvent) throws {
        var line = try encoder.encode(event)
        line.append(0x0A)
        try write(line)
    }

    /// Flushes to the disk (power loss; a killed process loses nothing without it).
    public func sync() { _ = POSIXFile.sync(descriptor) }

    private func write(_ bytes: Data) throws {
        var written = 0
        if let code = bytes.withUnsafeBytes({ POSIXFile.writeAll(descriptor, $0, written: &written) }) {
            throw RecordingError.io("timeline write failed: \(String(cString: strerror(code)))")
        }
    }

    private static func endsMidLine(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        guard let end = try? handle.seekToEnd(), end > 0 else { return false }
        try? handle.seek(toOffset: end - 1)
        return (try? handle.read(upToCount: 1)) != Data([0x0A])
    }

    /// The events of a log, in order; a torn or unreadable line is skipped.
    public static func read(url: URL) throws -> [TimelineEvent] {
        let data = try Data(contentsOf: url)
        let decoder = JSONDecoder()
        return data.split(separator: 0x0A).compactMap { try? decoder.decode(TimelineEvent.self, from: Data($0)) }
    }
}
