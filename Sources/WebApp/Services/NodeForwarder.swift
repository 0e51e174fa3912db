import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPTypes
import Hummingbird
import Rooms
import Synchronization

/// Sends a request that only the node running a meeting can answer (a leave
/// beacon, a recording to start) on to that node's HTTP server
/// (`cluster.internal_url`), marked with a signed `Parley-Relayed-By`
/// (`RelaySignature`) so that node never forwards it again, and hands its
/// answer back unchanged. Sessions and
/// tokens live in the shared database, so the other node checks them itself.
struct NodeForwarder: Sendable {
    /// This node's name, for the other node's logs.
    let from: String
    /// Signs what this node sends and checks what others send.
    let signature: RelaySignature
    let session: URLSession

    init(from: String, signature: RelaySignature) {
        self.from = from
        self.signature = signature
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.timeoutIntervalForRequest = 5
        session = URLSession(configuration: configuration)
    }

    /// Whether `request` came from another node of the cluster (and must be
    /// answered here): its `Parley-Relayed-By` is signed with the cluster's key.
    func isForwarded(_ request: Request) -> Bool {
        relayingNode(request.headers[SignalingRelay.relayedByHeader], method: request.method.rawValue, path: request.uri.path) != nil
    }

    /// Refuses (403 `not_a_node`) a request to the cluster's internal API
    /// that does not come from a node of the cluster.
    func requireNode(_ request: Request) throws {
        guard isForwarded(request) else {
            throw APIError(.forbidden, "not_a_node", "Only the nodes of this Parley cluster may ask for its media.")
        }
    }

    /// The node named by a signed `Parley-Relayed-By` value; nil for none,
    /// or for one not signed with the cluster's key (a browser's own header).
    func relayingNode(_ header: String?, method: String, path: String) -> String? {
        guard let header else { return nil }
        return signature.verify(header, method: method, path: path)
    }

    /// The header value for a request this node sends to another.
    func relayedBy(method: String, path: String) -> String {
        signature.value(node: from, method: method, path: path)
    }

    /// Why a node-to-node call failed.
    enum CallError: Error {
        case unreachable(String)
        case refused(status: Int, body: String)
    }

    /// `POST path` with `body` as JSON on `node`, its JSON answer decoded
    /// (the cluster's own calls, e.g. `PipeController`).
    func postJSON<Answer: Decodable>(_ path: String, _ body: some Encodable, to node: RoomLocation.RemoteNode) async throws -> Answer {
        guard let request = try postRequest(path, body: JSONEncoder().encode(body), cookie: nil, to: node) else {
            throw CallError.unreachable(node.httpURL)
        }
        guard let (data, http) = await exchange(request) else {
            throw CallError.unreachable(node.name)
        }
        guard (200..<300).contains(http.statusCode) else {
            throw CallError.refused(status: http.statusCode, body: String(decoding: data.prefix(500), as: UTF8.self))
        }
        return try JSONDecoder().decode(Answer.self, from: data)
    }

    /// `POST path` with `body` (JSON) and the caller's cookie on `node`;
    /// its answer as a response, or nil when the node cannot be reached.
    func post(_ path: String, body: Data, cookie: String?, to node: RoomLocation.RemoteNode) async -> Response? {
        guard let request = postRequest(path, body: body, cookie: cookie, to: node),
              let (data, http) = await exchange(request) else { return nil }
        var headers = HTTPFields()
        headers[.contentType] = http.value(forHTTPHeaderField: "Content-Type") ?? "application/json"
        return Response(status: .init(code: http.statusCode), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Sends `request`; its answer, or nil when the node cannot be reached or
    /// does not answer within the session's timeout and 2 s more.
    ///
    /// The deadline is ours, not only URLSession's: on Linux a request to a
    /// refused port has been seen never to complete (swift-corelibs-foundation's
    /// URLSession, e.g. its issue #3876), which hung the join that asked a dead
    /// node for media. The task is cancelled when the deadline passes first.
    private func exchange(_ request: URLRequest) async -> (Data, HTTPURLResponse)? {
        let deadline = session.configuration.timeoutIntervalForRequest + 2
        return await withCheckedContinuation { (continuation: CheckedContinuation<(Data, HTTPURLResponse)?, Never>) in
            let once = OnceResume(continuation)
            let task = session.dataTask(with: request) { data, response, _ in
                guard let data, let http = response as? HTTPURLResponse else { once.resume(nil); return }
                once.resume((data, http))
            }
            task.resume()
            Task {
                try? await Task.sleep(for: .seconds(deadline))
                if once.resume(nil) { task.cancel() }
            }
        }
    }

    /// A signed JSON `POST` of `body` to `path` on `node` (nil: no usable URL).
    private func postRequest(_ path: String, body: Data, cookie: String?, to node: RoomLocation.RemoteNode) -> URLRequest? {
        guard let url = node.url(path).flatMap(URL.init(string:)) else { return nil }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(relayedBy(method: "POST", path: url.path), forHTTPHeaderField: SignalingRelay.relayedByHeader.rawName)
        if let cookie { request.setValue(cookie, forHTTPHeaderField: "Cookie") }
        request.httpBody = body
        return request
    }
}

/// Resumes a continuation exactly once, whoever comes first.
private final class OnceResume<Value: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<Value, Never>?>

    init(_ continuation: CheckedContinuation<Value, Never>) { self.continuation = Mutex(continuation) }

    /// Resumes with `value` unless already resumed; true if this call did.
    @discardableResult
    func resume(_ value: Value) -> Bool {
        guard let c = continuation.withLock({ c in defer { c = nil }; return c }) else { return false }
        c.resume(returning: value)
        return true
    }
}
