import Crypto
import Foundation
import Hummingbird
import Store

/// Resolves the `parley_session` cookie to a user. Requests without a valid
/// session pass through unauthenticated; each handler decides whether that
/// is allowed (``AppRequestContext/requireUser()``).
struct SessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let cookieName = "parley_session"

    let store: Store

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        if let token = request.cookies[Self.cookieName]?.value, token.count <= 128 {
            let hash = Self.hash(token)
            if let user = try await store.sessionUser(tokenHash: hash) {
                context.user = user
                context.sessionTokenHash = hash
                context.logger[metadataKey: "user"] = .string(user.id)
            }
        }
        return try await next(request, context)
    }

    /// SHA-256 hex of a session token: only the hash is stored.
    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// 32 random bytes, URL-safe base64.
    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
