import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPTypes
import Hummingbird
import Rooms

/// Sends a request that only the node running a meeting can answer (a leave
/// beacon, a recording to start) on to that node's HTTP server
/// (`cluster.internal_url`), marked `Parley-Relayed-By` so that node never
/// forwards it again, and hands its answer back unchanged. Sessions and
/// tokens live in the shared database, so the other node checks them itself.
struct NodeForwarder: Sendable {
    /// This node's name, for the other node's logs.
    let from: String
    let session: URLSession

    init(from: String) {
        self.from = from
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.timeoutIntervalForRequest = 5
        session = URLSession(configuration: configuration)
    }

    /// Whether `request` came from another node (and must be answered here).
    static func isForwarded(_ request: Request) -> Bool {
        request.headers[SignalingRelay.relayedByHeader] != nil
    }

    /// `POST path` with `body` (JSON) and the caller's cookie on `node`;
    /// its answer as a response, or nil when the node cannot be reached.
    func post(_ path: String, body: Data, cookie: String?, to node: RoomLocation.RemoteNode) async -> Response? {
        guard let url = node.url(path).flatMap(URL.init(string:)) else { return nil }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(from, forHTTPHeaderField: SignalingRelay.relayedByHeader.rawName)
        if let cookie { request.setValue(cookie, forHTTPHeaderField: "Cookie") }
        request.httpBody = body
        guard let (data, response) = try? await session.data(for: request), let http = response as? HTTPURLResponse else { return nil }
        var headers = HTTPFields()
        headers[.contentType] = http.value(forHTTPHeaderField: "Content-Type") ?? "application/json"
        return Response(status: .init(code: http.statusCode), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
