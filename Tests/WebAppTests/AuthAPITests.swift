import Foundation
import Hummingbird
import Testing
@testable import WebApp

@Suite("Accounts and sessions")
struct AuthAPITests {
    @Test("sign up sets an HttpOnly SameSite session cookie and signs the person in")
    func signUp() async throws {
        try await TestApp.run { app in
            let reply = try await app.call(
                .post, "/api/v1/auth/register", json: ["username": "Ada", "displayName": "Ada L", "password": "correct horse"])
            #expect(reply.status == .created)
            #expect(reply["username"] as? String == "ada")
            #expect(reply["passwordHash"] == nil)
            let cookie = try #require(reply.headers[.setCookie])
            #expect(cookie.contains("parley_session="))
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            let person = Person(id: "", username: "ada", cookie: String(cookie.split(separator: ";")[0]))
            let me = try await app.call(.get, "/api/v1/me", as: person)
            #expect(me.status == .ok)
            #expect(me["displayName"] as? String == "Ada L")
            // The stored hash is bcrypt, never the password.
            let stored = try #require(try await app.store.user(username: "ada"))
            #expect(stored.passwordHash.hasPrefix("$2"))
            #expect(!stored.passwordHash.contains("correct horse"))
        }
    }

    @Test("sign-up input is checked with clear messages")
    func signUpValidation() async throws {
        try await TestApp.run { app in
            _ = try await app.signUp("taken")
            let cases: [([String: Any], Int, String)] = [
                (["username": "TAKEN", "displayName": "X", "password": "long enough"], 409, "username_taken"),
                (["username": "ab", "displayName": "X", "password": "long enough"], 422, "validation_failed"),
                (["username": "has space", "displayName": "X", "password": "long enough"], 422, "validation_failed"),
                (["username": "okname", "displayName": "", "password": "long enough"], 422, "validation_failed"),
                (["username": "okname", "displayName": "X", "password": "short"], 422, "validation_failed"),
                (["username": "okname", "displayName": String(repeating: "x", count: 65), "password": "long enough"], 422, "validation_failed"),
                (["username": "okname", "displayName": "bad\u{0007}", "password": "long enough"], 422, "validation_failed"),
                (["username": 42, "displayName": "X", "password": "long enough"], 400, "invalid_request"),
                (["displayName": "X", "password": "long enough"], 400, "invalid_request"),
            ]
            for (body, status, code) in cases {
                let reply = try await app.call(.post, "/api/v1/auth/register", json: body)
                #expect(reply.status.code == status, "\(body) → \(reply.text)")
                #expect(reply.errorCode == code, "\(body) → \(reply.text)")
                #expect((reply.errorMessage ?? "").count > 10)
            }
            #expect(try await app.store.user(username: "okname") == nil)
        }
    }

    @Test("sign in, wrong password, sign out")
    func signInAndOut() async throws {
        try await TestApp.run { app in
            _ = try await app.signUp("grace")
            let wrong = try await app.call(.post, "/api/v1/auth/login", json: ["username": "grace", "password": "nope nope"])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.errorCode == "invalid_credentials")
            let unknown = try await app.call(.post, "/api/v1/auth/login", json: ["username": "nobody", "password": "nope nope"])
            #expect(unknown.status == .unauthorized)
            #expect(unknown.errorMessage == wrong.errorMessage)

            let ok = try await app.call(.post, "/api/v1/auth/login", json: ["username": "Grace", "password": "correct horse"])
            #expect(ok.status == .ok)
            let person = Person(id: "", username: "grace", cookie: ok.headers[.setCookie].map { String($0.split(separator: ";")[0]) })
            #expect(try await app.call(.get, "/api/v1/me", as: person).status == .ok)
            let out = try await app.call(.post, "/api/v1/auth/logout", as: person)
            #expect(out.status == .noContent)
            #expect(out.headers[.setCookie]?.contains("parley_session=;") == true)
            // The old cookie no longer works: the session is gone server-side.
            let after = try await app.call(.get, "/api/v1/me", as: person)
            #expect(after.status == .unauthorized)
            #expect(after.errorCode == "unauthenticated")
        }
    }

    @Test("failed sign-ins are rate-limited per account, even for the right password")
    func rateLimit() async throws {
        try await TestApp.run { app in
            _ = try await app.signUp("hedy")
            for _ in 0..<3 {
                let r = try await app.call(.post, "/api/v1/auth/login", json: ["username": "hedy", "password": "wrong one"])
                #expect(r.status == .unauthorized)
            }
            let limited = try await app.call(.post, "/api/v1/auth/login", json: ["username": "hedy", "password": "correct horse"])
            #expect(limited.status == .tooManyRequests)
            #expect(limited.errorCode == "rate_limited")
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 > 0)
            // Another account from the same address is unaffected (per-address limit is high here).
            _ = try await app.signUp("ida")
            let other = try await app.call(.post, "/api/v1/auth/login", json: ["username": "ida", "password": "correct horse"])
            #expect(other.status == .ok)
        }
    }

    @Test("per-address limit stops guessing across many accounts")
    func addressLimit() async throws {
        try await TestApp.run(configure: { $0.accounts.maxFailuresPerAddress = 4 }) { app in
            for i in 0..<4 {
                _ = try await app.call(.post, "/api/v1/auth/login", json: ["username": "user\(i)", "password": "wrong one"])
            }
            let r = try await app.call(.post, "/api/v1/auth/login", json: ["username": "fresh", "password": "wrong one"])
            #expect(r.status == .tooManyRequests)
        }
    }

    @Test("profile: display name can be changed")
    func profile() async throws {
        try await TestApp.run { app in
            let joan = try await app.signUp("joan")
            let r = try await app.call(.patch, "/api/v1/me", as: joan, json: ["displayName": "  Joan Clarke "])
            #expect(r.status == .ok)
            #expect(r["displayName"] as? String == "Joan Clarke")
            let bad = try await app.call(.patch, "/api/v1/me", as: joan, json: ["displayName": ""])
            #expect(bad.status == .unprocessableContent)
            #expect(try await app.call(.get, "/api/v1/me", as: joan)["displayName"] as? String == "Joan Clarke")
        }
    }

    @Test("sign-up can be closed by configuration")
    func closedSignup() async throws {
        try await TestApp.run(configure: { $0.accounts.allowSignup = false }) { app in
            let r = try await app.call(.post, "/api/v1/auth/register", json: ["username": "x1x", "displayName": "X", "password": "long enough"])
            #expect(r.status == .forbidden)
        }
    }
}
