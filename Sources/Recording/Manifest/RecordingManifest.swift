import Foundation
import Rooms

/// What a recording captured, as the compositor reads it: who took part,
/// which track files exist, and when each track was live.
///
/// Times are seconds on the recording's own timeline: 0 is the moment the
/// recording started. Track files carry the same timeline in their block
/// timestamps, so per-track files line up in an editor without this file.
public struct RecordingManifest: Codable, Sendable, Equatable {
    /// From start to stop, seconds.
    public var duration: Double
    /// Everyone who was in the room while it recorded, in join order.
    public var participants: [RecordedParticipant]
    /// Every track written, in the order they started.
    public var tracks: [RecordedTrack]

    public init(duration: Double, participants: [RecordedParticipant], tracks: [RecordedTrack]) {
        self.duration = duration
        self.participants = participants
        self.tracks = tracks
    }
}

/// A person in the recording (a browser, a phone caller).
public struct RecordedParticipant: Codable, Sendable, Equatable {
    /// The room's participant id.
    public var id: String
    public var displayName: String
    /// `host`, `cohost`, `participant`, `guest` or `phone`: kept as written in
    /// the file (a manifest from another version still reads); code asks
    /// `participantRole`.
    public var role: String
    /// When they were in the room, seconds (one span per stay; a rejoin is a new participant id).
    public var present: [TimeSpan]

    /// The role, when it is one this version knows.
    public var participantRole: ParticipantRole? { ParticipantRole(rawValue: role) }

    public init(id: String, displayName: String, role: String, present: [TimeSpan]) {
        self.id = id
        self.displayName = displayName
        self.role = role
        self.present = present
    }
}

/// One producer's media as written to disk, without transcoding.
public struct RecordedTrack: Codable, Sendable, Equatable {
    /// The producer id.
    public var id: String
    public var participantID: String
    /// `microphone`, `camera` or `screen` (a room's `MediaSource` raw value).
    public var source: String
    /// `audio` or `video`.
    public var kind: String
    /// `opus`, `vp8` or `h264`.
    public var codec: String
    /// The file, relative to the recording's directory (`tracks/…​.webm` or `.mkv`).
    public var file: String
    /// The timestamp of the file's first block, seconds.
    public var start: Double
    /// When the track carried media: live and not muted. Outside these spans
    /// the compositor shows the participant's name tile (video) or silence (audio).
    public var live: [TimeSpan]
    /// Frame size of a video track as first written (0 when unknown).
    public var width: Int
    public var height: Int

    public init(id: String, participantID: String, source: String, kind: String, codec: String, file: String,
                start: Double, live: [TimeSpan], width: Int = 0, height: Int = 0) {
        self.id = id
        self.participantID = participantID
        self.source = source
        self.kind = kind
        self.codec = codec
        self.file = file
        self.start = start
        self.live = live
        self.width = width
        self.height = height
    }
}

/// A span of the recording's timeline, seconds.
public struct TimeSpan: Codable, Sendable, Equatable {
    public var start: Double
    public var end: Double

    public init(start: Double, end: Double) {
        self.start = start
        self.end = end
    }

    public var duration: Double { end - start }
}
