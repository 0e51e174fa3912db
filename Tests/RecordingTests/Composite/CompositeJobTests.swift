import Foundation
import Testing
@testable import Recording

extension FFmpegTests {
    @Suite("CompositeJob")
    struct CompositeJobTests {
        /// Processes whose command line mentions `needle` (from /proc).
        func processes(mentioning needle: String) -> [Int32] {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            return entries.compactMap { entry -> Int32? in
                guard let pid = Int32(entry),
                      let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return nil }
                return String(decoding: data, as: UTF8.self).contains(needle) ? pid : nil
            }
        }

        @Test func cancellationStopsFFmpegAndLeavesNoPartialFile() async throws {
            let directory = try MediaTool.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            // Ten minutes of name tiles: long enough to still be running when cancelled.
            let manifest = RecordingManifest(duration: 600, participants: [
                ManifestFixture.person("a", "Ann", from: 0, to: 600),
            ], tracks: [])
            let output = directory.appendingPathComponent("long.mp4")
            let job = CompositeJob(manifest: manifest, recordingDirectory: directory, output: output)
            let log = ProgressLog()
            let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
            let task = Task {
                defer { startedContinuation.finish() }
                try await job.run { fraction in
                    log.record(fraction)
                    startedContinuation.yield()
                }
            }
            // Wait until ffmpeg is demonstrably encoding (a progress report), then cancel.
            for await _ in started { break }
            #expect(!processes(mentioning: job.partialOutput.path).isEmpty, "ffmpeg running")
            task.cancel()
            let result = await task.result
            #expect(throws: CancellationError.self) { try result.get() }
            #expect(processes(mentioning: job.partialOutput.path).isEmpty, "ffmpeg has exited")
            #expect(!FileManager.default.fileExists(atPath: job.partialOutput.path))
            #expect(!FileManager.default.fileExists(atPath: output.path))
            #expect(log.all.allSatisfy { $0 < 1 })
        }

        @Test func alreadyCancelledTaskNeverStartsFFmpeg() async throws {
            let directory = try MediaTool.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let manifest = RecordingManifest(duration: 1, participants: [], tracks: [])
            let output = directory.appendingPathComponent("never.mp4")
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                try await CompositeJob(manifest: manifest, recordingDirectory: directory, output: output).run()
            }
            await #expect(throws: CancellationError.self) { try await task.value }
            #expect(!FileManager.default.fileExists(atPath: output.path))
        }

        @Test func missingTrackFileFailsBeforeFFmpeg() async throws {
            let directory = try MediaTool.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let manifest = ManifestFixture.meeting(1, duration: 2)
            let job = CompositeJob(manifest: manifest, recordingDirectory: directory,
                                   output: directory.appendingPathComponent("out.mp4"))
            let error = await #expect(throws: CompositeError.self) { try await job.run() }
            let path = directory.appendingPathComponent("tracks/cam-p0.webm").path
            #expect(error == .missingTrackFile(trackID: "cam-p0", path: path))
            #expect(error?.description == "track cam-p0: file \(path) does not exist")
        }

        @Test func corruptTrackFailsWithFFmpegsOwnWords() async throws {
            let directory = try MediaTool.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let tracks = directory.appendingPathComponent("tracks")
            try FileManager.default.createDirectory(at: tracks, withIntermediateDirectories: true)
            let garbage = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) })
            try garbage.write(to: tracks.appendingPathComponent("cam-p0.webm"))
            try garbage.write(to: tracks.appendingPathComponent("mic-p0.webm"))
            let output = directory.appendingPathComponent("out.mp4")
            let job = CompositeJob(manifest: ManifestFixture.meeting(1, duration: 2), recordingDirectory: directory,
                                   output: output)
            let error = await #expect(throws: CompositeError.self) { try await job.run() }
            guard case .ffmpegFailed(let status, let tail)? = error else {
                Issue.record("expected ffmpegFailed, got \(String(describing: error))")
                return
            }
            #expect(status != 0)
            #expect(!tail.isEmpty && tail.count <= 20)
            #expect(tail.contains { $0.contains("cam-p0.webm") }, "names the bad file: \(tail)")
            #expect(error?.description.hasPrefix("ffmpeg failed with exit status \(status):\n") == true)
            #expect(!FileManager.default.fileExists(atPath: job.partialOutput.path))
            #expect(!FileManager.default.fileExists(atPath: output.path))
        }

        /// A recorder killed mid-meeting leaves files that end mid-cluster: still a composite.
        @Test func truncatedTracksStillComposite() async throws {
            let directory = try MediaTool.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let tracks = directory.appendingPathComponent("tracks")
            try FileManager.default.createDirectory(at: tracks, withIntermediateDirectories: true)
            let camera = tracks.appendingPathComponent("cam-p0.webm")
            let microphone = tracks.appendingPathComponent("mic-p0.webm")
            try await MediaTool.makeVP8("color=red:s=320x180:r=25:d=3", offset: 0, to: camera)
            try await MediaTool.makeOpus("sine=f=440:r=48000:d=3", offset: 0, to: microphone)
            for file in [camera, microphone] {
                let data = try Data(contentsOf: file)
                try data.prefix(data.count * 6 / 10).write(to: file)
            }
            let output = directory.appendingPathComponent("out.mp4")
            try await CompositeJob(manifest: ManifestFixture.meeting(1, duration: 3), recordingDirectory: directory,
                                   output: output).run()
            let probe = try await MediaTool.probe(output)
            #expect(probe.codecs.sorted() == ["aac", "h264"])
            #expect(abs(probe.duration - 3) <= 0.1)
            let pixel = try await MediaTool.frame(of: output, at: 0.5).pixel(640, 360)
            #expect(pixel.map { $0.r > 200 && $0.g < 60 } == true, "what was written is shown: \(String(describing: pixel))")
        }

        @Test func missingFFmpegIsALaunchFailure() async throws {
            let directory = try MediaTool.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            var configuration = CompositeJob.Configuration()
            configuration.ffmpegPath = directory.appendingPathComponent("no-ffmpeg").path
            configuration.nicePath = nil
            let job = CompositeJob(manifest: RecordingManifest(duration: 1, participants: [], tracks: []),
                                   recordingDirectory: directory, output: directory.appendingPathComponent("o.mp4"),
                                   configuration: configuration)
            let error = await #expect(throws: CompositeError.self) { try await job.run() }
            guard case .launchFailed? = error else {
                Issue.record("expected launchFailed, got \(String(describing: error))")
                return
            }
        }

        @Test func partialOutputSitsNextToTheOutput() {
            let job = CompositeJob(manifest: RecordingManifest(duration: 1, participants: [], tracks: []),
                                   recordingDirectory: URL(fileURLWithPath: "/r"),
                                   output: URL(fileURLWithPath: "/srv/rec/output.mp4"))
            #expect(job.partialOutput.path == "/srv/rec/output.partial.mp4")
        }
    }
}
