import Foundation
import Hummingbird
import Store
import StoreTesting
import Testing
@testable import WebApp

@Suite("Presence, live notifications and reminders")
struct LiveAPITests {
    @Test("friends see each other go online, into a meeting, and offline, pushed over the WebSocket")
    func presence() async throws {
        try await TestApp.run { app in
            let ann = try await app.signUp("ann")
            let ben = try await app.signUp("ben")
            let cat = try await app.signUp("cat")
            try await app.befriend(ann, ben)
            let annSocket = try await app.openSocket(as: ann)
            let catSocket = try await app.openSocket(as: cat)

            let benSocket = try await app.openSocket(as: ben)
            _ = try await annSocket.next(timeout: 5) { $0["type"] as? String == "presence" && $0["userId"] as? String == ben.id && $0["presence"] as? String == "online" }
            let listed = try await app.call(.get, "/api/v1/friends", as: ann)
            #expect((listed["friends"] as? [[String: Any]])?.first?["presence"] as? String == "online")

            let meeting = try await app.call(.post, "/api/v1/meetings", as: ben, json: [String: Any]())
            let code = try #require(meeting["code"] as? String)
            try await benSocket.send(["type": "meeting.enter", "code": code])
            _ = try await annSocket.next(timeout: 5) { $0["userId"] as? String == ben.id && $0["presence"] as? String == "in_meeting" }
            try await benSocket.send(["type": "meeting.leave"])
            _ = try await annSocket.next(timeout: 5) { $0["userId"] as? String == ben.id && $0["presence"] as? String == "online" }
            try await benSocket.send(["type": "meeting.enter", "code": "nop-nope-nop"])
            _ = try await benSocket.next(timeout: 5) { $0["type"] as? String == "error" }
            try await benSocket.send(["type": "ping"])
            _ = try await benSocket.next(timeout: 5) { $0["type"] as? String == "pong" }

            await benSocket.close()
            _ = try await annSocket.next(timeout: 5) { $0["userId"] as? String == ben.id && $0["presence"] as? String == "offline" }
            // Cat is not Ben's friend and heard nothing about him.
            await #expect(throws: InboxTimeout.self) {
                _ = try await catSocket.next(timeout: 0.5) { $0["type"] as? String == "presence" }
            }
            await annSocket.close()
            await catSocket.close()
        }
    }

    @Test("the WebSocket refuses people who are not signed in")
    func socketNeedsSession() async throws {
        try await TestApp.run { app in
            let r = try await app.call(.get, "/api/v1/ws")
            #expect(r.status == .unauthorized)
            // A real upgrade (the first request on a fresh connection) without a
            // session never becomes a socket; the upgrade layer answers it 400
            // with no body, as the API document says.
            let head = try Self.rawRequest(port: app.port, """
                GET /api/v1/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
                Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n
                """)
            #expect(head.hasPrefix("HTTP/1.1 400"), "\(head)")
        }
    }

    @Test("reminders reach online invitees at once, are stored for all, and survive a restart without repeats")
    func reminders() async throws {
        try await TestApp.run { app in
            let ann = try await app.signUp("ann")
            let ben = try await app.signUp("ben")
            try await app.befriend(ann, ben)
            // A meeting that starts in 5 minutes, with a 10-minute reminder.
            let zone = TimeZone(identifier: "Europe/Paris")!
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            let start = calendar.date(byAdding: .minute, value: 5, to: Date())!
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: start)
            let local = String(format: "%04d-%02d-%02dT%02d:%02d", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!)
            let benSocket = try await app.openSocket(as: ben)
            let created = try await app.call(
                .post, "/api/v1/meetings", as: ann,
                json: ["title": "Soon", "start": local, "timeZone": "Europe/Paris", "reminderMinutes": 10, "inviteeIds": [ben.id],
                       "recurrence": ["frequency": "weekly"]])
            #expect(created.status == .created, "\(created.text)")

            let scheduler = ReminderScheduler(services: app.services)
            let sent = try await scheduler.scan(now: Date())
            #expect(sent == 2)  // the host and the invitee
            let pushed = try await benSocket.next(timeout: 5) { ($0["notification"] as? [String: Any])?["kind"] as? String == "reminder" }
            let data = try #require((pushed["notification"] as? [String: Any])?["data"] as? [String: Any])
            #expect(data["title"] as? String == "Soon")
            #expect((data["minutesBefore"] as? Int ?? 0) >= 4)

            // Scanning again — or from a freshly started server on the same store — sends nothing new.
            #expect(try await scheduler.scan(now: Date()) == 0)
            let restarted = try await ParleyServer.makeServices(
                configuration: app.services.configuration, store: app.store, core: app.core, metrics: AppMetrics(),
                logger: TestDatabase.logger)
            #expect(try await ReminderScheduler(services: restarted).scan(now: Date()) == 0)
            // Ann was offline, and finds the reminder in her inbox.
            let inbox = try await app.call(.get, "/api/v1/notifications", as: ann)
            #expect((inbox["notifications"] as? [[String: Any]] ?? []).contains { $0["kind"] as? String == "reminder" })
            // Next week's occurrence gets its own reminder when its time comes.
            #expect(try await scheduler.scan(now: Date().addingTimeInterval(7 * 86_400)) == 2)
            await benSocket.close()
        }
    }

    @Test("a reminder due while the server was down still goes out if the meeting has not started")
    func reminderAfterDowntime() async throws {
        try await TestApp.run { app in
            let ann = try await app.signUp("ann")
            let start = Date().addingTimeInterval(120)
            let local = LocalTime.format(start, zone: "UTC")
            _ = try await app.call(.post, "/api/v1/meetings", as: ann, json: ["title": "T", "start": local, "timeZone": "UTC", "reminderMinutes": 30])
            // The reminder was due 28 minutes ago; nothing was running then.
            #expect(try await ReminderScheduler(services: app.services).scan(now: Date()) == 1)
        }
    }

    /// Sends `request` on a new TCP connection and returns the start of the answer.
    static func rawRequest(port: Int, _ request: String) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0)
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = recv(fd, &buffer, buffer.count, 0)
        return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : ""
    }
}

enum LocalTime {
    static func format(_ date: Date, zone: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zone)!
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d", p.year!, p.month!, p.day!, p.hour!, p.minute!)
    }
}
