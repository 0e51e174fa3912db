import Foundation
@testable import Recording

/// Manifest builders shared by the composite tests.
enum ManifestFixture {
    static func person(_ id: String, _ name: String? = nil, role: String = "participant",
                       from start: Double = 0, to end: Double = 10) -> RecordedParticipant {
        RecordedParticipant(id: id, displayName: name ?? id.uppercased(), role: role,
                            present: [TimeSpan(start: start, end: end)])
    }

    static func camera(_ participant: String, live: [(Double, Double)] = [(0, 10)], id: String? = nil,
                       width: Int = 640, height: Int = 360) -> RecordedTrack {
        RecordedTrack(id: id ?? "cam-\(participant)", participantID: participant, source: "camera", kind: "video",
                      codec: "vp8", file: "tracks/\(id ?? "cam-\(participant)").webm", start: live.first?.0 ?? 0,
                      live: live.map { TimeSpan(start: $0.0, end: $0.1) }, width: width, height: height)
    }

    static func screen(_ participant: String, live: [(Double, Double)], id: String? = nil) -> RecordedTrack {
        RecordedTrack(id: id ?? "screen-\(participant)", participantID: participant, source: "screen", kind: "video",
                      codec: "vp8", file: "tracks/\(id ?? "screen-\(participant)").webm", start: live.first?.0 ?? 0,
                      live: live.map { TimeSpan(start: $0.0, end: $0.1) }, width: 1280, height: 720)
    }

    static func microphone(_ participant: String, live: [(Double, Double)] = [(0, 10)], id: String? = nil) -> RecordedTrack {
        RecordedTrack(id: id ?? "mic-\(participant)", participantID: participant, source: "microphone", kind: "audio",
                      codec: "opus", file: "tracks/\(id ?? "mic-\(participant)").webm", start: live.first?.0 ?? 0,
                      live: live.map { TimeSpan(start: $0.0, end: $0.1) })
    }

    /// `count` participants present the whole time, each with a live camera and microphone.
    static func meeting(_ count: Int, duration: Double = 10) -> RecordingManifest {
        let people = (0..<count).map { person("p\($0)", "Person \($0)", from: 0, to: duration) }
        let tracks = people.flatMap { [camera($0.id, live: [(0, duration)]), microphone($0.id, live: [(0, duration)])] }
        return RecordingManifest(duration: duration, participants: people, tracks: tracks)
    }
}
