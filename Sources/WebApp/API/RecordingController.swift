import Foundation
import Hummingbird
import NIOHTTP1
import Recording
import Store

/// Meetings' recordings: start and stop (the host; co-hosts from the room),
/// the library each user sees, playing and downloading with HTTP ranges,
/// the per-track files, and deleting.
struct RecordingController {
    let services: AppServices
    var store: Store { services.store }
    var recordings: RecordingService { services.recordings }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/api/v1/meetings/:id/recording", use: start)
        router.get("/api/v1/recordings", use: list)
        router.get("/api/v1/recordings/:id", use: get)
        router.post("/api/v1/recordings/:id/stop", use: stop)
        router.get("/api/v1/recordings/:id/file", use: download)
        router.get("/api/v1/recordings/:id/tracks/:name", use: downloadTrack)
        router.delete("/api/v1/recordings/:id", use: delete)
    }

    @Sendable func start(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        // A meeting the user may not see is 404, like any id they cannot see
        // (MeetingAccess); only those who see it learn it needs its host.
        let meeting = try await MeetingController.hostedMeeting(
            context, user: user, store: store,
            forbidden: "Only the meeting's host can start recording here; co-hosts start it from the meeting room.")
        // The meeting runs on another node: only that node can record it.
        if let answer = try await answerFromNode(running: meeting.id, request) { return answer }
        let record: RecordingRecord
        do {
            record = try await recordings.start(meeting: meeting, startedBy: user.id)
        } catch let error as RecordingError {
            throw Self.apiError(error)
        }
        return try .json(RecordingResponse(record, canManage: true, trackFiles: []), status: .created)
    }

    /// When another node runs `meetingID` (and this request did not come
    /// from a node), its answer to this same request; nil when this node
    /// answers. Throws 503 when that node cannot be reached.
    private func answerFromNode(running meetingID: String, _ request: Request) async throws -> Response? {
        guard await services.rooms.existingRoom(meetingID) == nil, !services.forwarder.isForwarded(request),
              let node = await services.rooms.remoteHolder(of: meetingID) else { return nil }
        guard let answer = await services.forwarder.post(request.uri.path, body: Data(), cookie: request.headers[.cookie], to: node) else {
            throw APIError(.serviceUnavailable, "unavailable", "The server running this meeting cannot be reached. Try again in a moment.")
        }
        return answer
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let meetingID = request.uri.queryParameters.get("meetingId")
        var records = try await store.recordings(visibleTo: user.id)
        if let meetingID { records = records.filter { $0.meetingId == meetingID } }
        let managed = try await store.recordingIDs(managedBy: user.id)
        let items = records.map { RecordingResponse($0, canManage: managed.contains($0.id), trackFiles: []) }
        struct List: Encodable { var recordings: [RecordingResponse] }
        return try .json(List(recordings: items))
    }

    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (record, access) = try await recording(context, needs: .watch)
        // Its track files are listed where they are.
        if let answer = try await answerFromHolder(of: record, request, method: .GET) { return answer }
        return try .json(RecordingResponse(record, canManage: access == .manage, trackFiles: recordings.trackFiles(of: record.id)))
    }

    @Sendable func stop(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (record, _) = try await recording(context, needs: .manage)
        guard record.status == RecordingRecord.recording else {
            throw APIError(.conflict, "not_recording", "This recording already stopped (it is \(record.status)).")
        }
        // Captured by the node that runs the meeting: only it can stop it.
        if let meetingID = record.meetingId, let answer = try await answerFromNode(running: meetingID, request) { return answer }
        let stopped: RecordingRecord
        do {
            stopped = try await recordings.stop(recordingID: record.id)
        } catch let error as RecordingError {
            throw Self.apiError(error)
        }
        return try .json(RecordingResponse(stopped, canManage: true, trackFiles: recordings.trackFiles(of: record.id)))
    }

    @Sendable func download(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (record, _) = try await recording(context, needs: .watch)
        guard record.status == RecordingRecord.ready else {
            throw APIError(.conflict, "not_ready", "The recording is not ready yet (it is \(record.status), \(record.progress)% done).")
        }
        if let answer = try await answerFromHolder(of: record, request, method: .GET) { return answer }
        let name = Self.fileName(record)
        let attachment = request.uri.queryParameters.get("download") != nil
        return try await serve(recordings.compositeFile(of: record.id), contentType: "video/mp4", name: name,
                               attachment: attachment, request: request, context: context)
    }

    @Sendable func downloadTrack(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (record, _) = try await recording(context, needs: .manage)
        if let answer = try await answerFromHolder(of: record, request, method: .GET) { return answer }
        let name = context.parameters.get("name") ?? ""
        // Only names the directory listing gives: no path tricks.
        guard let track = recordings.trackFiles(of: record.id).first(where: { $0.url.lastPathComponent == name }) else {
            throw APIError.notFound("The track")
        }
        let type = name.hasSuffix(".mkv") ? "video/x-matroska" : (name.contains("camera") || name.contains("screen") ? "video/webm" : "audio/webm")
        return try await serve(track.url, contentType: type, name: track.downloadName, attachment: true, request: request, context: context)
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (record, _) = try await recording(context, needs: .manage)
        // The node with the files deletes them with the row.
        if let answer = try await answerFromHolder(of: record, request, method: .DELETE) { return answer }
        try await recordings.delete(id: record.id)
        return .noContent
    }

    // MARK: - Helpers

    /// When the recording's files are in another node's directory (a
    /// cluster whose nodes keep their own), that node's answer to this same
    /// request, streamed back; nil when this node answers. 503 when the
    /// files are elsewhere and their node is not running or cannot be reached.
    private func answerFromHolder(of record: RecordingRecord, _ request: Request,
                                  method: NIOHTTP1.HTTPMethod) async throws -> Response? {
        guard recordings.isElsewhere(record), !services.forwarder.isForwarded(request),
              !FileManager.default.fileExists(atPath: recordings.directory(of: record.id).path) else { return nil }
        let unavailable = APIError(.serviceUnavailable, "unavailable",
                                   "The server that stores this recording is not reachable right now. Try again in a moment.")
        guard let node = await recordings.holder(of: record) else { throw unavailable }
        var headers: [(String, String)] = []
        if let cookie = request.headers[.cookie] { headers.append(("Cookie", cookie)) }
        if let range = request.headers[.range] { headers.append(("Range", range)) }
        var target = request.uri.path
        if let query = request.uri.query, !query.isEmpty { target += "?" + query }
        guard let answer = await services.forwarder.stream(method, target, headers: headers, to: node,
                                                          group: services.httpLoops) else { throw unavailable }
        return answer
    }

    private func recording(_ context: AppRequestContext, needs: RecordingAccess) async throws -> (RecordingRecord, RecordingAccess) {
        let user = try context.requireUser()
        let id = try Validation.id(context.parameters.get("id") ?? "", what: "The recording")
        guard let record = try await store.recording(id: id) else { throw APIError.notFound("The recording") }
        let access = try await store.recordingAccess(recordingId: id, userId: user.id)
        switch (access, needs) {
        case (.none, _):
            // Someone who may not see it learns nothing about it.
            throw APIError.notFound("The recording")
        case (.watch, .manage):
            throw APIError.forbidden("Only the meeting's host and co-hosts can do this.")
        default:
            return (record, access)
        }
    }

    /// Streams a file, honouring a single `Range` (RFC 9110 §14): media
    /// players seek with ranges, and a long download can resume.
    private func serve(_ file: URL, contentType: String, name: String, attachment: Bool,
                       request: Request, context: AppRequestContext) async throws -> Response {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file.path),
              let size = attributes[.size] as? Int else {
            throw APIError.notFound("The file")
        }
        var headers: HTTPFields = [
            .contentType: contentType,
            .acceptRanges: "bytes",
            .cacheControl: "private, max-age=3600",
            .contentDisposition: "\(attachment ? "attachment" : "inline"); filename=\"\(name)\"",
        ]
        let fileIO = FileIO()
        switch ByteRange(header: request.headers[.range], size: size) {
        case .whole:
            headers[.contentLength] = "\(size)"
            let body = size == 0 ? ResponseBody() : try await fileIO.loadFile(path: file.path, context: context)
            return Response(status: .ok, headers: headers, body: body)
        case .partial(let range):
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
            headers[.contentLength] = "\(range.count)"
            let body = try await fileIO.loadFile(path: file.path, range: range, context: context)
            return Response(status: .partialContent, headers: headers, body: body)
        case .unsatisfiable:
            var error = APIError(.rangeNotSatisfiable, "range_not_satisfiable", "The requested range is outside the file (\(size) bytes).")
            error.headers[.contentRange] = "bytes */\(size)"
            throw error
        }
    }

    /// "Weekly sync 2026-11-25.mp4", with only characters safe in a header.
    static func fileName(_ record: RecordingRecord) -> String {
        let day = String(Instant.string(record.startedAt).prefix(10))
        let title = RecordingFiles.safeFileNameCharacters(record.meetingTitle)
        let cleaned = String(title.prefix(60)).trimmingCharacters(in: .whitespaces)
        return "\(cleaned.isEmpty ? "Recording" : cleaned) \(day).mp4"
    }

    static func apiError(_ error: RecordingError) -> APIError {
        switch error {
        case .conflict(let m): APIError(.conflict, "conflict", m)
        case .busy(let m): APIError(.serviceUnavailable, "busy", m)
        // RFC 4918 §11.5: the server cannot store what the request needs.
        case .noSpace(let m): APIError(HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage"), "insufficient_storage", m)
        case .notFound: APIError.notFound("The recording")
        case .io(let m): APIError(.internalServerError, "internal", m)
        }
    }
}
