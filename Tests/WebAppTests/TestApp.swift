import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import NIOCore
import NIOPosix
import Recording
import Rooms
import SFU
import Settings
import Store
import StoreTesting
import Testing
@testable import WebApp

/// A live Parley on a random loopback port with a fresh database, and a tiny
/// HTTP client that keeps one cookie jar per person.
struct TestApp {
    static func configuration() -> ParleyConfiguration {
        var c = ParleyConfiguration()
        // Many test servers run at once: each media port is ephemeral.
        c.media.address = HostAndPort(host: "127.0.0.1", port: 0)
        c.http.address = HostAndPort(host: "127.0.0.1", port: 0)
        c.http.publicURL = "http://parley.test"
        c.accounts.bcryptCost = 4  // fast hashing in tests; production uses 12
        c.accounts.maxFailuresPerAccount = 3
        c.accounts.maxFailuresPerAddress = 1000
        c.meetings.reminderScanSeconds = 3600  // scans are driven by tests
        // Recordings go to a directory of this test's own.
        c.storage.dataDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("parley-webapp-\(UUID().uuidString)").path
        return c
    }

    /// Runs `body` against a live server; the store is exposed for checks that nothing changed.
    static func run(
        engine: Database.Engine = .sqlite, configure: (inout ParleyConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (Harness) async throws -> Void
    ) async throws {
        var config = configuration()
        configure(&config)
        let database = try await TestDatabase.open(engine)
        let store = Store(database: database)
        let logger = TestDatabase.logger
        let core = try await makeCore(configuration: config, store: store, logger: logger)
        do {
            let services = try await ParleyServer.makeServices(
                configuration: config, store: store, core: core, metrics: AppMetrics(), logger: logger)
            let router = try ParleyServer.makeRouter(services: services)
            let app = Application(
                router: router, server: .http1WebSocketUpgrade(webSocketRouter: router),
                configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
            try await app.test(.live) { client in
                try await body(Harness(client: client, store: store, services: services, core: core))
            }
        } catch {
            await stop(core)
            await database.close()
            throw error
        }
        await stop(core)
        await database.close()
    }

    /// The core a server would assemble (media node, rooms, recordings), as the
    /// executable builds it, on NIO's shared loops.
    static func makeCore(configuration c: ParleyConfiguration, store: Store, logger: Logger) async throws -> WebAppCore {
        let media = try MediaNode(
            configuration: c.mediaConfiguration,
            eventLoop: MultiThreadedEventLoopGroup.singleton.next(), logger: logger)
        try await media.start()
        let rooms = RoomRegistry(media: media, capacity: c.media.roomCapacity, logger: logger)
        await rooms.start()
        let recordings = RecordingService(
            store: store, rooms: rooms,
            settings: c.recordingSettings, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            logger: logger)
        await rooms.setAdmissionObserver { room in await recordings.participantAdmitted(to: room) }
        return WebAppCore(media: media, rooms: rooms, recordings: recordings,
                          httpLoops: MultiThreadedEventLoopGroup.singleton, blockingPool: .singleton)
    }

    /// Shuts the core down in the executable's order.
    static func stop(_ core: WebAppCore) async {
        await core.recordings.shutdown()
        await core.rooms.shutdown()
        await core.media.stop()
    }
}

/// A decoded response: status, headers and JSON (when the body is JSON).
struct Reply: @unchecked Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var text: String
    var json: Any? { try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    subscript(key: String) -> Any? { object[key] }
    var errorCode: String? { (object["error"] as? [String: Any])?["code"] as? String }
    var errorMessage: String? { (object["error"] as? [String: Any])?["message"] as? String }
}

struct Harness: Sendable {
    let client: any TestClientProtocol
    let store: Store
    let services: AppServices
    let core: WebAppCore

    var port: Int { client.port ?? 0 }

    /// Sends a request. `json` is serialized; `raw` is sent as is with `contentType`.
    @discardableResult
    func call(
        _ method: HTTPRequest.Method, _ path: String, as user: Person? = nil, json: Any? = nil, raw: String? = nil,
        contentType: String = "application/json", headers extra: HTTPFields = [:]
    ) async throws -> Reply {
        var headers = extra
        if let cookie = user?.cookie { headers[.cookie] = cookie }
        var body: ByteBuffer? = nil
        if let json {
            body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: json, options: [.fragmentsAllowed]))
            headers[.contentType] = contentType
        } else if let raw {
            body = ByteBuffer(string: raw)
            headers[.contentType] = contentType
        }
        let response = try await client.executeRequest(uri: path, method: method, headers: headers, body: body)
        return Reply(status: response.status, headers: response.headers, text: String(buffer: response.body))
    }

    /// Signs up a person and returns their cookie jar.
    func signUp(_ username: String, name: String? = nil) async throws -> Person {
        let reply = try await call(
            .post, "/api/v1/auth/register",
            json: ["username": username, "displayName": name ?? username.capitalized, "password": "correct horse"])
        #expect(reply.status == .created, "\(reply.text)")
        let cookie = try #require(reply.headers[.setCookie]).split(separator: ";").first.map(String.init)
        return Person(id: reply["id"] as? String ?? "", username: username, cookie: cookie)
    }

    /// Makes two people friends.
    func befriend(_ a: Person, _ b: Person) async throws {
        let sent = try await call(.post, "/api/v1/friend-requests", as: a, json: ["userId": b.id])
        #expect(sent.status == .created, "\(sent.text)")
        let id = try #require(sent["id"] as? String)
        let accepted = try await call(.post, "/api/v1/friend-requests/\(id)/accept", as: b)
        #expect(accepted.status == .ok, "\(accepted.text)")
    }

    /// Opens the notification WebSocket as `person`; messages land in the returned inbox.
    func openSocket(as person: Person) async throws -> LiveInbox {
        let inbox = LiveInbox()
        let url = "ws://127.0.0.1:\(port)/api/v1/ws"
        var config = WebSocketClientConfiguration()
        config.additionalHeaders[.cookie] = person.cookie ?? ""
        let task = Task {
            try await WebSocketClient.connect(url: url, configuration: config, logger: TestDatabase.logger) { inbound, outbound, _ in
                await inbox.attach(outbound)
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    if case .text(let text) = message { await inbox.receive(text) }
                }
            }
        }
        await inbox.setTask(task)
        _ = try await inbox.next(timeout: 5) { $0["type"] as? String == "hello" }
        return inbox
    }
}

extension Harness {
    /// Opens the signaling WebSocket (no cookie needed: the join token decides).
    func openSignal() async throws -> LiveInbox {
        let inbox = LiveInbox()
        let url = "ws://127.0.0.1:\(port)/api/v1/signal"
        let task = Task {
            try await WebSocketClient.connect(url: url, logger: TestDatabase.logger) { inbound, outbound, _ in
                await inbox.attach(outbound)
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    if case .text(let text) = message { await inbox.receive(text) }
                }
                await inbox.markClosed()
            }
        }
        await inbox.setTask(task)
        // The upgrade completes asynchronously: wait until we can send.
        for _ in 0..<250 where !(await inbox.isAttached) { try await Task.sleep(for: .milliseconds(20)) }
        return inbox
    }

    /// `person` opens a signaling socket and joins the meeting's room; returns
    /// the socket and the `joined` message.
    func joinRoom(code: String, as person: Person) async throws -> (LiveInbox, JSONObject) {
        let signal = try await openSignal()
        try await signal.sendJSON(["type": "join", "token": try await joinToken(code: code, as: person)])
        let joined = try await signal.next(timeout: 5) { $0["type"] as? String == "joined" }
        return (signal, joined)
    }

    /// A join token for `person` (or a guest named `guest`) in the meeting with `code`.
    func joinToken(code: String, as person: Person? = nil, guest: String? = nil) async throws -> String {
        let reply = try await call(.post, "/api/v1/join/\(code)", as: person, json: guest.map { ["displayName": $0] } ?? [:])
        #expect(reply.status == .ok, "\(reply.text)")
        return try #require(reply["joinToken"] as? String)
    }
}

struct Person: Sendable {
    var id: String
    var username: String
    var cookie: String?
}

/// Messages received on a test WebSocket.
actor LiveInbox {
    private var messages: [String] = []
    private var outbound: WebSocketOutboundWriter?
    private var task: Task<WebSocketCloseFrame?, any Error>?

    func attach(_ writer: WebSocketOutboundWriter) { outbound = writer }
    func setTask(_ task: Task<WebSocketCloseFrame?, any Error>) { self.task = task }
    func receive(_ text: String) { messages.append(text) }
    private(set) var closed = false
    var isAttached: Bool { outbound != nil }
    func markClosed() { closed = true }

    /// Sends raw text (for malformed-input tests).
    func sendRaw(_ text: String) async throws {
        try await outbound?.write(.text(text))
    }

    func sendJSON(_ object: [String: Any]) async throws {
        let data = try JSONSerialization.data(withJSONObject: object)
        try await sendRaw(String(decoding: data, as: UTF8.self))
    }

    /// Waits until the server closed the socket.
    func waitClosed(timeout seconds: Double) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if closed { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return closed
    }

    func send(_ json: [String: String]) async throws {
        try await sendJSON(json)
    }

    /// Waits for (and consumes) the first message matching `predicate`.
    func next(timeout seconds: Double, where predicate: ([String: Any]) -> Bool) async throws -> JSONObject {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            for (index, text) in messages.enumerated() {
                if let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], predicate(object) {
                    messages.remove(at: index)
                    return JSONObject(object: object)
                }
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw InboxTimeout(seen: messages)
    }

    /// How many messages received so far match `predicate` (none consumed).
    func count(where predicate: ([String: Any]) -> Bool) -> Int {
        messages.filter { text in
            (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]).map(predicate) ?? false
        }.count
    }

    func close() async {
        try? await outbound?.close(.normalClosure, reason: nil)
        task?.cancel()
        _ = try? await task?.value
    }
}

struct InboxTimeout: Error, CustomStringConvertible {
    var seen: [String]
    var description: String { "no matching WebSocket message; saw: \(seen)" }
}

/// A decoded JSON object that may cross actor boundaries in tests.
struct JSONObject: @unchecked Sendable {
    let object: [String: Any]
    subscript(key: String) -> Any? { object[key] }
}
