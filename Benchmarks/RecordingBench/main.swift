// Prints what recording costs on this machine: how fast a meeting composites
// into an MP4, and how many meetings one process can capture at once. It
// prints figures and never asserts timings. Run on demand, release build:
//   make bench-recording
//   swift run -c release RecordingBench --help
import Foundation

let options: BenchOptions
do {
    guard let parsed = try BenchOptions.parse(Array(CommandLine.arguments.dropFirst())) else {
        print(BenchOptions.usage)
        exit(0)
    }
    options = parsed
} catch {
    FileHandle.standardError.write(Data("\(error)\n\(BenchOptions.usage)\n".utf8))
    exit(2)
}

let work = FileManager.default.temporaryDirectory.appendingPathComponent("parley-recording-bench-\(UUID().uuidString)", isDirectory: true)
defer { try? FileManager.default.removeItem(at: work) }

do {
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    let startLoad = Report.machine()
    Report.line("RecordingBench on \(startLoad)")

    // Media once for both parts: a camera and a voice per person, and a screen share.
    let people = max(options.runComposite ? options.sizes.max() ?? 0 : 0, 4)
    let mediaStart = ContinuousClock.now
    let clips = try MediaClips.make(people: people, seconds: options.meetingSeconds, screenSeconds: options.meetingSeconds / 3,
                                    in: work)
    let cameraRate = clips.cameras.map(\.kilobitsPerSecond).reduce(0, +) / Double(clips.cameras.count)
    Report.line("media: \(people) cameras 640x360 30 fps VP8 (mean \(Report.f(cameraRate, 0)) kb/s, keyframe every 2 s), "
                + "\(people) Opus voices, screen 1280x720 10 fps VP8 (\(Report.f(clips.screen.kilobitsPerSecond, 0)) kb/s); "
                + "encoded in \(Report.f((ContinuousClock.now - mediaStart).seconds)) s")

    var composites: [CompositeBench.Result] = []
    if options.runComposite {
        Report.line("")
        Report.line("1. Composite speed: \(Report.f(options.meetingSeconds, 0)) s meetings, CompositeJob with its default configuration")
        let bench = CompositeBench(clips: clips, meetingSeconds: options.meetingSeconds, workDirectory: work,
                                   keepDirectory: options.keepDirectory)
        for size in options.sizes {
            let result = try await bench.run(participants: size, screenShare: size >= 8)
            composites.append(result)
            Report.line("   " + Report.composite(result))
        }
    }

    var captures: [(CaptureBench.Result, Bool)] = []
    var capacity: Int?
    let limits = "CPU under \(Report.f(options.maximumCPU, 0)) %, under \(options.maximumLoss) % of frames lost or dropped, "
    + "and the recorders keeping up: written within 1 s once the publishers stop"
    if options.runCapture {
        Report.line("")
        Report.line("2. Capture capacity: K meetings recorded at once, 4 publishers each; \(Report.f(options.capture.baselineWindow, 0)) s "
                    + "publishers alone, then \(Report.f(options.capture.window, 0)) s recorded, per K")
        let bench = try await CaptureBench.make(options: options.capture, clips: clips, directory: work.appendingPathComponent("capture"))
        do {
            for rooms in options.roomCounts {
                let result = try await bench.run(rooms: rooms)
                let passes = result.recordingCPU < options.maximumCPU && result.lostPercent < options.maximumLoss
                    && result.tracksMissing == 0 && result.drainSeconds < 1
                captures.append((result, passes))
                Report.line("   " + Report.capture(result, passes: passes))
                guard passes else { break }
                capacity = rooms
            }
        } catch {
            await bench.close()
            throw error
        }
        await bench.close()
    }

    Report.summary(composites: composites, captures: captures, capacity: capacity, limits: limits,
                   load: "load at start: \(startLoad); at end: \(Report.machine())")
} catch {
    FileHandle.standardError.write(Data("RecordingBench failed: \(error)\n".utf8))
    try? FileManager.default.removeItem(at: work)
    exit(1)
}
