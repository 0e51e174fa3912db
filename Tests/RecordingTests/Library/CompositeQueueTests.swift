import Foundation
import Logging
import Store
import StoreTesting
import Testing
@testable import Recording

extension FFmpegTests {
    /// The queue of composites: how many run at once, what waiting ones
    /// show, progress on the way, and cancelling one that runs.
    @Suite("Composite queue")
    struct Queue {
        /// A recording directory with one person's camera and voice, `seconds`
        /// long, and its row (queued, as a stopped recording is).
        static func recording(in root: URL, store: Store, host: String, seconds: Double) async throws -> String {
            let id = UUID().uuidString.lowercased()
            let directory = root.appendingPathComponent(id)
            let tracks = directory.appendingPathComponent(RecordingFiles.tracks)
            try FileManager.default.createDirectory(at: tracks, withIntermediateDirectories: true)
            try await MediaTool.makeVP8("testsrc2=s=640x360:r=25:d=\(seconds)", offset: 0, to: tracks.appendingPathComponent("cam-p0.webm"))
            try await MediaTool.makeOpus("sine=f=440:r=48000:d=\(seconds)", offset: 0, to: tracks.appendingPathComponent("mic-p0.webm"))
            let manifest = ManifestFixture.meeting(1, duration: seconds)
            try JSONEncoder().encode(manifest).write(to: directory.appendingPathComponent(RecordingFiles.manifest))
            let now = Timestamp.now
            var record = RecordingRecord(id: id, meetingId: nil, meetingTitle: "Queue \(id.prefix(4))", hostId: host,
                                         startedBy: host, node: "test", startedAt: now, createdAt: now, updatedAt: now)
            record.status = RecordingRecord.queued
            record.durationMs = Int(seconds * 1000)
            try await store.createRecording(record, managerIds: [], viewerIds: [])
            return id
        }

        @Test func oneJobAtATimeTheOthersWaitAndProgressIsReportedOnTheWay() async throws {
            let database = try await TestDatabase.open(.sqlite)
            let store = Store(database: database)
            let root = try MediaTool.temporaryDirectory("parley-queue-test")
            defer { try? FileManager.default.removeItem(at: root) }
            let host = try await store.createUser(username: "ann", displayName: "Ann", passwordHash: "h").id
            var ids: [String] = []
            for _ in 0..<3 { ids.append(try await Self.recording(in: root, store: store, host: host, seconds: 12)) }
            var logger = Logger(label: "queue-test")
            logger.logLevel = .critical
            let queue = CompositeQueue(store: store, settings: RecordingSettings(directory: root, compositeJobs: 1), logger: logger)
            for id in ids { await queue.enqueue(id, directory: root.appendingPathComponent(id)) }
            // The same recording twice is one job.
            await queue.enqueue(ids[0], directory: root.appendingPathComponent(ids[0]))
            #expect(await queue.pending == 3)

            var progress: [String: [Int]] = [:]
            var mostAtOnce = 0
            var waitedWhileAnotherRan = false
            var cancelledWhileRunning = false
            let deadline = Date().addingTimeInterval(180)
            while Date() < deadline {
                var statuses: [String: RecordingStatus] = [:]
                for id in ids {
                    guard let r = try await store.recording(id: id) else { continue }
                    statuses[id] = r.status
                    if progress[id]?.last != r.progress { progress[id, default: []].append(r.progress) }
                }
                let processing = statuses.values.filter { $0 == RecordingRecord.processing }.count
                mostAtOnce = max(mostAtOnce, processing)
                if processing == 1, statuses[ids[1]] == RecordingRecord.queued { waitedWhileAnotherRan = true }
                // The last one is cancelled once it runs: the call returns when ffmpeg is gone.
                if !cancelledWhileRunning, statuses[ids[2]] == RecordingRecord.processing,
                   (progress[ids[2]]?.last ?? 0) > 0 {
                    await queue.cancel(ids[2])
                    cancelledWhileRunning = true
                    let left = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(ids[2]).path).sorted()
                    #expect(left == [RecordingFiles.manifest, RecordingFiles.tracks].sorted(), "left behind: \(left)")
                }
                let done = ids.prefix(2).allSatisfy { statuses[$0] == RecordingRecord.ready || statuses[$0] == RecordingRecord.failed }
                if done && cancelledWhileRunning { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(mostAtOnce == 1, "composite_jobs = 1 let \(mostAtOnce) run at once")
            #expect(waitedWhileAnotherRan, "the second recording never showed as queued while the first ran")
            #expect(cancelledWhileRunning)
            for id in ids.prefix(2) {
                let record = try #require(try await store.recording(id: id))
                #expect(record.status == RecordingRecord.ready, "\(record.error ?? "")")
                let steps = progress[id] ?? []
                #expect(steps == steps.sorted(), "progress went backwards: \(steps)")
                // Progress is reported on the way, not just at the start and end.
                #expect(steps.filter { $0 > 0 && $0 < 100 }.count >= 3, "\(steps)")
                #expect(steps.last == 100)
            }
            #expect(await queue.pending == 0)
            let statistics = await queue.statistics
            #expect(statistics.compositesReady == 2 && statistics.compositesFailed == 0)
            await database.close()
        }
    }
}
