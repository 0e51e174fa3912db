import Foundation
import Hummingbird
import Testing
@testable import WebApp

@Suite("Changing your password")
struct PasswordAPITests {
    func signIn(_ app: Harness, _ username: String, _ password: String) async throws -> Person? {
        let reply = try await app.call(.post, "/api/v1/auth/login", json: ["username": username, "password": password])
        guard reply.status == .ok else { return nil }
        return Person(id: "", username: username, cookie: reply.headers[.setCookie].map { String($0.split(separator: ";")[0]) })
    }

    @Test("the right current password changes it and signs out the other sessions only")
    func changesPassword() async throws {
        try await TestApp.run { app in
            let laptop = try await app.signUp("alan")
            let phone = try #require(try await signIn(app, "alan", "correct horse"))

            let r = try await app.call(.post, "/api/v1/me/password", as: laptop,
                                       json: ["currentPassword": "correct horse", "newPassword": "battery staple"])
            #expect(r.status == .noContent, "\(r.text)")
            // This browser stays signed in; the other session has ended.
            #expect(try await app.call(.get, "/api/v1/me", as: laptop).status == .ok)
            #expect(try await app.call(.get, "/api/v1/me", as: phone).status == .unauthorized)
            // The old password no longer works, the new one does.
            #expect(try await signIn(app, "alan", "correct horse") == nil)
            #expect(try await signIn(app, "alan", "battery staple") != nil)
        }
    }

    @Test("a wrong current password or a weak new one is refused with a clear message")
    func refusals() async throws {
        try await TestApp.run { app in
            let alan = try await app.signUp("alan")
            let wrong = try await app.call(.post, "/api/v1/me/password", as: alan,
                                           json: ["currentPassword": "not it at all", "newPassword": "battery staple"])
            #expect(wrong.status == .forbidden)
            #expect(wrong.errorCode == "wrong_password")
            #expect(wrong.errorMessage?.contains("current password") == true)

            let short = try await app.call(.post, "/api/v1/me/password", as: alan,
                                           json: ["currentPassword": "correct horse", "newPassword": "short"])
            #expect(short.status == .unprocessableContent)
            #expect(short.errorCode == "validation_failed")

            let missing = try await app.call(.post, "/api/v1/me/password", as: alan, json: ["newPassword": "battery staple"])
            #expect(missing.status == .badRequest)

            let anonymous = try await app.call(.post, "/api/v1/me/password",
                                               json: ["currentPassword": "correct horse", "newPassword": "battery staple"])
            #expect(anonymous.status == .unauthorized)

            // Nothing changed.
            #expect(try await signIn(app, "alan", "correct horse") != nil)
        }
    }

    @Test("guessing the current password is rate-limited like sign-in")
    func rateLimited() async throws {
        try await TestApp.run { app in
            let alan = try await app.signUp("alan")
            for _ in 0..<3 {
                _ = try await app.call(.post, "/api/v1/me/password", as: alan,
                                       json: ["currentPassword": "guess guess", "newPassword": "battery staple"])
            }
            let limited = try await app.call(.post, "/api/v1/me/password", as: alan,
                                             json: ["currentPassword": "correct horse", "newPassword": "battery staple"])
            #expect(limited.status == .tooManyRequests)
            #expect(limited.errorCode == "rate_limited")
        }
    }
}
