import Foundation
import Logging
import Store
import Synchronization

/// Composite jobs, run a few at a time (`composite_jobs`) so a busy server
/// keeps its CPU for live meetings; the rest wait in order. Progress goes to
/// the store, at most once per percent.
actor CompositeQueue {
    let store: Store
    let settings: RecordingSettings
    let logger: Logger
    private var waiting: [(id: String, directory: URL)] = []
    private var running: [String: Task<Void, Never>] = [:]
    /// Outcomes and time spent since start (see `RecordingStatistics`).
    private(set) var totals = RecordingStatistics()

    /// Waiting and running jobs with the totals so far.
    var statistics: RecordingStatistics {
        var s = totals
        s.compositesWaiting = waiting.count
        s.compositesRunning = running.count
        return s
    }

    private func count(ready: Bool, seconds: Double, meetingSeconds: Double) {
        if ready {
            totals.compositesReady += 1
            totals.compositeSeconds += seconds
            totals.compositedMeetingSeconds += meetingSeconds
        } else {
            totals.compositesFailed += 1
        }
    }

    init(store: Store, settings: RecordingSettings, logger: Logger) {
        self.store = store
        self.settings = settings
        self.logger = logger
    }

    func enqueue(_ id: String, directory: URL) {
        guard running[id] == nil, !waiting.contains(where: { $0.id == id }) else { return }
        waiting.append((id, directory))
        startNext()
    }

    /// Jobs waiting or running.
    var pending: Int { waiting.count + running.count }

    /// Drops a waiting job, or stops a running one and returns once its
    /// ffmpeg has exited and its work files are gone.
    func cancel(_ id: String) async {
        waiting.removeAll { $0.id == id }
        guard let task = running.removeValue(forKey: id) else { return }
        task.cancel()
        await task.value
    }

    func cancelAll() {
        waiting.removeAll()
        for task in running.values { task.cancel() }
        running.removeAll()
    }

    private func startNext() {
        while running.count < settings.compositeJobs, !waiting.isEmpty {
            let job = waiting.removeFirst()
            running[job.id] = Task { [weak self] in
                guard let self else { return }
                await self.run(job.id, directory: job.directory)
                await self.finished(job.id)
            }
        }
    }

    private func finished(_ id: String) {
        running[id] = nil
        startNext()
    }

    private func run(_ id: String, directory: URL) async {
        guard var record = try? await store.recording(id: id) else { return }
        record.status = RecordingRecord.processing
        record.progress = 0
        try? await store.updateRecording(record)
        let started = Date()
        do {
            let data = try Data(contentsOf: directory.appendingPathComponent(RecordingFiles.manifest))
            let manifest = try JSONDecoder().decode(RecordingManifest.self, from: data)
            let output = directory.appendingPathComponent(RecordingFiles.composite)
            var configuration = CompositeJob.Configuration()
            configuration.ffmpegPath = settings.ffmpeg
            configuration.fontFile = settings.font
            configuration.cjkFontFile = settings.cjkFont
            configuration.encoding.threads = settings.compositeThreads
            // Work files next to the recording: the same disk, and gone with it.
            configuration.workDirectoryParent = directory
            let job = CompositeJob(manifest: manifest, recordingDirectory: directory, output: output, configuration: configuration)
            let store = self.store
            let reported = LastPercent()
            try await job.run { fraction in
                let percent = min(99, Int(fraction * 100))
                guard reported.advance(to: percent) else { return }
                Task { try? await store.setRecordingProgress(id: id, progress: percent) }
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: output.path)[.size] as? Int) ?? 0
            record.status = RecordingRecord.ready
            record.progress = 100
            record.sizeBytes = size
            record.error = nil
            try? await store.updateRecording(record)
            count(ready: true, seconds: Date().timeIntervalSince(started), meetingSeconds: manifest.duration)
            logger.info("recording composited", metadata: [
                "recording": "\(id)", "seconds": "\(String(format: "%.1f", Date().timeIntervalSince(started)))",
                "bytes": "\(size)"])
        } catch is CancellationError {
            logger.info("composite cancelled", metadata: ["recording": "\(id)"])
        } catch {
            if Task.isCancelled { return }
            record.status = RecordingRecord.failed
            record.error = "\(error)"
            try? await store.updateRecording(record)
            count(ready: false, seconds: 0, meetingSeconds: 0)
            logger.error("composite failed", metadata: ["recording": "\(id)", "error": "\(error)"])
        }
    }
}
