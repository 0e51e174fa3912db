import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Janus's HTTP API (janus.transport.http, `/janus`): sessions, plugin
/// handles, plugin messages, and events by long poll. Just enough of it for
/// the VideoRoom plugin (`janus.plugin.videoroom`), so the same load can run
/// against Janus for side-by-side figures.
public struct JanusAPI: Sendable {
    public let base: URL
    let http: URLSession

    public init(base: URL) {
        self.base = base
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 60
        // Every participant keeps a long poll open; with the default limit of
        // a few connections per host, requests would queue behind them.
        configuration.httpMaximumConnectionsPerHost = 10_000
        http = URLSession(configuration: configuration)
    }

    /// A reply or event as loose JSON, carried across tasks as its bytes.
    public struct Message: Sendable {
        public let data: Data
        public var object: [String: Any] { (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:] }
        public var janus: String? { object["janus"] as? String }
        public var sender: Int? { (object["sender"] as? NSNumber)?.intValue }
        public var transaction: String? { object["transaction"] as? String }
        public var pluginData: [String: Any] { ((object["plugindata"] as? [String: Any])?["data"] as? [String: Any]) ?? [:] }
        public var jsep: (type: String, sdp: String)? {
            guard let j = object["jsep"] as? [String: Any], let t = j["type"] as? String, let s = j["sdp"] as? String else { return nil }
            return (t, s)
        }
    }

    func post(_ path: String, _ body: [String: Any]) async throws -> Message {
        var request = URLRequest(url: base.appendingPathComponent(path))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        var body = body
        body["transaction"] = body["transaction"] ?? UUID().uuidString
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (data, _) = try await http.data(for: request)
        let message = Message(data: data)
        if message.janus == "error" { throw LoadTestError.http("Janus: \(message.object["error"] ?? "error")") }
        return message
    }

    /// `create`: a new session id.
    public func createSession() async throws -> Int {
        let reply = try await post("", ["janus": "create"])
        guard let id = ((reply.object["data"] as? [String: Any])?["id"] as? NSNumber)?.intValue else {
            throw LoadTestError.http("Janus create: \(reply.object)")
        }
        return id
    }

    /// `attach` to the VideoRoom plugin: a handle id.
    public func attachVideoRoom(session: Int) async throws -> Int {
        let reply = try await post("\(session)", ["janus": "attach", "plugin": "janus.plugin.videoroom"])
        guard let id = ((reply.object["data"] as? [String: Any])?["id"] as? NSNumber)?.intValue else {
            throw LoadTestError.http("Janus attach: \(reply.object)")
        }
        return id
    }

    /// A plugin message (with an SDP when given); the synchronous reply or the ack.
    @discardableResult
    public func message(session: Int, handle: Int, body: [String: any Sendable], jsep: (type: String, sdp: String)? = nil,
                        transaction: String = UUID().uuidString) async throws -> Message {
        var request: [String: Any] = ["janus": "message", "body": body, "transaction": transaction]
        if let jsep { request["jsep"] = ["type": jsep.type, "sdp": jsep.sdp] }
        return try await post("\(session)/\(handle)", request)
    }

    /// The session's next events (long poll, up to 30 s; keeps the session alive).
    public func events(session: Int) async throws -> [Message] {
        var components = URLComponents(url: base.appendingPathComponent("\(session)"), resolvingAgainstBaseURL: false)!
        components.queryItems = [URLQueryItem(name: "maxev", value: "10")]
        let (data, _) = try await http.data(from: components.url!)
        let json = try JSONSerialization.jsonObject(with: data)
        let list = json as? [Any] ?? [json]
        return list.compactMap { try? JSONSerialization.data(withJSONObject: $0) }.map(Message.init(data:))
    }

    /// `destroy` a session (its handles and their peer connections go with it).
    public func destroy(session: Int) async {
        _ = try? await post("\(session)", ["janus": "destroy"])
    }
}
