import Foundation
import Hummingbird
import HummingbirdBcrypt
import NIOPosix
import Store

/// Sign-up, sign-in and sign-out.
struct AuthController {
    let services: AppServices

    struct RegisterInput: Decodable {
        var username: String
        var displayName: String
        var password: String
    }

    struct LoginInput: Decodable {
        var username: String
        var password: String
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/api/v1/auth/register", use: register)
        router.post("/api/v1/auth/login", use: login)
        router.post("/api/v1/auth/logout", use: logout)
        router.post("/api/v1/me/password", use: changePassword)
    }

    static func validUsername(_ raw: String) throws -> String {
        let username = raw.trimmingCharacters(in: .whitespaces).lowercased()
        guard (3...32).contains(username.count) else {
            throw APIError.validation("username", "A username has 3 to 32 characters.")
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789_.-")
        guard username.allSatisfy({ allowed.contains($0) }) else {
            throw APIError.validation("username", "A username may use letters, digits, '_', '.' and '-' only.")
        }
        return username
    }

    @Sendable func register(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard services.configuration.accounts.allowSignup else {
            throw APIError.forbidden("Sign-up is closed on this server. Ask its administrator for an account.")
        }
        let input = try await request.decodeJSON(RegisterInput.self, context: context)
        let username = try Self.validUsername(input.username)
        let displayName = try Validation.text(input.displayName, field: "displayName", label: "Display name", min: 1, max: 64)
        guard input.password.count >= 8 else {
            throw APIError.validation("password", "A password needs at least 8 characters.")
        }
        guard input.password.count <= 128 else {
            throw APIError.validation("password", "A password can be at most 128 characters.")
        }
        let hash = try await hashPassword(input.password)
        let user: UserRecord
        do {
            user = try await services.store.createUser(username: username, displayName: displayName, passwordHash: hash)
        } catch StoreError.conflict {
            throw APIError(.conflict, "username_taken", "The username '\(username)' is taken. Try another one.", field: "username")
        }
        services.metrics.signUps.increment()
        var response = try Response.json(UserResponse(user), status: .created)
        try await startSession(for: user, response: &response)
        return response
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let input = try await request.decodeJSON(LoginInput.self, context: context)
        let account = input.username.trimmingCharacters(in: .whitespaces).lowercased()
        let address = clientAddress(request, context: context)
        guard account.count <= 64, input.password.count <= 256 else {
            throw APIError(.unauthorized, "invalid_credentials", "The username or password is wrong.")
        }
        if let wait = await services.rateLimiter.retryAfter(account: account, address: address) {
            services.metrics.signIns(result: "rate_limited").increment()
            var error = APIError(
                .tooManyRequests, "rate_limited",
                "Too many failed sign-in attempts. Try again in \(Self.describe(seconds: wait)).")
            error.headers[.retryAfter] = String(wait)
            throw error
        }
        let user = try await services.store.user(username: account)
        // Verify against a fixed hash when the user does not exist, so timing
        // does not tell which usernames exist.
        let ok = try await verifyPassword(input.password, hash: user?.passwordHash ?? services.dummyPasswordHash)
        guard let user, ok else {
            await services.rateLimiter.recordFailure(account: account, address: address)
            services.metrics.signIns(result: "failure").increment()
            throw APIError(.unauthorized, "invalid_credentials", "The username or password is wrong.")
        }
        await services.rateLimiter.recordSuccess(account: account)
        services.metrics.signIns(result: "success").increment()
        var response = try Response.json(UserResponse(user))
        try await startSession(for: user, response: &response)
        return response
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        let expired = Cookie(
            name: SessionMiddleware.cookieName, value: "", expires: Date(timeIntervalSince1970: 0), path: "/",
            secure: services.configuration.http.secureCookies, httpOnly: true, sameSite: .lax)
        guard let hash = context.sessionTokenHash else {
            // No session to end: 401, as the API document says (the web client
            // treats it as signed out). A stale cookie is cleared all the same.
            var error = APIError(.unauthorized, "unauthenticated", "Sign in to do this.")
            if request.headers[.cookie] != nil { error.headers[.setCookie] = expired.description }
            throw error
        }
        try await services.store.deleteSession(tokenHash: hash)
        var response = Response.noContent
        response.setCookie(expired)
        return response
    }

    /// Changes the signed-in person's password after checking the current
    /// one; their other sessions (other browsers, a lost laptop) end, this
    /// one stays. Wrong current passwords count toward the sign-in rate limit.
    @Sendable func changePassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable { var currentPassword: String; var newPassword: String }
        let user = try context.requireUser()
        let input = try await request.decodeJSON(Input.self, context: context)
        let address = clientAddress(request, context: context)
        if let wait = await services.rateLimiter.retryAfter(account: user.username, address: address) {
            var error = APIError(
                .tooManyRequests, "rate_limited",
                "Too many wrong passwords. Try again in \(Self.describe(seconds: wait)).")
            error.headers[.retryAfter] = String(wait)
            throw error
        }
        guard input.newPassword.count >= 8 else {
            throw APIError.validation("newPassword", "A password needs at least 8 characters.")
        }
        guard input.newPassword.count <= 128 else {
            throw APIError.validation("newPassword", "A password can be at most 128 characters.")
        }
        guard input.currentPassword.count <= 256,
            try await verifyPassword(input.currentPassword, hash: user.passwordHash)
        else {
            await services.rateLimiter.recordFailure(account: user.username, address: address)
            throw APIError(.forbidden, "wrong_password", "Your current password is not right. Nothing was changed.", field: "currentPassword")
        }
        guard input.newPassword != input.currentPassword else {
            throw APIError.validation("newPassword", "Choose a new password that differs from the current one.")
        }
        let hash = try await hashPassword(input.newPassword)
        try await services.store.setPasswordHash(userId: user.id, passwordHash: hash, keepingSession: context.sessionTokenHash)
        await services.rateLimiter.recordSuccess(account: user.username)
        return .noContent
    }

    private func startSession(for user: UserRecord, response: inout Response) async throws {
        let token = SessionMiddleware.newToken()
        let days = services.configuration.accounts.sessionDays
        let now = Timestamp.now
        try await services.store.createSession(
            SessionRecord(
                tokenHash: SessionMiddleware.hash(token), userId: user.id, createdAt: now,
                expiresAt: now + days * 86_400_000))
        response.setCookie(
            Cookie(
                name: SessionMiddleware.cookieName, value: token, maxAge: days * 86_400, path: "/",
                secure: services.configuration.http.secureCookies, httpOnly: true, sameSite: .lax))
    }

    private func clientAddress(_ request: Request, context: AppRequestContext) -> String {
        if services.configuration.http.trustForwardedFor, let forwarded = request.headers[.init("X-Forwarded-For")!],
            let first = forwarded.split(separator: ",").first
        {
            return first.trimmingCharacters(in: .whitespaces)
        }
        return context.remoteAddress?.ipAddress ?? "unknown"
    }

    static func describe(seconds: Int) -> String {
        seconds < 90 ? "\(seconds) seconds" : "\((seconds + 59) / 60) minutes"
    }

    /// bcrypt is deliberately slow: run it off the event loops.
    private func hashPassword(_ password: String) async throws -> String {
        let cost = UInt8(services.configuration.accounts.bcryptCost)
        return try await services.blockingPool.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    private func verifyPassword(_ password: String, hash: String) async throws -> Bool {
        try await services.blockingPool.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

}
