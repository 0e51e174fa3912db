import Foundation
import Recording

/// Part 1: how long the composite of a meeting takes. The track files come
/// through the capture path (RTP packets fed to `TrackWriter`, faster than
/// real time: arrival times are only numbers), the manifest from a timeline
/// like the recorder's, and the composite from `CompositeJob` with the
/// server's default configuration (2 threads, nice 10, x264 veryfast).
struct CompositeBench {
    struct Result: Sendable {
        var participants: Int
        var screenShare: Bool
        var meetingSeconds: Double
        var tracks: Int
        /// Writing every track file through `TrackWriter`, seconds of this process.
        var captureSeconds: Double
        var compositeSeconds: Double
        /// ffmpeg's own CPU seconds (user + system).
        var ffmpegCPUSeconds: Double
        var mp4Bytes: Int
        var mp4Seconds: Double

        var ratio: Double { compositeSeconds / meetingSeconds }
    }

    let clips: MediaClips
    let meetingSeconds: Double
    /// Where each run's recording directory is made (and removed after).
    let workDirectory: URL
    /// Where to copy each MP4, if anywhere.
    var keepDirectory: URL?

    /// One meeting of `participants` people, each with a camera and a voice
    /// from start to end; with `screenShare`, person 1 also shares a screen
    /// during the middle third.
    func run(participants: Int, screenShare: Bool) async throws -> Result {
        let directory = workDirectory.appendingPathComponent("composite-\(participants)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent(RecordingFiles.tracks), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let captureStart = ContinuousClock.now
        var timeline = [TimelineEvent(at: 0, event: .started, wallclock: Date().formatted(.iso8601))]
        var trackCount = 0
        // Named as the recorder names them: `tracks/01-camera.webm`.
        func trackFile(_ source: String) -> String {
            trackCount += 1
            let number = trackCount < 10 ? "0\(trackCount)" : "\(trackCount)"
            return "\(RecordingFiles.tracks)/\(number)-\(source).webm"
        }
        for person in 0..<participants {
            let id = "p-person\(person + 1)"
            timeline.append(TimelineEvent(at: 0, event: .joined, participant: id, name: "Person \(person + 1)",
                                          role: person == 0 ? "host" : "participant"))
            let camera = trackFile("camera")
            try Self.writeVideo(clips.cameras[person % clips.cameras.count], to: directory.appendingPathComponent(camera),
                                start: 0, seconds: meetingSeconds)
            timeline.append(TimelineEvent(at: 0, event: .track, participant: id, producer: "\(id)-camera", source: "camera",
                                          kind: "video", codec: "vp8", file: camera))
            timeline.append(TimelineEvent(at: 0, event: .live, producer: "\(id)-camera"))
            let microphone = trackFile("microphone")
            try Self.writeAudio(clips.voices[person % clips.voices.count], to: directory.appendingPathComponent(microphone),
                                seconds: meetingSeconds)
            timeline.append(TimelineEvent(at: 0, event: .track, participant: id, producer: "\(id)-microphone", source: "microphone",
                                          kind: "audio", codec: "opus", file: microphone))
            timeline.append(TimelineEvent(at: 0, event: .live, producer: "\(id)-microphone"))
        }
        if screenShare {
            let start = meetingSeconds / 3, end = meetingSeconds * 2 / 3
            let screen = trackFile("screen")
            try Self.writeVideo(clips.screen, to: directory.appendingPathComponent(screen), start: start, seconds: end - start)
            timeline.append(TimelineEvent(at: start, event: .track, participant: "p-person1", producer: "p-person1-screen",
                                          source: "screen", kind: "video", codec: "vp8", file: screen))
            timeline.append(TimelineEvent(at: start, event: .live, producer: "p-person1-screen"))
            timeline.append(TimelineEvent(at: end, event: .trackEnded, producer: "p-person1-screen"))
        }
        timeline.append(TimelineEvent(at: meetingSeconds, event: .stopped))
        let captureSeconds = (ContinuousClock.now - captureStart).seconds

        // The manifest as the service builds it at stop: the timeline plus what each file holds.
        var extents: [String: TrackExtent] = [:]
        for event in timeline where event.event == .track {
            guard let file = event.file, let extent = TrackExtent(scanning: directory.appendingPathComponent(file)) else { continue }
            extents[file] = extent
        }
        let manifest = RecordingManifest(timeline: timeline, extents: extents, stoppedAt: meetingSeconds)
        try JSONEncoder().encode(manifest).write(to: directory.appendingPathComponent(RecordingFiles.manifest))

        let output = directory.appendingPathComponent(RecordingFiles.composite)
        let job = CompositeJob(manifest: manifest, recordingDirectory: directory, output: output)
        let children = ProcessUsage.children()
        let start = ContinuousClock.now
        try await job.run()
        let compositeSeconds = (ContinuousClock.now - start).seconds
        let ffmpegCPU = ProcessUsage.children().cpuSeconds - children.cpuSeconds
        if let keep = keepDirectory {
            try FileManager.default.createDirectory(at: keep, withIntermediateDirectories: true)
            let copy = keep.appendingPathComponent("recording-\(participants)\(screenShare ? "-screen" : "").mp4")
            try? FileManager.default.removeItem(at: copy)
            try FileManager.default.copyItem(at: output, to: copy)
        }
        let size = (try FileManager.default.attributesOfItem(atPath: output.path)[.size] as? Int) ?? 0
        return Result(participants: participants, screenShare: screenShare, meetingSeconds: meetingSeconds,
                      tracks: manifest.tracks.count, captureSeconds: captureSeconds, compositeSeconds: compositeSeconds,
                      ffmpegCPUSeconds: ffmpegCPU, mp4Bytes: size, mp4Seconds: try FFmpeg.duration(of: output))
    }

    /// A VP8 track as the recorder writes it: the clip (looped if short)
    /// packetized and fed frame by frame, arriving at `start` + its frame time.
    static func writeVideo(_ clip: MediaClips.Video, to file: URL, start: Double, seconds: Double) throws {
        let writer = try TrackWriter(file: file, codec: .vp8, options: TrackWriter.Options(payloadType: 96))
        var packetizer = RTPPacketizer(payloadType: 96, ssrc: UInt32.random(in: 1...UInt32.max))
        let base = UInt32.random(in: 0...UInt32.max)
        let count = Int((seconds * clip.frameRate).rounded())
        for index in 0..<count {
            let time = Double(index) / clip.frameRate
            let timestamp = base &+ UInt32(truncatingIfNeeded: Int64((time * 90000).rounded()))
            for packet in packetizer.vp8(frame: clip.frames[index % clip.frames.count], timestamp: timestamp) {
                _ = packet.withUnsafeBytes { writer.receive(rtp: $0, at: start + time) }
            }
        }
        writer.close()
        guard writer.framesWritten > 0 else { throw FFmpeg.Failure(message: "no frame written to \(file.lastPathComponent)") }
    }

    /// An Opus track: one 20 ms packet every 20 ms from the start.
    static func writeAudio(_ packets: [[UInt8]], to file: URL, seconds: Double) throws {
        let writer = try TrackWriter(file: file, codec: .opus, options: TrackWriter.Options(payloadType: 111))
        var packetizer = RTPPacketizer(payloadType: 111, ssrc: UInt32.random(in: 1...UInt32.max))
        let base = UInt32.random(in: 0...UInt32.max)
        let count = Int((seconds / 0.02).rounded())
        for index in 0..<count {
            let packet = packetizer.opus(packets[index % packets.count], timestamp: base &+ UInt32(truncatingIfNeeded: index * 960))
            _ = packet.withUnsafeBytes { writer.receive(rtp: $0, at: Double(index) * 0.02) }
        }
        writer.close()
        guard writer.framesWritten > 0 else { throw FFmpeg.Failure(message: "no packet written to \(file.lastPathComponent)") }
    }
}
