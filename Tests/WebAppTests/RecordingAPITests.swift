import Foundation
import Testing
@testable import WebApp

/// Recordings through the API and the room: who may start, stop, see and
/// delete; the indicator everyone gets; a real (if empty-roomed) composite
/// with ffmpeg; downloads with ranges.
@Suite(.serialized) struct RecordingAPITests {
    @Test func startStopWatchDownloadAndDelete() async throws {
        try await TestApp.run { h in
            let ann = try await h.signUp("ann"), ben = try await h.signUp("ben"), cy = try await h.signUp("cyd")
            let meeting = try await h.call(.post, "/api/v1/meetings", as: ann, json: ["title": "Design: review"])
            let meetingID = try #require(meeting["id"] as? String)
            let code = try #require(meeting["code"] as? String)
            #expect(meeting["recordAutomatically"] as? Bool == false)
            #expect(meeting["recordingsVisible"] as? Bool == false)

            // Nobody in the room: nothing to record.
            let empty = try await h.call(.post, "/api/v1/meetings/\(meetingID)/recording", as: ann)
            #expect(empty.status == .conflict, "\(empty.text)")
            #expect(empty.errorMessage?.contains("Nobody") == true)

            let annSignal = try await h.openSignal()
            try await annSignal.sendJSON(["type": "join", "token": try await h.joinToken(code: code, as: ann)])
            let joined = try await annSignal.next(timeout: 5) { $0["type"] as? String == "joined" }
            #expect((joined["room"] as? [String: Any])?["recording"] as? Bool == false)
            let benSignal = try await h.openSignal()
            try await benSignal.sendJSON(["type": "join", "token": try await h.joinToken(code: code, as: ben)])
            _ = try await benSignal.next(timeout: 5) { $0["type"] as? String == "joined" }

            // Ben is no moderator: neither the room nor the API lets him record.
            try await benSignal.sendJSON(["type": "recording.start"])
            let refused = try await benSignal.next(timeout: 5) { $0["type"] as? String == "error" }
            #expect(refused["code"] as? String == "forbidden")
            // Ben is in the room by its link but neither hosts nor is invited to
            // the private meeting: to the API its id is one he cannot see (404).
            let notHost = try await h.call(.post, "/api/v1/meetings/\(meetingID)/recording", as: ben)
            #expect(notHost.status == .notFound)

            // Ann starts it in the room: everyone sees the indicator; the recorder is no participant.
            try await annSignal.sendJSON(["type": "recording.start"])
            let on = try await benSignal.next(timeout: 10) { ($0["room"] as? [String: Any])?["recording"] as? Bool == true }
            #expect(on["type"] as? String == "room.updated")
            let twice = try await h.call(.post, "/api/v1/meetings/\(meetingID)/recording", as: ann)
            #expect(twice.status == .conflict)
            let late = try await h.openSignal()
            try await late.sendJSON(["type": "join", "token": try await h.joinToken(code: code, guest: "Gus")])
            let lateJoined = try await late.next(timeout: 5) { $0["type"] as? String == "joined" }
            #expect((lateJoined["room"] as? [String: Any])?["recording"] as? Bool == true)
            let names = (lateJoined["participants"] as? [[String: Any]])?.compactMap { $0["displayName"] as? String }
            #expect(names?.sorted() == ["Ann", "Ben", "Gus"])

            let listed = try await h.call(.get, "/api/v1/recordings", as: ann)
            let first = try #require((listed["recordings"] as? [[String: Any]])?.first)
            let id = try #require(first["id"] as? String)
            #expect(first["status"] as? String == "recording")
            #expect(first["canManage"] as? Bool == true)
            // Ben took part, but this meeting does not let participants watch.
            #expect((try await h.call(.get, "/api/v1/recordings", as: ben)["recordings"] as? [Any])?.isEmpty == true)
            #expect(try await h.call(.get, "/api/v1/recordings/\(id)", as: ben).status == .notFound)

            #expect(try await h.call(.get, "/metrics").text.contains("parley_recordings_capturing 1.0"))
            try await Task.sleep(for: .seconds(2))
            try await annSignal.sendJSON(["type": "recording.stop"])
            _ = try await benSignal.next(timeout: 10) { ($0["room"] as? [String: Any])?["recording"] as? Bool == false }

            // The composite runs in the background; progress reaches 100 and the file plays.
            var recording: [String: Any] = [:]
            for _ in 0..<300 {
                recording = try await h.call(.get, "/api/v1/recordings/\(id)", as: ann).object
                if recording["status"] as? String == "ready" || recording["status"] as? String == "failed" { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(recording["status"] as? String == "ready", "\(recording)")
            #expect(recording["progress"] as? Int == 100)
            let duration = try #require(recording["durationSeconds"] as? Double)
            #expect(duration > 1.5 && duration < 10, "\(duration)")
            #expect((recording["participants"] as? [String])?.sorted() == ["Ann", "Ben", "Gus"])
            let metrics = try await h.call(.get, "/metrics").text
            #expect(metrics.contains("parley_recordings_capturing 0.0"))
            #expect(metrics.contains("parley_recording_composites_total{result=\"ready\"} 1.0"))
            let size = try #require(recording["sizeBytes"] as? Int)
            #expect(size > 1000)

            let whole = try await h.call(.get, "/api/v1/recordings/\(id)/file", as: ann)
            #expect(whole.status == .ok)
            #expect(whole.headers[.contentType] == "video/mp4")
            #expect(whole.headers[.acceptRanges] == "bytes")
            #expect(whole.headers[.contentLength] == "\(size)")
            let part = try await h.call(.get, "/api/v1/recordings/\(id)/file", as: ann, headers: [.range: "bytes=4-11"])
            #expect(part.status == .partialContent)
            #expect(part.headers[.contentRange] == "bytes 4-11/\(size)")
            #expect(part.text == "ftypisom", "an MP4 starts with its ftyp box")
            let outside = try await h.call(.get, "/api/v1/recordings/\(id)/file", as: ann, headers: [.range: "bytes=\(size)-"])
            #expect(outside.status == .rangeNotSatisfiable)
            #expect(outside.headers[.contentRange] == "bytes */\(size)")

            // Letting participants watch: Ben (who was there) may, Cy (who was not) may not.
            let visible = try await h.call(.patch, "/api/v1/meetings/\(meetingID)", as: ann, json: ["recordingsVisible": true])
            #expect(visible["recordingsVisible"] as? Bool == true)
            let benView = try await h.call(.get, "/api/v1/recordings/\(id)", as: ben)
            #expect(benView.status == .ok)
            #expect(benView["canManage"] as? Bool == false)
            #expect((benView["tracks"] as? [Any])?.isEmpty == true)
            #expect(try await h.call(.get, "/api/v1/recordings/\(id)/file", as: ben, headers: [.range: "bytes=0-3"]).status == .partialContent)
            #expect(try await h.call(.delete, "/api/v1/recordings/\(id)", as: ben).status == .forbidden)
            #expect(try await h.call(.get, "/api/v1/recordings/\(id)", as: cy).status == .notFound)
            #expect(try await h.call(.get, "/api/v1/recordings/\(id)/file", as: cy).status == .notFound)
            #expect(try await h.call(.post, "/api/v1/recordings/\(id)/stop", as: ann).status == .conflict)
            // Only the track files the listing names: no way out of the directory.
            let sneaky = try await h.call(.get, "/api/v1/recordings/\(id)/tracks/..%2F..%2Fparley.sqlite", as: ann)
            #expect([.notFound, .badRequest].contains(sneaky.status), "\(sneaky.status) \(sneaky.text.prefix(200))")
            #expect(!sneaky.text.contains("SQLite format"))
            #expect(try await h.call(.get, "/api/v1/recordings/\(id)/tracks/manifest.json", as: ann).status == .notFound)

            #expect(try await h.call(.delete, "/api/v1/recordings/\(id)", as: ann).status == .noContent)
            #expect(try await h.call(.get, "/api/v1/recordings/\(id)", as: ann).status == .notFound)
            #expect(!FileManager.default.fileExists(atPath: h.services.recordings.directory(of: id).path))
            await annSignal.close()
            await benSignal.close()
            await late.close()
        }
    }

    /// A co-host records from the room like the host, and manages the
    /// recording afterwards; nobody else who was there does.
    @Test func aCohostStartsAndStopsRecordingFromTheRoom() async throws {
        try await TestApp.run { h in
            let ann = try await h.signUp("ann"), ben = try await h.signUp("ben"), cy = try await h.signUp("cyd")
            let meeting = try await h.call(.post, "/api/v1/meetings", as: ann, json: ["title": "Co-hosted"])
            let code = try #require(meeting["code"] as? String)
            let (annSignal, _) = try await h.joinRoom(code: code, as: ann)
            let (benSignal, benJoined) = try await h.joinRoom(code: code, as: ben)
            let benID = try #require(benJoined["participantId"] as? String)
            let (cySignal, _) = try await h.joinRoom(code: code, as: cy)

            try await annSignal.sendJSON(["type": "host.cohost", "participantId": benID, "cohost": true])
            _ = try await benSignal.next(timeout: 5) {
                $0["type"] as? String == "participant.updated" && ($0["participant"] as? [String: Any])?["role"] as? String == "cohost"
            }
            try await benSignal.sendJSON(["type": "recording.start"])
            _ = try await cySignal.next(timeout: 10) { ($0["room"] as? [String: Any])?["recording"] as? Bool == true }
            // Cy cannot stop it; Ben can.
            try await cySignal.sendJSON(["type": "recording.stop"])
            let refused = try await cySignal.next(timeout: 5) { $0["type"] as? String == "error" }
            #expect(refused["code"] as? String == "forbidden")
            let listed = try await h.call(.get, "/api/v1/recordings", as: ben)
            let id = try #require((listed["recordings"] as? [[String: Any]])?.first?["id"] as? String)
            #expect((listed["recordings"] as? [[String: Any]])?.first?["canManage"] as? Bool == true)
            let stopped = try await h.call(.post, "/api/v1/recordings/\(id)/stop", as: ben)
            #expect(stopped.status == .ok, "\(stopped.text)")
            _ = try await annSignal.next(timeout: 10) { ($0["room"] as? [String: Any])?["recording"] as? Bool == false }
            #expect(try await h.call(.delete, "/api/v1/recordings/\(id)", as: cy).status == .notFound)
            #expect(try await h.call(.delete, "/api/v1/recordings/\(id)", as: ben).status == .noContent)
            await annSignal.close()
            await benSignal.close()
            await cySignal.close()
        }
    }

    @Test func aMeetingSetToRecordStartsWhenSomeoneJoins() async throws {
        try await TestApp.run { h in
            let ann = try await h.signUp("ann")
            let meeting = try await h.call(.post, "/api/v1/meetings", as: ann, json: ["title": "Auto", "recordAutomatically": true])
            #expect(meeting["recordAutomatically"] as? Bool == true)
            let code = try #require(meeting["code"] as? String)
            let signal = try await h.openSignal()
            try await signal.sendJSON(["type": "join", "token": try await h.joinToken(code: code, as: ann)])
            _ = try await signal.next(timeout: 5) { ($0["room"] as? [String: Any])?["recording"] as? Bool == true }
            // The last person leaving stops the recording and queues the composite.
            try await signal.sendJSON(["type": "leave"])
            var status = ""
            for _ in 0..<100 {
                let list = try await h.call(.get, "/api/v1/recordings", as: ann)
                status = ((list["recordings"] as? [[String: Any]])?.first?["status"] as? String) ?? ""
                if status != "recording" && !status.isEmpty { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(["queued", "processing", "ready"].contains(status), "\(status)")
        }
    }

    @Test("Range headers resolve as RFC 9110 §14.1.2 says", arguments: [
        ("bytes=0-99", 1000, ByteRange.partial(0...99)),
        ("bytes=900-", 1000, .partial(900...999)),
        ("bytes=-100", 1000, .partial(900...999)),
        ("bytes=-5000", 1000, .partial(0...999)),
        ("bytes=990-2000", 1000, .partial(990...999)),
        ("bytes=1000-", 1000, .unsatisfiable),
        ("bytes=-0", 1000, .unsatisfiable),
        ("bytes=5-1", 1000, .whole),
        ("bytes=0-1,5-9", 1000, .whole),
        ("items=0-1", 1000, .whole),
        ("bytes=abc", 1000, .whole),
        ("bytes=99999999999999999999-", 1000, .whole),
    ])
    func byteRanges(header: String, size: Int, expected: ByteRange) {
        #expect(ByteRange(header: header, size: size) == expected)
    }
}
