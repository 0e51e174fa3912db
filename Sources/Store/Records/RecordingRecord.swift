/// A meeting's recording: captured track by track while the meeting runs,
/// then composited into one MP4 in the background.
///
/// The row outlives the meeting (its id is cleared, `meetingTitle` stays) so
/// deleting a meeting never deletes a recording someone still wants.
public struct RecordingRecord: Codable, Sendable, Equatable {
    public var id: String
    public var meetingId: String?
    public var meetingTitle: String
    /// The meeting's host when it was recorded: they always manage it.
    public var hostId: String
    /// Who pressed "Start recording" (a user id, or `automatic`).
    public var startedBy: String
    /// The Parley process that captures it (host name and recording
    /// directory): only that process finishes it after a restart.
    public var node: String
    /// Where it stands (stored as its raw value).
    public var status: RecordingStatus
    /// Composite progress, 0…100.
    public var progress: Int
    public var startedAt: Int
    public var stoppedAt: Int?
    /// Length of the recorded span, milliseconds (known once it stopped).
    public var durationMs: Int
    /// Size of the composited file, bytes (0 until it is ready).
    public var sizeBytes: Int
    /// Display names of everyone recorded, as a JSON array of strings.
    public var participants: String
    /// Why processing failed, in words.
    public var error: String?
    public var createdAt: Int
    public var updatedAt: Int

    public static let recording = RecordingStatus.recording
    public static let queued = RecordingStatus.queued
    public static let processing = RecordingStatus.processing
    public static let ready = RecordingStatus.ready
    public static let failed = RecordingStatus.failed

    public init(
        id: String, meetingId: String?, meetingTitle: String, hostId: String, startedBy: String, node: String = "",
        status: RecordingStatus = .recording, progress: Int = 0, startedAt: Int, stoppedAt: Int? = nil,
        durationMs: Int = 0, sizeBytes: Int = 0, participants: String = "[]", error: String? = nil,
        createdAt: Int, updatedAt: Int
    ) {
        self.id = id
        self.meetingId = meetingId
        self.meetingTitle = meetingTitle
        self.hostId = hostId
        self.startedBy = startedBy
        self.node = node
        self.status = status
        self.progress = progress
        self.startedAt = startedAt
        self.stoppedAt = stoppedAt
        self.durationMs = durationMs
        self.sizeBytes = sizeBytes
        self.participants = participants
        self.error = error
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
