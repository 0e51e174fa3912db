import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import Store

/// Per-request state: the signed-in user (if any) and the client's address.
public struct AppRequestContext: RequestContext, WebSocketRequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<Self>
    public let remoteAddress: SocketAddress?

    /// Set by ``SessionMiddleware`` when the request carries a live session cookie.
    public var user: UserRecord?
    /// SHA-256 of the session cookie's token, for sign-out.
    public var sessionTokenHash: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.webSocket = .init()
        self.remoteAddress = source.channel.remoteAddress
    }

    /// The signed-in user, or a 401.
    public func requireUser() throws -> UserRecord {
        guard let user else {
            throw APIError(.unauthorized, "unauthenticated", "Sign in to do this.")
        }
        return user
    }

    /// Bodies larger than this are refused with 413 before they are read.
    public var maxUploadSize: Int { 1_048_576 }
}
