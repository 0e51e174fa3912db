import Logging
import Synchronization

/// What the recorder says about each track when it closes it (its "track
/// closed" log line: frames written and dropped, packets lost, discarded and
/// received). The benchmark reads the recorder's own counters this way,
/// through the logger it hands the `RecordingService`, with no read-out API.
final class TrackStatsCollector: Sendable {
    struct TrackStats: Sendable {
        var recording: String
        var producer: String
        var file: String
        var framesWritten: Int
        var framesDropped: Int
        var packetsLost: Int
        var packetsDiscarded: Int
        var packetsReceived: Int
    }

    private let tracks = Mutex<[TrackStats]>([])
    /// Warnings and errors the recording service logged (a write failure, say).
    private let problems = Mutex<[String]>([])

    /// A logger for the `RecordingService` whose records come here.
    func logger() -> Logger {
        Logger(label: "recording-bench") { _ in Handler(collector: self) }
    }

    /// Every track closed so far, and forgets them.
    func take() -> [TrackStats] {
        tracks.withLock { t in
            defer { t.removeAll() }
            return t
        }
    }

    /// Warnings and errors so far, and forgets them.
    func takeProblems() -> [String] {
        problems.withLock { p in
            defer { p.removeAll() }
            return p
        }
    }

    fileprivate func record(_ event: LogEvent, handlerMetadata: Logger.Metadata) {
        let metadata = handlerMetadata.merging(event.metadata ?? [:]) { $1 }
        if event.level >= .warning {
            problems.withLock { $0.append("\(event.level): \(event.message) \(metadata)") }
            return
        }
        guard event.message.description == "track closed" else { return }
        func int(_ key: String) -> Int { Int(metadata[key]?.description ?? "") ?? 0 }
        let stats = TrackStats(recording: metadata["recording"]?.description ?? "", producer: metadata["producer"]?.description ?? "",
                               file: metadata["file"]?.description ?? "", framesWritten: int("frames"),
                               framesDropped: int("dropped"), packetsLost: int("lost"), packetsDiscarded: int("discarded"),
                               packetsReceived: int("received"))
        tracks.withLock { $0.append(stats) }
    }

    private struct Handler: LogHandler {
        let collector: TrackStatsCollector
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            collector.record(event, handlerMetadata: metadata)
        }
    }
}
