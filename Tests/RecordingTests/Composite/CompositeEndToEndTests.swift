import Foundation
import Synchronization
import Testing
@testable import Recording

/// Tests that run ffmpeg, one at a time (two shared cores).
@Suite("FFmpeg", .serialized)
struct FFmpegTests {}

/// Collects progress reports from ffmpeg's reader thread.
final class ProgressLog: Sendable {
    private let values = Mutex<[Double]>([])
    func record(_ value: Double) { values.withLock { $0.append(value) } }
    var all: [Double] { values.withLock { $0 } }
}

extension FFmpegTests {
    @Suite("Composite end to end")
    struct EndToEnd {
        /// Colour close to `expected` (within `tolerance` per channel).
        func isColour(_ pixel: (r: Int, g: Int, b: Int)?, _ expected: (Int, Int, Int), tolerance: Int = 48) -> Bool {
            guard let pixel else { return false }
            return abs(pixel.r - expected.0) <= tolerance && abs(pixel.g - expected.1) <= tolerance
                && abs(pixel.b - expected.2) <= tolerance
        }

        func tileCentre(_ layout: CompositeLayout, at seconds: Double, showing content: CompositeLayout.Tile.Content)
            throws -> (Int, Int) {
            let frame = Int((seconds * Double(layout.frameRate)).rounded())
            let segment = try #require(layout.segments.first { $0.startFrame <= frame && frame < $0.endFrame })
            let tile = try #require(segment.tiles.first { $0.content == content }, "\(content) at \(seconds) s")
            // A name tile has its name in the middle; look at its plain corner instead.
            if content == .name { return (tile.frame.x + 12, tile.frame.y + 12) }
            return (tile.frame.midX, tile.frame.midY)
        }

        /// Red camera + 440 Hz from 0 s, blue camera + 880 Hz from 2 s, a phone caller's 1 kHz
        /// from 3 s with a hole from 5 to 6.5 s, a green screen (one frame a second) from 4 to 7 s;
        /// 10 s in all.
        @Test func threeParticipantsAndAScreenShare() async throws {
            let directory = try MediaTool.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let tracks = directory.appendingPathComponent("tracks")
            try FileManager.default.createDirectory(at: tracks, withIntermediateDirectories: true)
            try await MediaTool.makeVP8("color=red:s=640x360:r=25:d=10", offset: 0, to: tracks.appendingPathComponent("red.webm"))
            // Bob's camera sends one frame a second, half-way between the layout changes at 3 and 4 s.
            try await MediaTool.makeVP8("color=blue:s=640x480:r=1:d=8", offset: 2.5, to: tracks.appendingPathComponent("blue.webm"))
            // One frame a second, like a static shared screen.
            try await MediaTool.makeVP8("color=green:s=1280x720:r=1:d=3", offset: 4, to: tracks.appendingPathComponent("screen.webm"))
            try await MediaTool.makeOpus("sine=f=440:r=48000:d=10", offset: 0, to: tracks.appendingPathComponent("a440.webm"))
            try await MediaTool.makeOpus("sine=f=880:r=48000:d=8", offset: 2, to: tracks.appendingPathComponent("a880.webm"))
            // File time 2…3.5 dropped: no blocks at all for 5…6.5 on the timeline.
            try await MediaTool.makeOpus("sine=f=1000:r=48000:d=7", filter: "aselect='not(between(t,2,3.5))',aformat=channel_layouts=mono",
                                   offset: 3, to: tracks.appendingPathComponent("phone.webm"))

            func track(_ id: String, _ who: String, _ source: String, _ kind: String, _ start: Double,
                       _ live: [(Double, Double)]) -> RecordedTrack {
                RecordedTrack(id: id, participantID: who, source: source, kind: kind, codec: kind == "audio" ? "opus" : "vp8",
                              file: "tracks/\(id).webm", start: start, live: live.map { TimeSpan(start: $0.0, end: $0.1) },
                              width: kind == "video" ? 640 : 0, height: kind == "video" ? 360 : 0)
            }
            let manifest = RecordingManifest(
                duration: 10,
                participants: [
                    ManifestFixture.person("ann", "Ann 'Red' O'Hara: [host], 100%", role: "host", from: 0, to: 10),
                    ManifestFixture.person("bob", "Bob\n\"Blue\" ; drawtext", from: 2, to: 10),
                    ManifestFixture.person("tel", "+1 555 0100", role: "phone", from: 3, to: 10),
                ],
                tracks: [
                    track("red", "ann", "camera", "video", 0, [(0, 10)]),
                    track("a440", "ann", "microphone", "audio", 0, [(0, 10)]),
                    // Bob's camera is off for 5.5…6 s, which starts a segment between two screen frames.
                    track("blue", "bob", "camera", "video", 2, [(2, 5.5), (6, 10)]),
                    track("a880", "bob", "microphone", "audio", 2, [(2, 10)]),
                    track("phone", "tel", "microphone", "audio", 3, [(3, 5), (6.5, 10)]),
                    track("screen", "ann", "screen", "video", 4, [(4, 7)]),
                ]
            )
            // A work directory whose path needs every kind of filtergraph escaping.
            let workParent = directory.appendingPathComponent("work, dir: [x]'s; 100%")
            try FileManager.default.createDirectory(at: workParent, withIntermediateDirectories: true)
            var configuration = CompositeJob.Configuration()
            configuration.workDirectoryParent = workParent
            let output = directory.appendingPathComponent("output.mp4")
            let job = CompositeJob(manifest: manifest, recordingDirectory: directory, output: output,
                                   configuration: configuration)
            let log = ProgressLog()
            let clock = ContinuousClock()
            let started = clock.now
            try await job.run { log.record($0) }
            print("[benchmark note] 10 s composite (3 participants, screen share) took \(clock.now - started)")

            #expect(FileManager.default.fileExists(atPath: output.path))
            #expect(!FileManager.default.fileExists(atPath: job.partialOutput.path))
            #expect(try FileManager.default.contentsOfDirectory(atPath: workParent.path).isEmpty, "work files removed")
            let progress = log.all
            #expect(progress.count >= 2)
            #expect(progress == progress.sorted(), "monotonic: \(progress)")
            #expect(progress.last == 1)

            let probe = try await MediaTool.probe(output)
            #expect(probe.codecs.sorted() == ["aac", "h264"])
            #expect(abs(probe.duration - 10) <= 0.1, "duration \(probe.duration)")

            let layout = CompositeLayout(manifest: manifest)
            let red = (255, 0, 0), blue = (0, 0, 255), green = (0, 128, 0), tile = (44, 44, 51)
            let checks: [(Double, CompositeLayout.Tile.Content, (Int, Int, Int))] = [
                (1, .camera(trackID: "red"), red),
                (3, .camera(trackID: "red"), red), (3, .camera(trackID: "blue"), blue),
                (5, .screen(trackID: "screen"), green), (5, .camera(trackID: "red"), red),
                (5, .camera(trackID: "blue"), blue),
                (5.7, .screen(trackID: "screen"), green), (5.7, .name, tile),
                (9, .camera(trackID: "red"), red), (9, .camera(trackID: "blue"), blue), (9, .name, tile),
            ]
            for (seconds, content, colour) in checks {
                let (x, y) = try tileCentre(layout, at: seconds, showing: content)
                let image = try await MediaTool.frame(of: output, at: seconds)
                let pixel = image.pixel(x, y)
                #expect(isColour(pixel, colour), "\(content) at \(seconds) s: \(String(describing: pixel))")
            }
            // At 3.2 s Bob's tile has shrunk (2 up → 2x2) since his last frame (2.5 s): the picture
            // is rescaled at once, not drawn at its old size spilling out of the tile.
            let bob = try #require(layout.segments.first { $0.startFrame <= 80 && 80 < $0.endFrame }?
                .tiles.first { $0.participantID == "bob" }?.frame)
            let early = try await MediaTool.frame(of: output, at: 3.2)
            #expect(isColour(early.pixel(bob.midX, bob.midY), blue))
            let below = early.pixel(bob.midX, bob.y + bob.height + 3)
            #expect(isColour(below, (27, 27, 31), tolerance: 12), "below Bob's tile: \(String(describing: below))")
            // While the screen is shared it takes the left four fifths; the grid is back at 9 s.
            #expect(layout.segments.filter(\.showsScreen).map(\.start) == [4, 5.52, 6])
            await #expect(isColour(try MediaTool.frame(of: output, at: 5).pixel(200, 600), green))

            let samples = try await MediaTool.audio(of: output)
            func tone(_ frequency: Double, _ from: Double, _ to: Double) -> Double {
                MediaTool.tone(samples, frequency: frequency, from: from, to: to)
            }
            // Each sine is 1/8 full scale; mixing must not halve it (about 0.09 after the mono fold-down).
            for (from, to) in [(0.2, 1.8), (4.2, 4.8), (8.2, 9.8)] {
                #expect(tone(440, from, to) > 0.05, "440 Hz at \(from)…\(to): \(tone(440, from, to))")
            }
            #expect(tone(880, 0.2, 1.8) < 0.01)
            for (from, to) in [(2.2, 2.8), (5.2, 6.3), (8.2, 9.8)] {
                #expect(tone(880, from, to) > 0.05, "880 Hz at \(from)…\(to): \(tone(880, from, to))")
            }
            #expect(tone(1000, 0.2, 2.8) < 0.01)
            #expect(tone(1000, 3.2, 4.8) > 0.05, "phone before its gap: \(tone(1000, 3.2, 4.8))")
            #expect(tone(1000, 5.1, 6.4) < 0.01, "phone gap silent: \(tone(1000, 5.1, 6.4))")
            #expect(tone(1000, 6.7, 9.8) > 0.05, "phone after its gap, not shifted: \(tone(1000, 6.7, 9.8))")
            // Later audio is not shifted by the gap: the tone resumes within 40 ms of 6.5 s.
            #expect(tone(1000, 6.40, 6.46) < 0.02 && tone(1000, 6.54, 6.60) > 0.05)
        }

        /// A camera that turns from red to blue at 4.0 s (its file starts at 1.5 s) and a beep at
        /// 3.0 s (its file starts at 0.7 s) land within a frame / 40 ms; a beep outside the
        /// track's live spans is muted.
        @Test func colourFlipAndBeepStayInSync() async throws {
            let directory = try MediaTool.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let tracks = directory.appendingPathComponent("tracks")
            try FileManager.default.createDirectory(at: tracks, withIntermediateDirectories: true)
            try await MediaTool.makeVP8("color=red:s=320x240:r=30:d=2.5[a];color=blue:s=320x240:r=30:d=2[b];[a][b]concat",
                                  offset: 1.5, to: tracks.appendingPathComponent("flip.webm"))
            try await MediaTool.makeOpus("aevalsrc='0.5*sin(2*PI*1000*t)*(between(t,2.3,2.5)+between(t,4.3,4.5))':s=48000:d=5",
                                   offset: 0.7, to: tracks.appendingPathComponent("beep.webm"))
            let manifest = RecordingManifest(
                duration: 6,
                participants: [ManifestFixture.person("s", "Sync", from: 0, to: 6)],
                tracks: [
                    RecordedTrack(id: "flip", participantID: "s", source: "camera", kind: "video", codec: "vp8",
                                  file: "tracks/flip.webm", start: 1.5, live: [TimeSpan(start: 1.5, end: 6)],
                                  width: 320, height: 240),
                    RecordedTrack(id: "beep", participantID: "s", source: "microphone", kind: "audio", codec: "opus",
                                  file: "tracks/beep.webm", start: 0.7, live: [TimeSpan(start: 0.7, end: 4.5)]),
                ]
            )
            let output = directory.appendingPathComponent("sync.mp4")
            try await CompositeJob(manifest: manifest, recordingDirectory: directory, output: output).run()

            let layout = CompositeLayout(manifest: manifest)
            let (x, y) = try tileCentre(layout, at: 3, showing: .camera(trackID: "flip"))
            let pixels = try await MediaTool.pixelTrack(of: output, x: x, y: y)
            #expect(pixels.count == 150)
            let firstRed = try #require(pixels.firstIndex { isColour($0, (255, 0, 0)) })
            let firstBlue = try #require(pixels.firstIndex { isColour($0, (0, 0, 255)) })
            #expect(abs(Double(firstRed) / 25 - 1.5) <= 0.04, "camera appears at \(Double(firstRed) / 25) s")
            #expect(abs(Double(firstBlue) / 25 - 4.0) <= 0.04, "colour flips at \(Double(firstBlue) / 25) s")

            let samples = try await MediaTool.audio(of: output)
            let onset = try #require(samples.firstIndex { abs($0) > 0.05 })
            #expect(abs(Double(onset) / 48000 - 3.0) <= 0.04, "beep starts at \(Double(onset) / 48000) s")
            #expect(MediaTool.peak(samples, from: 3.05, to: 3.15) > 0.2)
            #expect(MediaTool.peak(samples, from: 4.6, to: 5.5) < 0.01, "beep outside the live spans is muted")
        }

        /// A VP8 camera that changes resolution mid-stream (as WebRTC does when bandwidth
        /// changes) and an H.264 camera in Matroska both come out in their tiles.
        @Test func resolutionChangeAndH264InMatroska() async throws {
            let directory = try MediaTool.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let tracks = directory.appendingPathComponent("tracks")
            try FileManager.default.createDirectory(at: tracks, withIntermediateDirectories: true)
            let small = directory.appendingPathComponent("small.webm")
            let large = directory.appendingPathComponent("large.webm")
            try await MediaTool.makeVP8("color=red:s=320x180:r=25:d=1.5", offset: 0, to: small)
            try await MediaTool.makeVP8("color=red:s=1280x720:r=25:d=1.5", offset: 0, to: large)
            let list = directory.appendingPathComponent("list.txt")
            try "file '\(small.path)'\nfile '\(large.path)'\n".write(to: list, atomically: true, encoding: .utf8)
            try await MediaTool.ffmpeg(["-f", "concat", "-safe", "0", "-i", list.path, "-c", "copy",
                                  tracks.appendingPathComponent("cam-a.webm").path])
            try await MediaTool.ffmpeg(["-f", "lavfi", "-i", "color=green:s=640x360:r=30:d=2.5", "-c:v", "libx264",
                                  "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-output_ts_offset", "0.5",
                                  tracks.appendingPathComponent("cam-b.mkv").path])
            var manifest = ManifestFixture.meeting(2, duration: 3)
            manifest.tracks = [ManifestFixture.camera("p0", live: [(0, 3)], id: "cam-a"),
                               ManifestFixture.camera("p1", live: [(0.5, 3)], id: "cam-b")]
            manifest.tracks[1].codec = "h264"
            manifest.tracks[1].file = "tracks/cam-b.mkv"
            let output = directory.appendingPathComponent("mixed.mp4")
            try await CompositeJob(manifest: manifest, recordingDirectory: directory, output: output).run()

            let probe = try await MediaTool.probe(output)
            #expect(probe.codecs.sorted() == ["aac", "h264"])
            #expect(abs(probe.duration - 3) <= 0.1)
            let layout = CompositeLayout(manifest: manifest)
            // Every frame, including those around the change at 1.5 s (rebuilding the filter
            // graph there, ffmpeg's default, loses a few frames).
            let (ax, ay) = try tileCentre(layout, at: 1, showing: .camera(trackID: "cam-a"))
            let (bx, by) = try tileCentre(layout, at: 1, showing: .camera(trackID: "cam-b"))
            let vp8 = try await MediaTool.pixelTrack(of: output, x: ax, y: ay)
            let h264 = try await MediaTool.pixelTrack(of: output, x: bx, y: by)
            #expect(vp8.count == 75)
            #expect(vp8.indices.filter { !isColour(vp8[$0], (255, 0, 0)) } == [])
            #expect(h264.indices.filter { !isColour(h264[$0], (0, 128, 0)) } == Array(0..<13), "green from 0.52 s")
            for seconds in [1.0, 2.5] {
                let image = try await MediaTool.frame(of: output, at: seconds)
                let (ax, ay) = try tileCentre(layout, at: seconds, showing: .camera(trackID: "cam-a"))
                let (bx, by) = try tileCentre(layout, at: seconds, showing: .camera(trackID: "cam-b"))
                #expect(isColour(image.pixel(ax, ay), (255, 0, 0)), "VP8 at \(seconds) s")
                #expect(isColour(image.pixel(bx, by), (0, 128, 0)), "H.264 at \(seconds) s")
                // 16:9 in a 632x712 tile: letterboxed, not stretched, both before and after the change.
                #expect(isColour(image.pixel(ax, 60), (44, 44, 51), tolerance: 12), "letterbox at \(seconds) s")
            }
        }

        /// No audio tracks and no video: name tiles and a silent AAC stream.
        /// Four people talking loudly at once add up to three times full scale:
        /// the mix is limited, not clipped, and every voice is still in it.
        @Test func loudVoicesTogetherAreLimitedNotClipped() async throws {
            let directory = try MediaTool.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let tracks = directory.appendingPathComponent("tracks")
            try FileManager.default.createDirectory(at: tracks, withIntermediateDirectories: true)
            let frequencies = [300, 500, 700, 1100]
            for (n, f) in frequencies.enumerated() {
                // 0.75 of full scale each.
                try await MediaTool.makeOpus("sine=f=\(f):r=48000:d=4,volume=6", offset: 0, to: tracks.appendingPathComponent("mic-p\(n).webm"))
            }
            let people = frequencies.indices.map { ManifestFixture.person("p\($0)", "Person \($0)", role: "phone", from: 0, to: 4) }
            let manifest = RecordingManifest(duration: 4, participants: people,
                                             tracks: people.map { ManifestFixture.microphone($0.id, live: [(0, 4)]) })
            let output = directory.appendingPathComponent("loud.mp4")
            try await CompositeJob(manifest: manifest, recordingDirectory: directory, output: output).run()
            let samples = try await MediaTool.audio(of: output)
            let peak = MediaTool.peak(samples, from: 0.5, to: 3.5)
            #expect(peak < 0.97, "peak \(peak): the mix clips")
            #expect(samples.filter { abs($0) > 0.99 }.isEmpty, "clipped samples")
            for f in frequencies {
                let level = MediaTool.tone(samples, frequency: Double(f), from: 1, to: 3)
                #expect(level > 0.1, "\(f) Hz at \(level)")
            }
        }

        /// Two callers whose names are three ideographs each: drawn as glyphs
        /// (the two labels differ), not as the same three empty boxes.
        @Test func cjkNamesAreDrawnAsGlyphsNotBoxes() async throws {
            let directory = try MediaTool.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let manifest = RecordingManifest(duration: 2, participants: [
                ManifestFixture.person("a", "王小明", role: "participant", from: 0, to: 2),
                ManifestFixture.person("b", "李大华", role: "participant", from: 0, to: 2),
            ], tracks: [])
            let output = directory.appendingPathComponent("names.mp4")
            try await CompositeJob(manifest: manifest, recordingDirectory: directory, output: output).run()
            let image = try await MediaTool.frame(of: output, at: 1)
            let layout = CompositeLayout(manifest: manifest)
            let tiles = try #require(layout.segments.first?.tiles)
            #expect(tiles.count == 2)
            // The centred name's strip in each tile, as bright (text) or not.
            let strips = tiles.map { tile -> [Bool] in
                let size = CompositeCommand.centerFontSize(tileHeight: tile.frame.height)
                let strip = CompositeCommand.Label.placement(style: .center, fontSize: size, in: tile.frame)
                return (strip.y..<(strip.y + strip.height)).flatMap { y in
                    (strip.x..<(strip.x + strip.width)).map { x in (image.pixel(x, y)?.g ?? 0) > 160 }
                }
            }
            let lit = strips.map { $0.filter { $0 }.count }
            #expect(lit.allSatisfy { $0 > 200 }, "names drawn: \(lit) bright pixels")
            let differing = zip(strips[0], strips[1]).filter { $0 != $1 }.count
            #expect(differing > lit.min()! / 3, "the two names look alike (\(differing) pixels differ): boxes, not glyphs")
        }

        @Test func phoneOnlyRecordingWithoutTracks() async throws {
            let directory = try MediaTool.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let manifest = RecordingManifest(duration: 2, participants: [
                ManifestFixture.person("tel", "Caller", role: "phone", from: 0, to: 2),
            ], tracks: [])
            let output = directory.appendingPathComponent("silent.mp4")
            try await CompositeJob(manifest: manifest, recordingDirectory: directory, output: output).run()
            let probe = try await MediaTool.probe(output)
            #expect(probe.codecs.sorted() == ["aac", "h264"])
            #expect(abs(probe.duration - 2) <= 0.1)
            let image = try await MediaTool.frame(of: output, at: 1)
            #expect(isColour(image.pixel(100, 100), (44, 44, 51), tolerance: 12), "dark name tile")
            // The name is drawn in white somewhere in the middle band of the tile.
            let bright = (300..<420).contains { y in (200..<1080).contains { x in (image.pixel(x, y)?.g ?? 0) > 200 } }
            #expect(bright, "name text drawn")
            let samples = try await MediaTool.audio(of: output)
            #expect(samples.count > 90000)
            #expect(MediaTool.peak(samples, from: 0, to: 2) < 0.001)
        }
    }
}
