import Foundation
import Recording
import Store

/// A recording as the API shows it (schema `Recording`).
struct RecordingResponse: Encodable {
    struct Track: Encodable {
        var name: String
        /// "01 Rita Red - camera.webm": what a download is saved as.
        var downloadName: String
        var sizeBytes: Int
        var url: String
        /// Whose track, which source, and its start on the recording's timeline (null while capturing).
        @NullEncoded var participant: String?
        @NullEncoded var source: String?
        @NullEncoded var startSeconds: Double?
    }

    var id: String
    @NullEncoded var meetingId: String?
    var meetingTitle: String
    var status: RecordingStatus
    /// Composite progress, 0…100.
    var progress: Int
    var startedAt: String
    @NullEncoded var stoppedAt: String?
    var durationSeconds: Double
    var sizeBytes: Int
    var participants: [String]
    var canManage: Bool
    @NullEncoded var error: String?
    /// Where to play or download the MP4; null until it is ready.
    @NullEncoded var fileUrl: String?
    /// The per-track files, for editing (managers only; empty for others).
    var tracks: [Track]

    init(_ record: RecordingRecord, canManage: Bool, trackFiles: [RecordedTrackFile]) {
        id = record.id
        meetingId = record.meetingId
        meetingTitle = record.meetingTitle
        status = record.status
        progress = record.progress
        startedAt = Instant.string(record.startedAt)
        stoppedAt = record.stoppedAt.map(Instant.string)
        durationSeconds = Double(record.durationMs) / 1000
        sizeBytes = record.sizeBytes
        participants = (try? JSONDecoder().decode([String].self, from: Data(record.participants.utf8))) ?? []
        self.canManage = canManage
        error = canManage ? record.error : (record.error == nil ? nil : "Processing failed.")
        fileUrl = record.status == RecordingRecord.ready ? "/api/v1/recordings/\(record.id)/file" : nil
        tracks = canManage && record.status != RecordingRecord.recording
            ? trackFiles.map { track in
                let file = track.url
                let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
                return Track(name: file.lastPathComponent, downloadName: track.downloadName, sizeBytes: size,
                             url: "/api/v1/recordings/\(record.id)/tracks/\(file.lastPathComponent)",
                             participant: track.participant, source: track.source,
                             startSeconds: track.start.map { ($0 * 1000).rounded() / 1000 })
            }
            : []
    }
}
