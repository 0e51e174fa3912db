/// One line of a recording's `timeline.jsonl`: what happened in the room,
/// and when, on the recording's timeline.
///
/// The log is the recording's memory across a crash: it is appended one
/// whole line per write, so after SIGKILL every event but a half-written
/// last line survives, and the manifest is rebuilt from it at restart.
public struct TimelineEvent: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// The recording began (`wallclock` says when, ISO 8601).
        case started
        /// A participant was in the room (at the start, or joined later).
        case joined
        case left
        /// A track file was opened for a producer.
        case track
        /// A producer was unmuted (or started unmuted).
        case live
        case muted
        /// A producer went away (screen share stopped, camera unpublished).
        case trackEnded
        /// Packets a track lost since the last report.
        case loss
        /// The recording stopped normally.
        case stopped
    }

    /// Seconds since the recording started.
    public var at: Double
    public var event: Kind
    public var participant: String?
    public var name: String?
    public var role: String?
    public var producer: String?
    public var source: String?
    public var kind: String?
    public var codec: String?
    public var file: String?
    public var packets: Int?
    public var wallclock: String?

    public init(at: Double, event: Kind, participant: String? = nil, name: String? = nil, role: String? = nil,
                producer: String? = nil, source: String? = nil, kind: String? = nil, codec: String? = nil,
                file: String? = nil, packets: Int? = nil, wallclock: String? = nil) {
        self.at = at
        self.event = event
        self.participant = participant
        self.name = name
        self.role = role
        self.producer = producer
        self.source = source
        self.kind = kind
        self.codec = codec
        self.file = file
        self.packets = packets
        self.wallclock = wallclock
    }
}
