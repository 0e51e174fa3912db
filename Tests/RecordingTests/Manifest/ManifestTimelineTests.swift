import Foundation
import Testing
@testable import Recording

@Suite("Manifest from a timeline")
struct ManifestTimelineTests {
    func track(_ at: Double, _ producer: String, _ participant: String, _ source: String, file: String) -> TimelineEvent {
        TimelineEvent(at: at, event: .track, participant: participant, producer: producer, source: source,
                      kind: source == "microphone" ? "audio" : "video", codec: source == "microphone" ? "opus" : "vp8", file: file)
    }

    @Test("joins, leaves, mutes and a screen share become spans")
    func spans() {
        let timeline: [TimelineEvent] = [
            TimelineEvent(at: 0, event: .started),
            TimelineEvent(at: 0.01, event: .joined, participant: "a", name: "Ann", role: "host"),
            TimelineEvent(at: 0.01, event: .joined, participant: "b", name: "Bob", role: "phone"),
            track(0.1, "a-cam", "a", "camera", file: "tracks/01-camera.webm"),
            TimelineEvent(at: 0.1, event: .live, producer: "a-cam"),
            track(0.1, "b-mic", "b", "microphone", file: "tracks/02-microphone.webm"),
            TimelineEvent(at: 0.1, event: .live, producer: "b-mic"),
            TimelineEvent(at: 3, event: .muted, producer: "b-mic"),
            TimelineEvent(at: 4, event: .live, producer: "b-mic"),
            track(5, "a-scr", "a", "screen", file: "tracks/03-screen.webm"),
            TimelineEvent(at: 5, event: .live, producer: "a-scr"),
            TimelineEvent(at: 7, event: .trackEnded, producer: "a-scr"),
            TimelineEvent(at: 8, event: .left, participant: "b"),
            TimelineEvent(at: 10, event: .stopped),
        ]
        let extents = [
            "tracks/01-camera.webm": TrackExtent(start: 0.2, end: 9.96, width: 640, height: 480),
            "tracks/02-microphone.webm": TrackExtent(start: 0.15, end: 7.98),
            "tracks/03-screen.webm": TrackExtent(start: 5.3, end: 6.9, width: 1280, height: 720),
        ]
        let manifest = RecordingManifest(timeline: timeline, extents: extents)
        #expect(manifest.duration == 10)
        #expect(manifest.participants.map(\.displayName) == ["Ann", "Bob"])
        #expect(manifest.participants[0].present == [TimeSpan(start: 0.01, end: 10)])
        #expect(manifest.participants[1].present == [TimeSpan(start: 0.01, end: 8)])
        let byID = Dictionary(uniqueKeysWithValues: manifest.tracks.map { ($0.id, $0) })
        // Live spans start where the file's blocks start.
        #expect(byID["a-cam"]?.live == [TimeSpan(start: 0.2, end: 10)])
        #expect(byID["a-cam"]?.width == 640)
        #expect(byID["b-mic"]?.live == [TimeSpan(start: 0.15, end: 3), TimeSpan(start: 4, end: 8)])
        #expect(byID["a-scr"]?.live == [TimeSpan(start: 5.3, end: 7)])
        #expect(byID["a-scr"]?.start == 5.3)
    }

    @Test("after a crash the end is the last thing known, and empty tracks are left out")
    func crash() {
        let timeline: [TimelineEvent] = [
            TimelineEvent(at: 0, event: .started),
            TimelineEvent(at: 0.01, event: .joined, participant: "a", name: "Ann", role: "host"),
            track(0.1, "a-mic", "a", "microphone", file: "tracks/01-microphone.webm"),
            TimelineEvent(at: 0.1, event: .live, producer: "a-mic"),
            track(0.1, "a-cam", "a", "camera", file: "tracks/02-camera.webm"),
            TimelineEvent(at: 0.1, event: .live, producer: "a-cam"),
            TimelineEvent(at: 4, event: .loss, producer: "a-mic", packets: 2),
        ]
        let manifest = RecordingManifest(timeline: timeline, extents: ["tracks/01-microphone.webm": TrackExtent(start: 0.12, end: 6.5)])
        #expect(manifest.duration == 6.5)
        #expect(manifest.tracks.map(\.id) == ["a-mic"])
        #expect(manifest.tracks.first?.live == [TimeSpan(start: 0.12, end: 6.5)])
        #expect(manifest.participants.first?.present == [TimeSpan(start: 0.01, end: 6.5)])
    }

    @Test("the timeline log survives a torn last line")
    func tornLog() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("parley-timeline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("timeline.jsonl")
        let log = try TimelineLog(url: url)
        try log.append(TimelineEvent(at: 0, event: .started, wallclock: "2026-11-25T10:00:00Z"))
        try log.append(TimelineEvent(at: 1.5, event: .joined, participant: "p", name: "Zoë \"Z\" / 🎉", role: "guest"))
        // A process killed mid-line leaves half a line behind.
        let handle = try FileHandle(forWritingTo: url)
        handle.seekToEndOfFile()
        handle.write(Data(#"{"at":2,"event":"jo"#.utf8))
        try handle.close()
        let events = try TimelineLog.read(url: url)
        #expect(events.count == 2)
        #expect(events[1].name == "Zoë \"Z\" / 🎉")
        // Appending after the torn line still yields readable events.
        let reopened = try TimelineLog(url: url)
        try reopened.append(TimelineEvent(at: 3, event: .stopped))
        #expect(try TimelineLog.read(url: url).last?.event == .stopped)
    }
}
